import {
  type ActivityOptions,
  type LocalActivityOptions,
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type {
  AlertEvent,
  EscalationPolicySnapshot,
  Incident,
  Integration,
  NotificationContext,
  TargetRef,
  TimelineEntry,
  RunbookInvocation,
  RunbookRunSummary,
  SlaBreach,
  TimelineType,
  TriageResult,
} from '../domain/incident';
import type { RunbookStatus } from '../domain/runbook';
import type { postmortemWorkflow } from './postmortem';
import type { runbookWorkflow } from './runbook';
import { runbookEventSignal } from './runbook-messages';
import {
  type AcknowledgeInput,
  type IncidentActionInput,
  type EscalateInput,
  type NoteInput,
  type PatchIncidentInput,
  type SnoozeInput,
  type ResolveInput,
  acknowledgeUpdate,
  addNoteUpdate,
  alertSignal,
  escalateUpdate,
  incidentQuery,
  patchIncidentUpdate,
  resolveUpdate,
  snoozeUpdate,
  startRunbookUpdate,
  type StartRunbookInput,
} from './incident-messages';
import { searchAttributes } from './search-attributes';

/** Triage and notification planning: quick, read-only lookups. */
const lookupOptions: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
};
const remoteLookups = proxyActivities<Activities>(lookupOptions);
// The same lookups read only the worker's in-memory rules and on-call catalog, so they run as
// local activities: one marker event each instead of a task round trip through the server
// (an incident escalated to level 2 and resolved: 17 workflow tasks instead of 21, 128 history
// events instead of 144). Patch `local-lookups-v1`.
const localLookupOptions: LocalActivityOptions = {
  startToCloseTimeout: lookupOptions.startToCloseTimeout,
  retry: lookupOptions.retry,
};
const localLookups = proxyLocalActivities<Activities>(localLookupOptions);

// Saving must eventually succeed, however long MongoDB is away: no attempt limit.
const saveOptions: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
const { saveIncident } = proxyActivities<Activities>(saveOptions);

// A channel that keeps failing must not hold the escalation up for long.
const deliveryOptions: ActivityOptions = {
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
};
const { deliverNotification } = proxyActivities<Activities>(deliveryOptions);

export interface IncidentWorkflowInput {
  service: string;
  dedupKey: string;
  integration: Integration;
  /** Set when the workflow continued as new: the incident so far and what was not yet saved. */
  carried?: { incident: Incident; unsavedTimeline: TimelineEntry[] };
  /** Events that arrived for the next incident (after this one resolved), or were pending at continue-as-new. */
  pendingEvents?: AlertEvent[];
  /** Task queue for runbook actions and HTTP checks (absent in runs started before it existed: this workflow's own). */
  actionsTaskQueue?: string;
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The activity failure's cause is the useful part ("HTTP 503", "environment variable … is not set"). */
function failureMessage(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * When triage itself keeps failing, the incident still opens: severity from
 * the alert, no team and no escalation policy, and the problem on the timeline.
 */
function emergencyTriage(
  event: AlertEvent,
  err: unknown,
): { triage: TriageResult; policy: EscalationPolicySnapshot; warnings: string[] } {
  const severity = ({ critical: 'SEV1', error: 'SEV2', warning: 'SEV3', info: 'SEV4' } as const)[
    event.severity
  ];
  const priority = ({ SEV1: 'P1', SEV2: 'P2', SEV3: 'P3', SEV4: 'P4' } as const)[severity];
  return {
    triage: {
      ruleId: 'triage-failed',
      impact: 'medium',
      urgency: 'high',
      severity,
      priority,
      major: severity === 'SEV1',
      team: 'unassigned',
      escalationPolicyId: 'none',
      runbooks: [],
    },
    policy: { id: 'none', name: 'No escalation policy', levels: [], repeat: 0, fallback: [] },
    warnings: [`triage failed (${failureMessage(err)}); nobody is being notified`],
  };
}

export interface IncidentWorkflowResult {
  incidentId: string;
  status: Incident['status'];
  /** Set when a new trigger arrived after resolution and a new incident continued in a new run. */
  nextIncident?: boolean;
}

/**
 * One incident, from the first alert to resolution: triage, timed escalation
 * until someone acknowledges, and the state saved to MongoDB at every change.
 */
export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentWorkflowResult> {
  let incident: Incident | undefined = input.carried?.incident;
  const unsaved: TimelineEntry[] = [...(input.carried?.unsavedTimeline ?? [])];
  /** Events that came before triage finished. */
  const inbox: AlertEvent[] = [...(input.pendingEvents ?? [])];
  /** Triggers that came after resolution: they open the next incident. */
  const nextIncidentEvents: AlertEvent[] = [];
  /** The version last saved to MongoDB; a higher incident.version wakes the main loop to save it. */
  let savedVersion = incident?.version ?? -1;

  const now = () => new Date(Date.now()).toISOString();
  /** Set once per run by the `local-lookups-v1` patch, before the first lookup. */
  let useLocalLookups = false;

  function triageAlert(event: AlertEvent): ReturnType<Activities['triageAlert']> {
    const summary = `triage: ${event.service} ${event.severity}`;
    return useLocalLookups
      ? localLookups.triageAlert.executeWithOptions({ ...localLookupOptions, summary }, [event])
      : remoteLookups.triageAlert.executeWithOptions({ ...lookupOptions, summary }, [event]);
  }

  function planNotifications(
    input: Parameters<Activities['planNotifications']>[0],
    reason: string,
  ): ReturnType<Activities['planNotifications']> {
    const summary = `who to notify: ${reason}`;
    return useLocalLookups
      ? localLookups.planNotifications.executeWithOptions({ ...localLookupOptions, summary }, [input])
      : remoteLookups.planNotifications.executeWithOptions({ ...lookupOptions, summary }, [input]);
  }

  function record(
    type: TimelineType,
    actor: string,
    message: string,
    data?: Record<string, unknown>,
  ): TimelineEntry {
    const current = requireIncident();
    current.timelineLength += 1;
    const entry: TimelineEntry = {
      seq: current.timelineLength,
      at: now(),
      type,
      actor,
      message,
      ...(data ? { data } : {}),
    };
    unsaved.push(entry);
    touch();
    return entry;
  }

  function touch(): void {
    requireIncident().version += 1;
  }

  function requireIncident(): Incident {
    if (!incident)
      throw ApplicationFailure.nonRetryable('The incident is still being opened; try again in a moment');
    return incident;
  }

  function requireOpen(): Incident {
    const current = requireIncident();
    if (current.status === 'resolved')
      throw ApplicationFailure.nonRetryable('The incident is already resolved');
    return current;
  }

  /** For update validators: the incident the caller named, which must be this run's. */
  function requireIncidentFor(input: IncidentActionInput): Incident {
    const current = requireIncident();
    if (input.incidentId !== current.incidentId) {
      // An earlier incident of this key: it was resolved, and this run is a newer one.
      throw new Error(`Incident ${input.incidentId} is already resolved`);
    }
    return current;
  }

  function requireOpenFor(input: IncidentActionInput): Incident {
    requireIncidentFor(input);
    return requireOpen();
  }

  function syncSearchAttributes(current: Incident): void {
    upsertSearchAttributes([
      { key: searchAttributes.service, value: current.service },
      { key: searchAttributes.severity, value: current.severity },
      { key: searchAttributes.priority, value: current.priority },
      { key: searchAttributes.status, value: current.status },
      { key: searchAttributes.team, value: current.team },
    ]);
    upsertMemo({ title: current.title, incidentId: current.incidentId });
  }

  function acknowledge(actor: string): void {
    const current = requireOpen();
    current.status = 'acknowledged';
    current.acknowledgedAt = now();
    current.acknowledgedBy = actor;
    current.snoozedUntil = undefined;
    current.escalation.nextEscalationAt = undefined;
    record('acknowledged', actor, `Acknowledged by ${actor}; escalation stopped`);
    syncSearchAttributes(current);
  }

  function resolve(actor: string, note?: string): void {
    const current = requireOpen();
    current.status = 'resolved';
    current.resolvedAt = now();
    current.resolvedBy = actor;
    current.resolutionNote = note;
    current.snoozedUntil = undefined;
    current.escalation.nextEscalationAt = undefined;
    record('resolved', actor, note ? `Resolved by ${actor}: ${note}` : `Resolved by ${actor}`);
    syncSearchAttributes(current);
  }

  /** Moves to the next level (or pass); the main loop notifies it. */
  function advanceEscalation(): void {
    const current = requireIncident();
    const esc = current.escalation;
    esc.level += 1;
    if (esc.level >= esc.policy.levels.length) {
      esc.level = 0;
      esc.round += 1;
    }
    if (esc.round > esc.policy.repeat) esc.exhausted = true;
    esc.levelNotified = false;
    esc.nextEscalationAt = undefined;
    touch();
  }

  function applyEvent(event: AlertEvent): void {
    const current = requireIncident();
    const actor = `integration:${event.integration}`;
    if (current.status === 'resolved') {
      // PagerDuty semantics: a new trigger after resolve opens a new incident; acknowledge/resolve are dropped.
      if (event.action === 'trigger') nextIncidentEvents.push(event);
      return;
    }
    switch (event.action) {
      case 'trigger':
        current.alertCount += 1;
        current.lastAlertAt = event.occurredAt;
        record('alert', actor, `Alert ${current.alertCount}: ${event.summary}`, {
          eventId: event.eventId,
          severity: event.severity,
          ...(event.source ? { source: event.source } : {}),
        });
        break;
      case 'acknowledge':
        if (current.status === 'acknowledged') return;
        acknowledge(actor);
        break;
      case 'resolve':
        resolve(actor, `resolve event from ${event.integration}`);
        break;
    }
  }

  setHandler(alertSignal, (event) => {
    if (incident) applyEvent(event);
    else inbox.push(event);
  });

  setHandler(incidentQuery, () => incident);

  setHandler(acknowledgeUpdate, ({ actor }) => (acknowledge(actor), requireIncident()), {
    validator: (input: AcknowledgeInput) => {
      if (requireOpenFor(input).status === 'acknowledged')
        throw new Error('The incident is already acknowledged');
    },
  });

  setHandler(resolveUpdate, ({ actor, note }) => (resolve(actor, note), requireIncident()), {
    validator: (input: ResolveInput) => void requireOpenFor(input),
  });

  setHandler(
    snoozeUpdate,
    ({ actor, durationSeconds }) => {
      const current = requireOpen();
      current.status = 'snoozed';
      current.snoozedUntil = new Date(Date.now() + durationSeconds * 1000).toISOString();
      current.escalation.nextEscalationAt = undefined;
      record('snoozed', actor, `Snoozed by ${actor} until ${current.snoozedUntil}`, { durationSeconds });
      syncSearchAttributes(current);
      return current;
    },
    {
      validator: (input: SnoozeInput) => {
        requireOpenFor(input);
        if (!(input.durationSeconds > 0)) throw new Error('durationSeconds must be positive');
      },
    },
  );

  setHandler(
    escalateUpdate,
    ({ actor, reason }) => {
      const current = requireOpen();
      const from = current.escalation.level;
      current.status = 'triggered';
      current.snoozedUntil = undefined;
      advanceEscalation();
      record(
        'escalated',
        actor,
        `Escalated by ${actor} from level ${from + 1}${reason ? `: ${reason}` : ''}`,
      );
      syncSearchAttributes(current);
      return current;
    },
    { validator: (input: EscalateInput) => void requireOpenFor(input) },
  );

  setHandler(addNoteUpdate, ({ actor, text }) => record('note', actor, text), {
    validator: (input: NoteInput) => void requireIncidentFor(input),
  });

  setHandler(
    patchIncidentUpdate,
    ({ actor, severity, title, commander }) => {
      const current = requireIncident();
      const changes: Record<string, unknown> = {};
      if (severity !== undefined && severity !== current.severity)
        changes.severity = current.severity = severity;
      if (title !== undefined && title !== current.title) changes.title = current.title = title;
      if (commander !== undefined && commander !== current.commander)
        changes.commander = current.commander = commander;
      if (Object.keys(changes).length > 0) {
        record('updated', actor, `Updated by ${actor}: ${Object.keys(changes).join(', ')}`, changes);
        syncSearchAttributes(current);
      }
      return current;
    },
    {
      validator: (input: PatchIncidentInput) => {
        requireIncidentFor(input);
        if (input.severity === undefined && input.title === undefined && input.commander === undefined) {
          throw new Error('Nothing to change: give severity, title or commander');
        }
      },
    },
  );

  /** Wakes the main loop (or the background saver): a handler changed the incident and it is not saved yet. */
  const unsavedChange = () => requireIncident().version !== savedVersion || unsaved.length > 0;
  let saveInFlight = false;

  async function saveOnce(): Promise<void> {
    saveInFlight = true;
    try {
      await save();
    } finally {
      saveInFlight = false;
    }
  }

  /**
   * Saves every change in the background, one save at a time so versions land
   * in order, so that a slow or absent MongoDB never holds up an escalation.
   * The resolved incident is left to the final save, which also carries
   * `postmortem.started`: the post-mortem waits for the resolved incident and
   * must find its whole timeline.
   */
  async function saveInBackground(): Promise<void> {
    for (;;) {
      await condition(() => !saveInFlight && unsavedChange() && requireIncident().status !== 'resolved');
      await saveOnce();
    }
  }

  /** Saves everything recorded so far, after the save in flight (before continue-as-new and at the end). */
  async function flushSaves(): Promise<void> {
    await condition(() => !saveInFlight);
    await saveOnce();
  }

  async function save(): Promise<void> {
    const current = requireIncident();
    if (current.version === savedVersion && unsaved.length === 0) return;
    const timeline = unsaved.splice(0);
    const snapshot = JSON.parse(JSON.stringify(current)) as Incident;
    try {
      await saveIncident.executeWithOptions(
        { ...saveOptions, summary: `save ${snapshot.status} v${snapshot.version}` },
        [{ incident: snapshot, timeline }],
      );
      savedVersion = snapshot.version;
    } catch (err) {
      unsaved.unshift(...timeline);
      throw err;
    }
  }

  function notificationContext(reason: string): NotificationContext {
    const current = requireIncident();
    return {
      incidentId: current.incidentId,
      title: current.title,
      service: current.service,
      severity: current.severity,
      priority: current.priority,
      status: current.status,
      major: current.major,
      team: current.team,
      alertCount: current.alertCount,
      links: current.links,
      reason,
    };
  }

  /** Resolves the targets to deliveries and sends each; every outcome goes in the timeline. */
  async function notify(targets: TargetRef[], key: string, reason: string): Promise<void> {
    const current = requireIncident();
    let plan: Awaited<ReturnType<typeof planNotifications>>;
    try {
      plan = await planNotifications({ targets, at: now(), key }, reason);
    } catch (err) {
      record(
        'notification.failed',
        'fireline',
        `Could not plan notifications (${reason}): ${failureMessage(err)}`,
      );
      return;
    }
    for (const skipped of plan.unreachable) {
      record(
        'notification.failed',
        'fireline',
        `Cannot notify ${skipped.target.type} ${skipped.target.id}: ${skipped.reason}`,
      );
    }
    const context = notificationContext(reason);
    await Promise.all(
      plan.deliveries.map(async (delivery) => {
        try {
          const outcome = await deliverNotification.executeWithOptions(
            { ...deliveryOptions, summary: `notify ${delivery.label}` },
            [{ delivery, context, idempotencyKey: `${current.incidentId}:${delivery.deliveryId}` }],
          );
          record('notification.sent', 'fireline', `Notified ${delivery.label} (${reason})`, {
            channelType: delivery.channelType,
            destination: delivery.destination,
            detail: outcome.detail,
          });
        } catch (err) {
          record(
            'notification.failed',
            'fireline',
            `Could not notify ${delivery.label}: ${failureMessage(err)}`,
            {
              channelType: delivery.channelType,
              destination: delivery.destination,
            },
          );
        }
      }),
    );
  }

  /** Starts a runbook as a child workflow; `done` settles with its outcome applied to the incident. */
  async function beginRunbook(
    invocation: RunbookInvocation,
    requestedBy: string,
  ): Promise<{ runId: string; done: Promise<RunbookStatus> }> {
    const current = requireOpen();
    const runId = `${current.incidentId}.rb${current.runbookRuns.length + 1}`;
    const summary: RunbookRunSummary = {
      runId,
      runbookId: invocation.id,
      status: 'running',
      requestedBy,
      startedAt: now(),
    };
    current.runbookRuns.push(summary);
    record('runbook.started', requestedBy, `Runbook ${invocation.id} started (${runId})`, {
      runId,
      runbookId: invocation.id,
      params: Object.keys(invocation.params),
    });
    const child = await startChild<typeof runbookWorkflow>('runbookWorkflow', {
      workflowId: `runbook:${runId}`,
      args: [
        {
          runbookId: invocation.id,
          runId,
          incident: {
            incidentId: current.incidentId,
            service: current.service,
            severity: current.severity,
            title: current.title,
            labels: current.labels,
          },
          params: invocation.params,
          dryRun: false,
          realHttpInDryRun: false,
          parentWorkflowId: workflowInfo().workflowId,
          requestedBy,
          actionsTaskQueue: input.actionsTaskQueue,
        },
      ],
      // Resolving the incident cancels its runbooks, which runs their compensations.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: `runbook ${invocation.id} for ${current.incidentId}`,
    });
    const done = child.result().then(
      (result) =>
        finishRunbook(summary, result.status, result.reason, result.verified, result.resolveIncident),
      (err: unknown) => finishRunbook(summary, 'failed', failureMessage(err), false, false),
    );
    return { runId, done };
  }

  /** A runbook's outcome feeds the incident: mitigated (maybe resolved), or escalated with the reason. */
  function finishRunbook(
    summary: RunbookRunSummary,
    status: RunbookStatus,
    reason: string | undefined,
    verified: boolean,
    resolveIncident: boolean,
  ): RunbookStatus {
    const current = requireIncident();
    summary.status = status;
    summary.endedAt = now();
    if (reason) summary.reason = reason;
    const actor = `runbook:${summary.runbookId}`;
    if (status === 'succeeded') {
      record(
        'runbook.succeeded',
        actor,
        `Runbook ${summary.runbookId} succeeded${verified ? ' and verified the fix' : ''}`,
        {
          runId: summary.runId,
        },
      );
      if (verified && !current.mitigatedAt && current.status !== 'resolved') {
        current.mitigatedAt = now();
        record('mitigated', actor, `Mitigated by runbook ${summary.runbookId}`);
      }
      if (resolveIncident && current.status !== 'resolved')
        resolve(actor, `remediated by runbook ${summary.runbookId}`);
      return status;
    }
    record(
      'runbook.failed',
      actor,
      `Runbook ${summary.runbookId} ${status}: ${reason ?? 'no reason given'}`,
      {
        runId: summary.runId,
        status,
      },
    );
    // A person cancelled it: recorded, but nobody needs paging for that.
    if (current.status !== 'resolved' && status !== 'cancelled') {
      const from = current.escalation.level;
      current.status = 'triggered';
      current.snoozedUntil = undefined;
      advanceEscalation();
      record('escalated', actor, `Escalated from level ${from + 1}: runbook ${summary.runbookId} ${status}`);
      syncSearchAttributes(current);
    }
    return status;
  }

  async function runAutomaticRunbooks(list: RunbookInvocation[]): Promise<void> {
    for (const invocation of list) {
      if (requireIncident().status === 'resolved') return;
      try {
        const { done } = await beginRunbook(invocation, 'fireline');
        if ((await done) !== 'succeeded') return;
      } catch (err) {
        record(
          'runbook.failed',
          'fireline',
          `Runbook ${invocation.id} could not start: ${failureMessage(err)}`,
        );
        return;
      }
    }
  }

  setHandler(
    startRunbookUpdate,
    async ({ actor, runbookId, params }) => {
      const { runId, done } = await beginRunbook({ id: runbookId, params }, actor);
      void done;
      return { runId };
    },
    { validator: (input: StartRunbookInput) => void requireOpenFor(input) },
  );

  setHandler(runbookEventSignal, async (event) => {
    if (!incident) return;
    const actor = `runbook:${event.runbookId}`;
    switch (event.type) {
      case 'step': {
        const { step } = event;
        const message =
          step.outcome === 'running'
            ? `${event.runbookId}: ${step.name} started`
            : `${event.runbookId}: ${step.name} ${step.outcome}` +
              `${step.attempts ? ` after ${step.attempts} attempt${step.attempts === 1 ? '' : 's'}` : ''}: ${step.summary}`;
        record('runbook.step', actor, message, { runId: event.runId, ...step });
        break;
      }
      case 'approval': {
        const { approval } = event;
        const index = incident.approvals.findIndex((a) => a.approvalId === approval.approvalId);
        if (index >= 0) incident.approvals[index] = approval;
        else incident.approvals.push(approval);
        if (approval.status === 'pending') {
          record(
            'approval.requested',
            actor,
            `Approval needed (${approval.approvalId}): ${approval.prompt}`,
            {
              approvalId: approval.approvalId,
              approvers: approval.approvers,
              expiresAt: approval.expiresAt,
            },
          );
          await notifyCurrentLevel(`approval-${approval.approvalId}`, `approval needed: ${approval.prompt}`);
        } else {
          record(
            'approval.decided',
            approval.decidedBy ?? 'fireline',
            `Approval ${approval.approvalId} ${approval.status}${approval.comment ? `: ${approval.comment}` : ''}`,
            { approvalId: approval.approvalId, status: approval.status },
          );
        }
        break;
      }
      case 'notify': {
        const entry = record('note', actor, `Runbook notification: ${event.message}`);
        await notifyCurrentLevel(
          `rb-${event.runId}-${entry.seq}`,
          `runbook ${event.runbookId}: ${event.message}`,
        );
        break;
      }
      case 'note':
        record('note', actor, event.text);
        break;
    }
  });

  /** Runbook announcements go to whoever the escalation currently reaches. */
  async function notifyCurrentLevel(key: string, reason: string): Promise<void> {
    const esc = requireIncident().escalation;
    const targets = esc.exhausted ? esc.policy.fallback : (esc.policy.levels[esc.level]?.targets ?? []);
    if (targets.length > 0) await notify(targets, key, reason);
  }

  /** When the next unmet SLA target passes, if any. */
  function nextSlaDeadline(): string | undefined {
    return pendingSlaChecks()
      .map((check) => check.due)
      .sort()[0];
  }

  function pendingSlaChecks(): Array<{ kind: SlaBreach['kind']; targetSeconds: number; due: string }> {
    const current = requireIncident();
    const sla = current.triage.sla;
    if (!sla || current.status === 'resolved') return [];
    const opened = Date.parse(current.openedAt);
    const breaches = current.slaBreaches ?? [];
    const checks: Array<{ kind: SlaBreach['kind']; targetSeconds: number }> = [
      ...(current.acknowledgedAt
        ? []
        : [{ kind: 'acknowledge' as const, targetSeconds: sla.acknowledgeWithinSeconds }]),
      { kind: 'resolve', targetSeconds: sla.resolveWithinSeconds },
    ];
    return checks
      .filter((check) => !breaches.some((b) => b.kind === check.kind))
      .map((check) => ({ ...check, due: new Date(opened + check.targetSeconds * 1000).toISOString() }));
  }

  /** Records (and notifies) every SLA target that has passed; true if there was one. */
  async function recordSlaBreaches(): Promise<boolean> {
    const current = requireIncident();
    const passed = pendingSlaChecks().filter((check) => Date.parse(check.due) <= Date.now());
    for (const check of passed) {
      current.slaBreaches = [
        ...(current.slaBreaches ?? []),
        { kind: check.kind, at: check.due, targetSeconds: check.targetSeconds },
      ];
      const what = `${check.kind === 'acknowledge' ? 'acknowledged' : 'resolved'} within ${formatSeconds(check.targetSeconds)}`;
      record('sla.breached', 'fireline', `SLA breached: not ${what} (${current.severity})`, {
        kind: check.kind,
        targetSeconds: check.targetSeconds,
      });
      await notifyCurrentLevel(`sla-${check.kind}`, `SLA breached: not ${what}`);
    }
    return passed.length > 0;
  }

  async function startPostmortem(): Promise<void> {
    const current = requireIncident();
    try {
      await startChild<typeof postmortemWorkflow>('postmortemWorkflow', {
        workflowId: `postmortem:${current.incidentId}`,
        args: [{ incidentId: current.incidentId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        staticSummary: `post-mortem of ${current.incidentId}: ${current.title}`.slice(0, 200),
      });
      record(
        'postmortem.started',
        'fireline',
        `Post-mortem drafting started (postmortem:${current.incidentId})`,
      );
    } catch (err) {
      // Started before (a replayed resolution): one post-mortem per incident.
      // (@temporalio/workflow does not export the error class; its name is stable.)
      if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) {
        record('postmortem.started', 'fireline', `Post-mortem could not start: ${failureMessage(err)}`);
      }
    }
  }

  useLocalLookups = patched('local-lookups-v1');

  // Identification and triage: wait for the first trigger (signal-with-start delivers it).
  if (!incident) {
    await condition(() => inbox.some((event) => event.action === 'trigger'));
    const first = inbox.find((event) => event.action === 'trigger')!;
    const { triage, policy, warnings } = await triageAlert(first).catch((err: unknown) =>
      emergencyTriage(first, err),
    );
    const info = workflowInfo();
    incident = {
      incidentId: `INC-${uuid4().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
      workflowId: info.workflowId,
      runId: info.runId,
      service: first.service,
      dedupKey: first.dedupKey,
      integration: first.integration,
      title: first.summary,
      status: 'triggered',
      severity: triage.severity,
      priority: triage.priority,
      major: triage.major,
      team: triage.team,
      triage,
      escalation: {
        policy,
        round: 0,
        level: 0,
        levelNotified: false,
        exhausted: policy.levels.length === 0,
        fallbackNotified: false,
      },
      alertCount: 0,
      firstAlertAt: first.occurredAt,
      lastAlertAt: first.occurredAt,
      openedAt: now(),
      labels: first.labels,
      links: first.links,
      runbookRuns: [],
      approvals: [],
      version: 0,
      timelineLength: 0,
    };
    record('incident.opened', `integration:${first.integration}`, `Incident opened: ${first.summary}`, {
      service: first.service,
      dedupKey: first.dedupKey,
    });
    record(
      'triage',
      'fireline',
      `Rule "${triage.ruleId}" matched: ${triage.severity} ${triage.priority}${triage.major ? ' major incident' : ''}, ` +
        `team ${triage.team}, escalation policy ${policy.id}`,
      { ...triage },
    );
    for (const warning of warnings ?? []) record('triage', 'fireline', `Triage problem: ${warning}`);
    syncSearchAttributes(incident);
    for (const event of inbox.splice(0)) applyEvent(event);
    // Runbooks the triage chose run one after another, in order, until one does not succeed.
    if (patched('runbooks-v1') && triage.runbooks.length > 0) void runAutomaticRunbooks(triage.runbooks);
  } else {
    // Continued as new: the incident's run id changes; keep saving under the same incident id.
    incident.runId = workflowInfo().runId;
    incident.runbookRuns ??= [];
    incident.approvals ??= [];
    for (const event of inbox.splice(0)) applyEvent(event);
  }

  // Saving used to come first in every turn of the loop, so MongoDB being slow or down held up
  // the next escalation; incidents started since save in the background.
  const backgroundSaves = patched('background-saves-v1');
  if (backgroundSaves) void saveInBackground();
  /** Everything recorded so far is in MongoDB once this returns. */
  const saveAll = backgroundSaves ? flushSaves : save;

  // Timed escalation until resolution.
  while (incident.status !== 'resolved') {
    // Any change from here on (an ack, a resolution, a new alert) wakes the wait below.
    const seenVersion = incident.version;
    if (!backgroundSaves) await save();
    // A running runbook's result would be lost to a new run: continue as new only between runbooks.
    if (workflowInfo().continueAsNewSuggested && incident.runbookRuns.every((r) => r.status !== 'running')) {
      await condition(allHandlersFinished);
      await saveAll();
      await continueAsNew<typeof incidentWorkflow>({
        service: input.service,
        dedupKey: input.dedupKey,
        integration: input.integration,
        carried: { incident, unsavedTimeline: unsaved.splice(0) },
        pendingEvents: nextIncidentEvents,
        actionsTaskQueue: input.actionsTaskQueue,
      });
    }
    const esc = incident.escalation;

    if (incident.status === 'triggered' && esc.exhausted && !esc.fallbackNotified) {
      esc.fallbackNotified = true;
      record(
        'escalation.exhausted',
        'fireline',
        'Nobody acknowledged: escalation policy exhausted, notifying the fallback',
      );
      await notify(esc.policy.fallback, `fallback`, 'escalation exhausted');
      continue;
    }

    if (incident.status === 'triggered' && !esc.exhausted && !esc.levelNotified) {
      const { round, level } = esc;
      const levelDef = esc.policy.levels[level]!;
      const passes = esc.policy.repeat + 1;
      const reason = `level ${level + 1}${passes > 1 ? ` (pass ${round + 1} of ${passes})` : ''}`;
      record('escalation.level', 'fireline', `Escalating to ${reason}`, { round, level });
      esc.levelNotified = true;
      esc.nextEscalationAt = new Date(Date.now() + levelDef.delaySeconds * 1000).toISOString();
      await notify(levelDef.targets, `r${round}-l${level}`, reason);
      continue;
    }

    // SLA targets are timers of their own: a breach is recorded the moment it happens.
    const slaTimers = patched('sla-v1');
    if (slaTimers && (await recordSlaBreaches())) continue;

    let deadline: string | undefined;
    if (incident.status === 'triggered' && !esc.exhausted) deadline = esc.nextEscalationAt;
    if (incident.status === 'snoozed') deadline = incident.snoozedUntil;
    const slaDue = slaTimers ? nextSlaDeadline() : undefined;
    const wakeAt = [deadline, slaDue].filter((d): d is string => d !== undefined).sort()[0];
    const changed = backgroundSaves ? () => requireIncident().version !== seenVersion : unsavedChange;
    if (wakeAt === undefined) {
      await condition(changed);
      continue;
    }
    const status = incident.status;
    const woke = await condition(changed, Math.max(1, Date.parse(wakeAt) - Date.now()), {
      summary:
        wakeAt !== deadline
          ? 'SLA target'
          : status === 'snoozed'
            ? 'snoozed until'
            : `wait for acknowledgement of level ${esc.level + 1}`,
    });
    if (woke) continue;
    // An SLA timer fired first: the breach is recorded at the top of the loop.
    if (deadline === undefined || Date.now() < Date.parse(deadline)) continue;
    if (incident.status === 'snoozed') {
      incident.status = 'triggered';
      incident.snoozedUntil = undefined;
      esc.round = 0;
      esc.level = 0;
      esc.levelNotified = false;
      esc.exhausted = esc.policy.levels.length === 0;
      esc.fallbackNotified = false;
      record('snooze.expired', 'fireline', 'Snooze expired: the incident is triggered again');
      syncSearchAttributes(incident);
    } else if (incident.status === 'triggered') {
      advanceEscalation();
    }
  }

  // The post-mortem outlives the incident: a child workflow of its own, started once per incident.
  if (patched('postmortem-v1')) await startPostmortem();

  await condition(allHandlersFinished);
  await saveAll();
  // Checked after the last await, so a trigger that raced the resolution is not lost.
  if (nextIncidentEvents.length > 0) {
    await continueAsNew<typeof incidentWorkflow>({
      service: input.service,
      dedupKey: input.dedupKey,
      integration: input.integration,
      pendingEvents: nextIncidentEvents,
      actionsTaskQueue: input.actionsTaskQueue,
    });
  }
  return { incidentId: incident.incidentId, status: incident.status };
}
