import {
  allHandlersFinished,
  type CancellationScope,
  condition,
  continueAsNew,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { runbookEventSignal } from '../runbook/messages';
import { IncidentEscalation } from './escalation';
import { type IncidentWorkflowInput, type IncidentWorkflowResult, nextRunInput } from './input';
import {
  type IncidentActionInput,
  type PatchIncidentInput,
  type SnoozeInput,
  acknowledgeUpdate,
  addNoteUpdate,
  claimCommanderUpdate,
  alertsSignal,
  escalateUpdate,
  pageOutcomeSignal,
  incidentQuery,
  maintenanceChangedSignal,
  patchIncidentUpdate,
  resolveUpdate,
  snoozeUpdate,
  startRunbookUpdate,
} from './messages';
import { actorVia } from '../../domain/actors';
import { AlertIntake } from './alert-intake';
import { leaveAlertGroup } from './alert-group';
import { IncidentChat } from './chat';
import { IncidentMaintenance } from './maintenance';
import { IncidentNotifier } from './notifier';
import { IncidentPersonPages } from './person-pages';
import { openIncident, resumeIncident } from './open';
import { recordPostmortemStart } from './postmortem';
import { IncidentRunbooks } from './runbooks';
import { IncidentSaver, NotificationsUnderWay } from './saver';
import { IncidentSla } from './sla';
import { IncidentState } from './state';
import { runLongLived } from '../long-lived';

export type { IncidentWorkflowInput, IncidentWorkflowResult } from './input';

/**
 * One incident, from the first alert to resolution: triage, timed escalation
 * until someone acknowledges, runbooks, and the post-mortem started at the end.
 */
export function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentWorkflowResult> {
  return runLongLived((scope) => runIncident(input, scope));
}

async function runIncident(
  input: IncidentWorkflowInput,
  scope: CancellationScope,
): Promise<IncidentWorkflowResult> {
  const state = new IncidentState(input);
  const intake = new AlertIntake(state, input.waitingEvents);
  const personPages = new IncidentPersonPages(state, input.carried?.pagedPeople);
  const notifications = new NotificationsUnderWay();
  const saver = new IncidentSaver(state, input.unsavedResolved, notifications);
  const notifier = new IncidentNotifier(state, notifications, saver, personPages);
  const runbooks = new IncidentRunbooks(
    state,
    notifier,
    input.actionsTaskQueue,
    input.carried?.automaticRunbooks,
  );
  const maintenance = new IncidentMaintenance(state);
  const escalation = new IncidentEscalation(state, notifier, new IncidentSla(state, notifier), maintenance);
  const chat = new IncidentChat(state);

  setHandler(alertsSignal, ({ events }) => events.forEach((event) => intake.receive(event)));
  setHandler(runbookEventSignal, (event) => runbooks.onEvent(event));
  setHandler(pageOutcomeSignal, (outcome) => personPages.record(outcome));
  setHandler(maintenanceChangedSignal, () => maintenance.notice());
  setHandler(incidentQuery, () => state.incident);
  // The incident an action names must be this run's (and, for most actions, still open).
  const mustBeThisIncident = (req: IncidentActionInput) => void state.requireThisIncident(req);
  const mustBeThisOpenIncident = (req: IncidentActionInput) => void state.requireThisOpenIncident(req);
  setHandler(acknowledgeUpdate, ({ actor, via }) => state.acknowledge(actor, via), {
    validator: (req: IncidentActionInput) => state.validateAcknowledge(req),
  });
  setHandler(resolveUpdate, ({ actor, note, via }) => state.resolve(actor, note, via), {
    validator: mustBeThisOpenIncident,
  });
  setHandler(snoozeUpdate, ({ actor, durationSeconds, via }) => state.snooze(actor, durationSeconds, via), {
    validator: (req: SnoozeInput) => state.validateSnooze(req),
  });
  setHandler(
    escalateUpdate,
    ({ actor, reason, via }) => {
      maintenance.liftFor(actorVia(actor, via));
      return state.escalate(
        actor,
        (from) => `Escalated by ${actorVia(actor, via)} from level ${from}${reason ? `: ${reason}` : ''}`,
      );
    },
    { validator: mustBeThisOpenIncident },
  );
  setHandler(claimCommanderUpdate, ({ actor, via }) => state.claimCommander(actor, via), {
    validator: (req: IncidentActionInput) => state.validateClaimCommander(req),
  });
  setHandler(addNoteUpdate, ({ actor, text }) => state.record('note', actor, text), {
    validator: mustBeThisIncident,
  });
  setHandler(patchIncidentUpdate, (req) => state.patch(req), {
    validator: (req: PatchIncidentInput) => state.validatePatch(req),
  });
  // The run outlives the update: it starts in the run's scope.
  setHandler(
    startRunbookUpdate,
    ({ actor, runbookId, params }) =>
      scope.run(async () => ({ runId: (await runbooks.begin({ id: runbookId, params }, actor)).runId })),
    { validator: mustBeThisOpenIncident },
  );

  if (state.incident) {
    resumeIncident(state, intake);
  } else {
    await openIncident(state, intake, maintenance);
    runbooks.runAutomatic(state.current.triage.runbooks);
  }
  void saver.runInBackground();
  void chat.runInBackground();
  void personPages.runInBackground();

  // Neither running runbooks nor unsaved changes hold this up: both travel to the next run.
  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested && saver.mayContinueAsNew();
  while (!state.resolved) {
    if (continueAsNewDue()) {
      await condition(allHandlersFinished);
      const { current, unsavedResolved } = saver.unsavedForNextRun();
      await continueAsNew<typeof incidentWorkflow>(
        nextRunInput(input, intake.waitingForNext.takeAll(), {
          carried: {
            ...current,
            automaticRunbooks: runbooks.automaticQueue,
            chatBacklog: chat.takeBacklog(),
            pagedPeople: personPages.paged,
          },
          unsavedResolved,
        }),
      );
    }
    await escalation.step(continueAsNewDue);
  }

  await personPages.stopAll('resolved');
  await runbooks.cancelRunning();
  await chat.flush();
  recordPostmortemStart(state);
  // Before the last check below: a trigger the group's router sends while this incident leaves is not lost.
  await leaveAlertGroup(state);
  await condition(allHandlersFinished);
  // A trigger for the next incident does not wait for MongoDB: the next run saves this one, unless
  // what is unsaved would not fit the next run's input (a long outage of a noisy incident).
  const saved = await saver.flushUnless(() => intake.waitingForNext.length > 0 && saver.mayContinueAsNew());
  // Checked after the last await, so a trigger that raced the resolution is not lost.
  if (intake.waitingForNext.length > 0) {
    const { current, unsavedResolved } = saver.unsavedForNextRun();
    await continueAsNew<typeof incidentWorkflow>(
      nextRunInput(input, intake.waitingForNext.takeAll(), {
        unsavedResolved: saved ? unsavedResolved : [...unsavedResolved, current],
      }),
    );
  }
  return { incidentId: state.current.incidentId, status: state.current.status };
}
