import { slackActionOf, type SlackAction, type SlackActionValue } from '../../../domain/chat';
import type { Incident } from '../../../domain/incident';
import type { Person } from '../../../domain/oncall';
import { userActor } from '../../../domain/actors';
import {
  acknowledgeUpdate,
  claimCommanderUpdate,
  escalateUpdate,
  resolveUpdate,
  snoozeUpdate,
} from '../../../workflows/incident/messages';
import { incidentIdPattern } from '../../../workflows/incident/ids';
import type { ApiDeps } from '../../deps';
import { HttpError } from '../../errors';
import type { IncidentAccess } from '../../auth';
import { decideApproval, updateIncident } from '../../incidents/service';
import { listOpenIncidents } from '../../incidents/store';
import { onCallAt } from '../../oncall/service';

const via = 'Slack';
/** A person known to the catalog by their Slack id acts on any incident, as the web UI's responders do. */
const anyIncident: IncidentAccess = () => undefined;

/** The catalog's person with this Slack member id. */
export function personOfSlackUser(deps: Pick<ApiDeps, 'catalog'>, slackUserId: string): Person | undefined {
  return deps.catalog.people.find((p) => p.slackUserId === slackUserId);
}

export function unknownSlackUserText(slackUserId: string): string {
  return (
    `Your Slack account (${slackUserId}) is not linked to a Fireline person, so nothing was done. ` +
    `Ask whoever edits config/oncall-catalog.ts to set slackUserId: '${slackUserId}' on your person.`
  );
}

/** One of Fireline's buttons, pressed by a person: runs the same Update as the API. Answers what to tell them. */
export async function runSlackAction(
  deps: ApiDeps,
  person: Person,
  action: SlackAction,
  value: SlackActionValue,
): Promise<string> {
  const actor = userActor(person.id);
  const base = { incidentId: value.incidentId, actor, via };
  switch (action) {
    case 'acknowledge':
      await updateIncident(deps, acknowledgeUpdate, base, anyIncident);
      return `You acknowledged ${value.incidentId}.`;
    case 'resolve':
      await updateIncident(deps, resolveUpdate, { ...base, note: 'resolved from Slack' }, anyIncident);
      return `You resolved ${value.incidentId}.`;
    case 'escalate':
      await updateIncident(deps, escalateUpdate, { ...base, reason: 'from Slack' }, anyIncident);
      return `You escalated ${value.incidentId} to the next level.`;
    case 'snooze':
      await updateIncident(deps, snoozeUpdate, { ...base, durationSeconds: 3600 }, anyIncident);
      return `You snoozed ${value.incidentId} for an hour.`;
    case 'claimCommander':
      await updateIncident(deps, claimCommanderUpdate, base, anyIncident);
      return `You are the incident commander of ${value.incidentId}.`;
    case 'approve':
    case 'reject': {
      if (!value.approvalId) throw new HttpError(400, 'validation_failed', 'The button names no approval');
      const decision = action === 'approve' ? 'approve' : 'reject';
      await decideApproval(
        deps,
        {
          incidentId: value.incidentId,
          approvalId: value.approvalId,
          decision,
          actor,
          comment: 'decided in Slack',
        },
        anyIncident,
      );
      return `You ${decision === 'approve' ? 'approved' : 'rejected'} ${value.approvalId}.`;
    }
  }
}

/** The action and value of a pressed button, or why they are not Fireline's. */
export function parseSlackAction(
  actionId: string,
  rawValue: string | undefined,
): { action: SlackAction; value: SlackActionValue } | { problem: string } {
  const action = slackActionOf(actionId);
  if (!action) return { problem: `actions[0].action_id: ${actionId} is not a Fireline button` };
  let value: unknown;
  try {
    value = JSON.parse(rawValue ?? '');
  } catch {
    return { problem: 'actions[0].value: not JSON' };
  }
  const v = value as Partial<SlackActionValue> | null;
  if (typeof v?.incidentId !== 'string' || !incidentIdPattern.test(v.incidentId))
    return { problem: 'actions[0].value.incidentId: not an incident id' };
  if (v.approvalId !== undefined && (typeof v.approvalId !== 'string' || v.approvalId.length > 200))
    return { problem: 'actions[0].value.approvalId: not an approval id' };
  return {
    action,
    value: { incidentId: v.incidentId, ...(v.approvalId ? { approvalId: v.approvalId } : {}) },
  };
}

export const slashUsage = [
  '`/incident` or `/incident list`: the open incidents',
  '`/incident ack INC-…`: acknowledge',
  '`/incident resolve INC-… what fixed it`: resolve, with a note',
  '`/incident oncall`: who is on call now',
].join('\n');

function incidentLine(incident: Incident): string {
  const by = incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : '';
  return `${incident.incidentId}  ${incident.severity} ${incident.priority}  ${incident.status}${by}  ${incident.service}: ${incident.title}`;
}

/** `/incident …` typed by a person: answers the text of the ephemeral reply. */
export async function runSlashCommand(deps: ApiDeps, person: Person, text: string): Promise<string> {
  const [sub = 'list', id, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const actor = userActor(person.id);
  switch (sub.toLowerCase()) {
    case 'list':
    case 'open': {
      const open = await listOpenIncidents(deps);
      if (open.length === 0) return 'No open incidents.';
      const shown = open.slice(0, 15).map(incidentLine);
      return `Open incidents (${open.length}):\n${shown.join('\n')}${open.length > 15 ? '\n…' : ''}`;
    }
    case 'ack':
    case 'acknowledge':
    case 'resolve': {
      if (!id || !incidentIdPattern.test(id))
        return `Say which incident: \`/incident ${sub} INC-…\`\n${slashUsage}`;
      if (sub.toLowerCase() === 'resolve') {
        const note = rest.join(' ').slice(0, 2000) || 'resolved from Slack';
        await updateIncident(deps, resolveUpdate, { incidentId: id, actor, via, note }, anyIncident);
        return `You resolved ${id}.`;
      }
      await updateIncident(deps, acknowledgeUpdate, { incidentId: id, actor, via }, anyIncident);
      return `You acknowledged ${id}.`;
    }
    case 'oncall': {
      const now = await onCallAt(deps, new Date());
      const lines = now.schedules.map(
        (s) => `${s.name}: ${s.onCall?.name ?? 'nobody'}${s.until ? ` until ${s.until}` : ''}`,
      );
      return lines.length > 0 ? `On call now:\n${lines.join('\n')}` : 'No schedules in the catalog.';
    }
    case 'help':
      return slashUsage;
    default:
      return `Unknown subcommand "${sub.slice(0, 40)}".\n${slashUsage}`;
  }
}
