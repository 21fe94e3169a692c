import type { UpdateDefinition } from '@temporalio/client';
import { z } from 'zod';
import { incidentSeverities } from '../../domain/incident';
import type { ApiScope } from '../../domain/rights';
import {
  type IncidentActionInput,
  acknowledgeUpdate,
  addNoteUpdate,
  claimCommanderUpdate,
  escalateUpdate,
  patchIncidentUpdate,
  resolveUpdate,
  snoozeUpdate,
  startRunbookUpdate,
} from '../../workflows/incident/messages';
import { decideApprovalUpdate } from '../../workflows/runbook/messages';
import type { IncidentAccess } from '../identity';
import type { ApiDeps } from '../deps';
import { cancelRunbookRun, decideApproval, updateIncident } from '../incidents/service';
import { requireRunbook, requireValidParams } from '../runbooks/routes';
import { postIncidentStatus } from '../status/service';
import { publicUpdateStatuses } from '../../domain/status-page';
import { commanderOfActor } from '../../domain/actors';
import { approvalIdField, runbookRunIdField, snoozeSeconds, text } from './fields';

/** Who acts on which incident, and where: what every surface adds to an action's input. */
export interface ActionCall<Input, Target> {
  incidentId: string;
  /** The acting person, `user:<person id>`, whichever surface they came from. */
  actor: string;
  /** Where the person acted, when not the API or web UI: `Slack`. */
  via?: string;
  /** What the action is on within the incident (an approval, a runbook run), from the path. */
  target: Target;
  input: Input;
}

/** Where a Slack slash command puts its words: `/incident <word> INC-… [target…] [text]`. */
export interface SlashCommand<Input> {
  words: readonly string[];
  /** Input fields the words after the incident (and its targets) fill, one word each: `status`. */
  leading?: readonly string[];
  /** The input field the rest of the command fills, and what it is when nothing is typed. */
  text?: { field: string; number?: boolean; absent?: unknown };
  /** What the Slack buttons send (they carry no text of the person's). */
  button?: Input;
}

export interface IncidentActionSpec<I extends z.ZodObject, T extends z.ZodObject, Ret> {
  /** The path segment on the web UI (`/ui/incidents/:id/<form>`) and in the form state. */
  name: string;
  /** What it does, for Slack's usage text and the docs. */
  summary: string;
  scope: ApiScope;
  /** The Temporal Update it runs; none for cancelling a run, which cancels the run's workflow. */
  update: Pick<UpdateDefinition<unknown, []>, 'name'> | undefined;
  /** The input beside actor and incident: the JSON body, the form's fields, Slack's text. */
  input: I;
  /** What the action is on within the incident, named in the path: an approval, a run. */
  target: T;
  /** The JSON API route: method, path under the incident, success status. */
  api: { method: 'post' | 'patch'; path: string; status: number };
  /** The web UI's path under the incident, when not `name`. */
  uiPath?: string;
  /** The notice the web UI shows after it (fixed text, never the request's), and its `?done=` key. */
  notice: string;
  done: string;
  /** What Slack tells the person after it. */
  slackReply?: (call: ActionCall<z.output<I>, z.output<T>>) => string;
  slash?: SlashCommand<z.input<I>>;
  run(deps: ApiDeps, call: ActionCall<z.output<I>, z.output<T>>, access: IncidentAccess): Promise<Ret>;
}

/** A catalog entry with its types erased: surfaces parse the input with its schemas first. */
export type IncidentAction = IncidentActionSpec<z.ZodObject, z.ZodObject, unknown>;

function defineAction<I extends z.ZodObject, T extends z.ZodObject, Ret>(
  spec: IncidentActionSpec<I, T, Ret>,
): IncidentAction {
  return spec;
}

const noTarget = z.object({});

/** An Update on the incident's workflow with the call's input, as every surface runs it. */
function incidentUpdate<Arg extends IncidentActionInput, Ret>(update: UpdateDefinition<Ret, [Arg]>) {
  return (
    deps: ApiDeps,
    call: ActionCall<Omit<Arg, keyof IncidentActionInput>, unknown>,
    access: IncidentAccess,
  ): Promise<Ret> => {
    const where = call.via ? { via: call.via } : {};
    const arg = { ...call.input, incidentId: call.incidentId, actor: call.actor, ...where } as Arg;
    return updateIncident(deps, update, arg, access);
  };
}

function hoursOf(seconds: number): string {
  if (seconds === 3600) return 'an hour';
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${seconds} seconds`;
}

const decideApprovalAction = (decision: 'approve' | 'reject') =>
  defineAction({
    name: decision,
    done: decision === 'approve' ? 'approved' : 'rejected',
    summary: `${decision} a pending approval of a runbook step`,
    scope: 'approvals:decide',
    update: decideApprovalUpdate,
    input: z.object({ comment: text(2000).optional() }),
    target: z.object({ approvalId: approvalIdField }),
    api: { method: 'post', path: `approvals/:approvalId/${decision}`, status: 200 },
    uiPath: `approvals/:approvalId/${decision}`,
    notice: decision === 'approve' ? 'You approved the step.' : 'You rejected the step.',
    slackReply: ({ target }) =>
      `You ${decision === 'approve' ? 'approved' : 'rejected'} ${target.approvalId}.`,
    slash: { words: [decision], text: { field: 'comment' }, button: { comment: 'decided in Slack' } },
    run: (deps, call, access) =>
      decideApproval(
        deps,
        {
          incidentId: call.incidentId,
          approvalId: call.target.approvalId,
          decision,
          actor: call.actor,
          comment: call.input.comment,
        },
        access,
      ),
  });

/**
 * Every action a person takes on an incident, whichever way they reach
 * Fireline: the JSON API (api/incidents/routes.ts), the web UI
 * (api/ui/pages/incident.ts) and Slack (api/integrations/slack/service.ts) all
 * derive their routes, checks and replies from these entries.
 */
export const incidentActions = {
  acknowledge: defineAction({
    name: 'acknowledge',
    done: 'acknowledged',
    summary: 'acknowledge: escalation stops',
    scope: 'incidents:write',
    update: acknowledgeUpdate,
    input: z.object({}),
    target: noTarget,
    api: { method: 'post', path: 'acknowledge', status: 200 },
    notice: 'You acknowledged the incident: escalation stopped.',
    slackReply: ({ incidentId }) => `You acknowledged ${incidentId}.`,
    slash: { words: ['ack', 'acknowledge'], button: {} },
    run: incidentUpdate(acknowledgeUpdate),
  }),
  resolve: defineAction({
    name: 'resolve',
    done: 'resolved',
    summary: 'resolve, with a note',
    scope: 'incidents:write',
    update: resolveUpdate,
    input: z.object({ note: text(4000).optional() }),
    target: noTarget,
    api: { method: 'post', path: 'resolve', status: 200 },
    notice: 'You resolved the incident.',
    slackReply: ({ incidentId }) => `You resolved ${incidentId}.`,
    slash: {
      words: ['resolve'],
      text: { field: 'note', absent: 'resolved from Slack' },
      button: { note: 'resolved from Slack' },
    },
    run: incidentUpdate(resolveUpdate),
  }),
  snooze: defineAction({
    name: 'snooze',
    done: 'snoozed',
    summary: 'snooze for a number of seconds (default an hour)',
    scope: 'incidents:write',
    update: snoozeUpdate,
    input: z.object({ durationSeconds: snoozeSeconds }),
    target: noTarget,
    api: { method: 'post', path: 'snooze', status: 200 },
    notice: 'You snoozed the incident.',
    slackReply: ({ incidentId, input }) => `You snoozed ${incidentId} for ${hoursOf(input.durationSeconds)}.`,
    slash: {
      words: ['snooze'],
      text: { field: 'durationSeconds', number: true, absent: 3600 },
      button: { durationSeconds: 3600 },
    },
    run: incidentUpdate(snoozeUpdate),
  }),
  escalate: defineAction({
    name: 'escalate',
    done: 'escalated',
    summary: 'escalate to the next level, with a reason',
    scope: 'incidents:write',
    update: escalateUpdate,
    input: z.object({ reason: text(1000).optional() }),
    target: noTarget,
    api: { method: 'post', path: 'escalate', status: 200 },
    notice: 'You escalated the incident to the next level.',
    slackReply: ({ incidentId }) => `You escalated ${incidentId} to the next level.`,
    slash: {
      words: ['escalate'],
      text: { field: 'reason', absent: 'from Slack' },
      button: { reason: 'from Slack' },
    },
    run: incidentUpdate(escalateUpdate),
  }),
  // The caller (or, for an admin key, `actor`) takes the incident commander role.
  commander: defineAction({
    name: 'commander',
    done: 'commander-claimed',
    summary: 'take the incident commander role',
    scope: 'incidents:write',
    update: claimCommanderUpdate,
    input: z.object({}),
    target: noTarget,
    api: { method: 'post', path: 'commander', status: 200 },
    notice: 'You are the incident commander.',
    slackReply: ({ incidentId }) => `You are the incident commander of ${incidentId}.`,
    slash: { words: ['commander'], button: {} },
    run: incidentUpdate(claimCommanderUpdate),
  }),
  note: defineAction({
    name: 'note',
    done: 'noted',
    summary: 'add a note to the timeline',
    scope: 'incidents:write',
    update: addNoteUpdate,
    input: z.object({ text: text(10_000, 'write the note') }),
    target: noTarget,
    api: { method: 'post', path: 'notes', status: 201 },
    uiPath: 'notes',
    notice: 'Your note is on the timeline.',
    slackReply: ({ incidentId }) => `Your note is on ${incidentId}'s timeline.`,
    slash: { words: ['note'], text: { field: 'text' } },
    run: incidentUpdate(addNoteUpdate),
  }),
  // What readers of the public status page are told: never the timeline, which stays internal.
  publicStatus: defineAction({
    name: 'status',
    done: 'status-posted',
    summary: 'post a public update on the status page (investigating, identified, monitoring, resolved)',
    scope: 'incidents:write',
    update: undefined,
    input: z.object({
      status: z.enum(publicUpdateStatuses, {
        error: 'choose investigating, identified, monitoring or resolved',
      }),
      body: text(5000, 'write the public update'),
    }),
    target: noTarget,
    api: { method: 'post', path: 'status-updates', status: 201 },
    uiPath: 'status-updates',
    notice: 'Your public update is on the status page.',
    slackReply: ({ incidentId, input }) =>
      `Your public update (${input.status}) on ${incidentId} is on the status page.`,
    slash: { words: ['status'], leading: ['status'], text: { field: 'body' } },
    run: (deps, call, access) =>
      postIncidentStatus(deps, call.incidentId, call.input, commanderOfActor(call.actor), access),
  }),
  edit: defineAction({
    name: 'edit',
    done: 'edited',
    summary: 'change the severity, title or commander',
    scope: 'incidents:write',
    update: patchIncidentUpdate,
    input: z
      .object({
        severity: z.enum(incidentSeverities, { error: 'choose a severity' }).optional(),
        title: text(1024, 'the title cannot be empty').optional(),
        commander: text(100).optional(),
      })
      .refine((b) => b.severity !== undefined || b.title !== undefined || b.commander !== undefined, {
        message: 'give at least one of severity, title, commander',
      }),
    target: noTarget,
    api: { method: 'patch', path: '', status: 200 },
    notice: 'Your changes are saved.',
    run: incidentUpdate(patchIncidentUpdate),
  }),
  startRunbook: defineAction({
    name: 'runbooks',
    done: 'runbook-started',
    summary: 'start a runbook with its parameters',
    scope: 'runbooks:run',
    update: startRunbookUpdate,
    input: z.object({
      runbookId: text(100, 'choose a runbook'),
      params: z.record(z.string(), z.unknown()).default({}),
    }),
    target: noTarget,
    api: { method: 'post', path: 'runbooks', status: 202 },
    notice: 'The runbook started: see its run below.',
    run: async (deps, call, access) => {
      const meta = requireRunbook(call.input.runbookId);
      requireValidParams(meta, call.input.params);
      return updateIncident(
        deps,
        startRunbookUpdate,
        { incidentId: call.incidentId, actor: call.actor, runbookId: meta.id, params: call.input.params },
        access,
      );
    },
  }),
  cancelRunbook: defineAction({
    name: 'cancel',
    done: 'runbook-cancelled',
    summary: 'cancel a running runbook run (its compensations run)',
    scope: 'runbooks:run',
    update: undefined,
    input: z.object({}),
    target: z.object({ runId: runbookRunIdField }),
    api: { method: 'post', path: 'runbooks/:runId/cancel', status: 202 },
    uiPath: 'runbooks/:runId/cancel',
    notice: 'The runbook run is being cancelled; its compensations run first.',
    run: (deps, call, access) => cancelRunbookRun(deps, call.incidentId, call.target.runId, access),
  }),
  approve: decideApprovalAction('approve'),
  reject: decideApprovalAction('reject'),
} satisfies Record<string, IncidentAction>;

export type IncidentActionId = keyof typeof incidentActions;

/** The catalog as a list, in the order above. */
export const incidentActionList: readonly (IncidentAction & { id: IncidentActionId })[] = (
  Object.keys(incidentActions) as IncidentActionId[]
).map((id) => ({ ...incidentActions[id], id }));
