import type { ViewsOpenArguments } from '@slack/web-api';
import { z } from 'zod';
import { incidentSeverities } from '../../../domain/severity';
import type { ApiDeps } from '../../deps';
import { HttpError, ValidationError } from '../../errors';
import { requireScopeOf, type Acting } from '../../identity';
import {
  DECLARE_SCOPE,
  declarationSchema,
  declareIncident,
  type DeclaredIncident,
} from '../../incidents/declare';
import { fieldMaximum } from '../../actions/fields';
import { checkedBy } from '../../actions/run';

type View = ViewsOpenArguments['view'];

/** The modal's callback id: a view_submission with another one is not Fireline's declare form. */
export const DECLARE_CALLBACK_ID = 'fireline-declare';

/** Each input block's id is the declaration field it fills; every element's action id is `value`. */
const fields = ['service', 'title', 'severity', 'description'] as const;

const plainText = (text: string) => ({ type: 'plain_text' as const, text });

/**
 * The declare form as a Slack modal (https://docs.slack.dev/surfaces/modals,
 * input blocks: https://docs.slack.dev/reference/block-kit/blocks/input-block).
 * `private_metadata` keeps the channel the command was typed in, for a late answer.
 */
export function declareModal(channelId: string | undefined): View {
  const limit = (field: 'title' | 'description') => fieldMaximum(declarationSchema.shape[field]);
  return {
    type: 'modal',
    callback_id: DECLARE_CALLBACK_ID,
    title: plainText('Declare an incident'),
    submit: plainText('Declare'),
    close: plainText('Cancel'),
    private_metadata: JSON.stringify(channelId ? { channel: channelId } : {}),
    blocks: [
      {
        type: 'input',
        block_id: 'service',
        label: plainText('Service'),
        element: { type: 'plain_text_input', action_id: 'value', max_length: 100 },
      },
      {
        type: 'input',
        block_id: 'title',
        label: plainText('What is wrong, in a few words'),
        element: { type: 'plain_text_input', action_id: 'value', max_length: limit('title') },
      },
      {
        type: 'input',
        block_id: 'severity',
        label: plainText('Severity'),
        element: {
          type: 'static_select',
          action_id: 'value',
          placeholder: plainText('Choose'),
          options: incidentSeverities.map((s) => ({ text: plainText(s), value: s })),
        },
      },
      {
        type: 'input',
        block_id: 'description',
        optional: true,
        label: plainText('What is happening'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: limit('description'),
        },
      },
    ],
  };
}

/** The parts of a view_submission payload Fireline reads (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload). */
export const viewSubmissionPayload = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1).max(64) }),
  team: z.object({ id: z.string().max(64) }).nullish(),
  api_app_id: z.string().max(64).optional(),
  view: z.object({
    callback_id: z.string().max(255),
    private_metadata: z.string().max(3000).optional(),
    state: z.object({
      values: z.record(
        z.string().max(255),
        z.record(
          z.string().max(255),
          z.object({
            value: z.string().max(12_000).nullish(),
            selected_option: z.object({ value: z.string().max(150) }).nullish(),
          }),
        ),
      ),
    }),
  }),
});
export type ViewSubmission = z.output<typeof viewSubmissionPayload>;

/** The channel the declare command was typed in, kept in the modal's private_metadata. */
export function channelOfSubmission(submission: ViewSubmission): string | undefined {
  try {
    const channel = (JSON.parse(submission.view.private_metadata ?? '{}') as { channel?: unknown }).channel;
    return typeof channel === 'string' ? channel : undefined;
  } catch {
    return undefined;
  }
}

/** The submitted form as a declaration, checked by the API's schema: a refusal names the form's block. */
function declarationOf(submission: ViewSubmission) {
  const values = submission.view.state.values;
  const valueOf = (field: (typeof fields)[number]) => {
    const state = values[field]?.value;
    return state?.selected_option?.value ?? state?.value ?? undefined;
  };
  const description = valueOf('description')?.trim();
  return checkedBy(declarationSchema, {
    service: valueOf('service')?.trim() ?? '',
    title: valueOf('title') ?? '',
    severity: valueOf('severity') ?? '',
    ...(description ? { description } : {}),
  });
}

/** What Slack is answered to a submission (https://docs.slack.dev/surfaces/modals#updating_response). */
export type SubmissionAnswer =
  { response_action: 'errors'; errors: Record<string, string> } | { response_action: 'update'; view: View };

/** A refusal as errors under the form's blocks: a field's own, or the reason under the service. */
export function submissionErrors(err: unknown): SubmissionAnswer | undefined {
  if (err instanceof ValidationError) {
    const errors: Record<string, string> = {};
    for (const f of err.fields) {
      const block = fields.find((name) => f.field === name) ?? 'service';
      errors[block] = errors[block] ? `${errors[block]}; ${f.message}` : f.message;
    }
    return { response_action: 'errors', errors };
  }
  if (err instanceof HttpError && err.status < 500)
    return { response_action: 'errors', errors: { service: `Not declared: ${err.message}` } };
  return undefined;
}

/** The incident's web UI page under PUBLIC_URL, when it is set. */
export function incidentPageUrl(publicUrl: string | undefined, incidentId: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/ui/incidents/${incidentId}` : undefined;
}

/** What a person is told they declared. */
export function declaredText(declared: DeclaredIncident, incidentUrl: string | undefined): string {
  const link = incidentUrl ? ` <${incidentUrl}|Open it>.` : '';
  return `You declared *${declared.incidentId}* (${declared.severity}, ${declared.service}): triage ran and its first level is paged.${link}`;
}

/** The modal after declaring: what was opened, and where to follow it. */
export function declaredView(declared: DeclaredIncident, incidentUrl: string | undefined): View {
  return {
    type: 'modal',
    callback_id: DECLARE_CALLBACK_ID,
    title: plainText('Incident declared'),
    close: plainText('Close'),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: declaredText(declared, incidentUrl) },
      },
    ],
  };
}

/** Declares what the person submitted, as that person, via Slack. */
export async function declareFromSlack(
  deps: ApiDeps,
  acting: Acting,
  submission: ViewSubmission,
): Promise<DeclaredIncident> {
  // Parsed first: a bad field is the person's to mend, named under its block.
  const input = declarationOf(submission);
  // Slack waits three seconds: the incident is recorded before the answer, its opening not awaited long.
  return declareIncident(deps, input, { ...acting, via: 'Slack' }, { openWaitMs: 1000 });
}

/**
 * `/incident declare`: opens the declare modal with the command's trigger id
 * (https://docs.slack.dev/reference/methods/views.open), once the person's
 * scope allows declaring at all (their rights on the service are checked on submission).
 */
export async function openDeclareModal(
  deps: ApiDeps,
  acting: Acting,
  command: { triggerId?: string; channelId?: string },
): Promise<string> {
  requireScopeOf(acting, DECLARE_SCOPE);
  if (!deps.slack)
    return 'Declaring from Slack needs the Slack app’s bot token (SLACK_BOT_TOKEN); declare in the web UI instead (/ui/declare).';
  if (!command.triggerId) return 'Slack sent no trigger_id with the command, so the form cannot open.';
  await deps.slack.views.open({ trigger_id: command.triggerId, view: declareModal(command.channelId) });
  return 'Fill in the form to declare an incident.';
}
