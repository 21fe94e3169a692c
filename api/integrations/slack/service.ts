import { slackActionOf, type SlackAction, type SlackActionValue } from '../../../domain/chat';
import type { Incident } from '../../../domain/incident';
import {
  incidentActionList,
  incidentActions,
  type IncidentAction,
  type IncidentActionId,
} from '../../actions/catalog';
import { runAction } from '../../actions/run';
import { incidentIdPattern } from '../../../workflows/incident/ids';
import type { ApiDeps } from '../../deps';
import { HttpError } from '../../errors';
import type { Acting } from '../../identity';
import { listOpenIncidents } from '../../incidents/store';
import { onCallAt } from '../../oncall/service';
import { openDeclareModal } from './declare';

export function unknownSlackUserText(slackUserId: string): string {
  return (
    `Your Slack account (${slackUserId}) is not linked to a Fireline person, so nothing was done. ` +
    `Ask whoever edits config/oncall-catalog.ts to set slackUserId: '${slackUserId}' on your person.`
  );
}

/** What each of Fireline's Slack buttons runs from the action catalog. */
const buttonActions: Record<SlackAction, IncidentActionId> = {
  acknowledge: 'acknowledge',
  resolve: 'resolve',
  escalate: 'escalate',
  snooze: 'snooze',
  claimCommander: 'commander',
  approve: 'approve',
  reject: 'reject',
};

/** A catalog action run for a person from Slack: their rights and the input checked as the API checks them. */
async function runForPerson(
  deps: ApiDeps,
  acting: Acting,
  action: IncidentAction,
  call: { incidentId: string; target: Record<string, unknown>; input: unknown },
): Promise<string> {
  const done = await runAction(deps, action, call, acting);
  return action.slackReply?.(done.call) ?? action.notice;
}

/** One of Fireline's buttons, pressed by a person: runs the same Update as the API. Answers what to tell them. */
export async function runSlackAction(
  deps: ApiDeps,
  acting: Acting,
  pressed: SlackAction,
  value: SlackActionValue,
): Promise<string> {
  const action = incidentActions[buttonActions[pressed]];
  const targetKeys = Object.keys(action.target.shape);
  if (targetKeys.includes('approvalId') && !value.approvalId)
    throw new HttpError(400, 'validation_failed', 'The button names no approval');
  const target = value.approvalId ? { approvalId: value.approvalId } : {};
  return runForPerson(deps, acting, action, {
    incidentId: value.incidentId,
    target,
    input: action.slash?.button ?? {},
  });
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

/** The catalog's actions a slash command reaches, with the words that name them. */
const slashActions = incidentActionList.filter((a) => a.slash);

export const slashUsage = [
  '`/incident` or `/incident list`: the open incidents',
  ...slashActions.map((a) => {
    const targets = [...Object.keys(a.target.shape), ...(a.slash?.leading ?? [])].map((t) => ` <${t}>`);
    const text = a.slash?.text ? ` [${a.slash.text.field}]` : '';
    return `\`/incident ${a.slash!.words[0]} INC-…${targets.join('')}${text}\`: ${a.summary}`;
  }),
  '`/incident oncall`: who is on call now',
  '`/incident declare`: declare an incident (a form opens)',
].join('\n');

/**
 * `/incident <word> INC-… [target…] [leading…] [text]` for a catalog action:
 * the words after the incident fill its target (an approval id), then its
 * leading fields (a status), the rest its text field.
 */
async function runSlashAction(
  deps: ApiDeps,
  acting: Acting,
  action: IncidentAction,
  words: { sub: string; id: string | undefined; rest: string[] },
): Promise<string> {
  const { sub, id } = words;
  if (!id || !incidentIdPattern.test(id))
    return `Say which incident: \`/incident ${sub} INC-…\`\n${slashUsage}`;
  const rest = [...words.rest];
  const target = Object.fromEntries(Object.keys(action.target.shape).map((key) => [key, rest.shift()]));
  const leading = Object.fromEntries((action.slash?.leading ?? []).map((key) => [key, rest.shift()]));
  const typed = rest.join(' ');
  const field = action.slash?.text;
  const value = typed === '' ? field?.absent : field?.number ? Number(typed) : typed;
  const input = { ...leading, ...(field && value !== undefined ? { [field.field]: value } : {}) };
  return runForPerson(deps, acting, action, { incidentId: id, target, input });
}

function incidentLine(incident: Incident): string {
  const by = incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : '';
  return `${incident.incidentId}  ${incident.severity} ${incident.priority}  ${incident.status}${by}  ${incident.service}: ${incident.title}`;
}

/** `/incident …` typed by a person: answers the text of the ephemeral reply. */
export async function runSlashCommand(
  deps: ApiDeps,
  acting: Acting,
  text: string,
  command: { triggerId?: string; channelId?: string } = {},
): Promise<string> {
  const [sub = 'list', id, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  switch (sub.toLowerCase()) {
    case 'list':
    case 'open': {
      const open = await listOpenIncidents(deps);
      if (open.length === 0) return 'No open incidents.';
      const shown = open.slice(0, 15).map(incidentLine);
      return `Open incidents (${open.length}):\n${shown.join('\n')}${open.length > 15 ? '\n…' : ''}`;
    }
    case 'oncall': {
      const now = await onCallAt(deps, new Date());
      const lines = now.schedules.map(
        (s) => `${s.name}: ${s.onCall?.name ?? 'nobody'}${s.until ? ` until ${s.until}` : ''}`,
      );
      return lines.length > 0 ? `On call now:\n${lines.join('\n')}` : 'No schedules in the catalog.';
    }
    case 'declare':
      return openDeclareModal(deps, acting, command);
    case 'help':
      return slashUsage;
    default: {
      const action = slashActions.find((a) => a.slash!.words.includes(sub.toLowerCase()));
      if (action) return runSlashAction(deps, acting, action, { sub, id, rest });
      return `Unknown subcommand "${sub.slice(0, 40)}".\n${slashUsage}`;
    }
  }
}
