import { WorkflowNotFoundError } from '@temporalio/client';
import { userActor } from '../../../domain/actors';
import { maskPhone } from '../../../domain/contact-methods';
import { parseSmsReply, type SmsReplyAction } from '../../../domain/notification-rules';
import { personById } from '../../../domain/rights';
import { PhoneDirectory } from '../../../infra/contact-methods';
import { pagerWorkflowId } from '../../../workflows/pager/ids';
import {
  deliveryStatusSignal,
  openPagesQuery,
  stopPagingSignal,
  type DeliveryStatus,
  type OpenPage,
} from '../../../workflows/pager/messages';
import { incidentActions } from '../../actions/catalog';
import { runAction } from '../../actions/run';
import type { ApiDeps } from '../../deps';
import type { Acting } from '../../identity';

/** How long an answer waits for a person's pager to say what is open. */
const pagerQueryTimeoutMs = 5_000;

/** What the Twilio webhooks share: who owns a number, and the answers already given. */
export interface TwilioInboundDeps {
  deps: ApiDeps;
  phones: PhoneDirectory;
  answered: RecentAnswers;
}

export function twilioInbound(deps: ApiDeps): TwilioInboundDeps {
  return {
    deps,
    phones: new PhoneDirectory(deps.models, {
      logger: deps.logger,
      timeoutMs: deps.config.MONGODB_LOOKUP_TIMEOUT_MS,
    }),
    answered: new RecentAnswers(),
  };
}

/**
 * Answers already given, by MessageSid: Twilio retries a webhook it got no
 * answer to, and a retry must get the same answer, not act twice. Kept per
 * API process, the most recent `max`.
 */
export class RecentAnswers {
  private readonly answers = new Map<string, string | undefined>();
  constructor(private readonly max = 1000) {}

  get(sid: string): { answer: string | undefined } | undefined {
    return this.answers.has(sid) ? { answer: this.answers.get(sid) } : undefined;
  }

  set(sid: string, answer: string | undefined): void {
    this.answers.set(sid, answer);
    if (this.answers.size > this.max) this.answers.delete(this.answers.keys().next().value!);
  }
}

/** The person's open pages, from their pager; none when it is not running. */
export async function openPagesOf(deps: ApiDeps, personId: string): Promise<OpenPage[]> {
  const handle = deps.temporal.workflow.getHandle(pagerWorkflowId(personId));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      handle.query(openPagesQuery),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the pager did not answer in time')), pagerQueryTimeoutMs);
      }),
    ]);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs acknowledge or escalate on one page as the person; answers what happened, in words. */
async function act(deps: ApiDeps, action: SmsReplyAction, page: OpenPage, acting: Acting): Promise<string> {
  try {
    await runAction(
      deps,
      incidentActions[action],
      { incidentId: page.incidentId, target: {}, input: {} },
      acting,
    );
  } catch (err) {
    deps.logger.warn(
      { incidentId: page.incidentId, person: acting.person.id, via: acting.via, err: errorText(err) },
      'Twilio reply refused',
    );
    return `Not done for ${page.incidentId}: ${errorText(err)}`;
  }
  if (action === 'escalate')
    // Escalating hands the incident on: the person's own page for it stops.
    await deps.temporal.workflow
      .getHandle(pagerWorkflowId(acting.person.id))
      .signal(stopPagingSignal, { incidentId: page.incidentId, why: 'escalated' })
      .catch(() => undefined);
  return `${action === 'acknowledge' ? 'Acknowledged' : 'Escalated'} ${page.incidentId} (${page.service}: ${page.title}).`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function actingAs(deps: ApiDeps, personId: string, via: string): Acting | undefined {
  const person = personById(deps.onCall.catalog, personId);
  return person && { person, actor: userActor(person.id), via };
}

/**
 * The answer to a text from `from`: the sender's verified number names the
 * person, the code one of their open pages (or `all` every one), and the
 * action runs as them with their rights. Undefined: no answer is sent (a
 * number nobody verified gets none, so Fireline texts only its people).
 */
export async function answerSms(
  inbound: TwilioInboundDeps,
  sms: { from: string; body: string },
): Promise<string | undefined> {
  const { deps } = inbound;
  const personId = await inbound.phones.personOf(sms.from);
  const acting = personId ? actingAs(deps, personId, 'SMS') : undefined;
  if (!acting) {
    deps.logger.warn({ from: maskPhone(sms.from) }, 'SMS reply from a number no person verified: ignored');
    return undefined;
  }
  return answerSmsAs(deps, acting, sms.body);
}

/** The answer to a text from a person: the code names one of their open pages (or `all` every one). */
export async function answerSmsAs(deps: ApiDeps, acting: Acting, body: string): Promise<string> {
  const reply = parseSmsReply(body);
  if (!reply)
    return "Fireline did not understand. Reply with the code and a (acknowledge) or e (escalate), e.g. 4821a, or 'a all'.";
  const pages = await openPagesOf(deps, acting.person.id);
  const chosen = 'all' in reply ? pages : pages.filter((p) => p.code === reply.code);
  if (chosen.length === 0) {
    deps.logger.warn(
      { person: acting.person.id, code: 'code' in reply ? reply.code : 'all' },
      'SMS reply names no open page of its sender: ignored',
    );
    return 'code' in reply
      ? `${reply.code} is not one of your open pages: it was used, has expired or is not yours.`
      : 'You have no open pages.';
  }
  const answers: string[] = [];
  for (const page of chosen) answers.push(await act(deps, reply.action, page, acting));
  return answers.join(' ');
}

/** The answer to a keypress on a call Fireline placed for `personId` about `incidentId`, as words to say. */
export async function answerKeypress(
  deps: ApiDeps,
  call: { personId: string; incidentId: string; stepId: string; digits: string },
  via = 'voice',
): Promise<string> {
  const acting = actingAs(deps, call.personId, via);
  if (!acting) return 'This call is for nobody Fireline knows. Goodbye.';
  const action = call.digits === '1' ? 'acknowledge' : call.digits === '2' ? 'escalate' : undefined;
  if (!action) return 'Press 1 to acknowledge, 2 to escalate. Goodbye.';
  const pages = await openPagesOf(deps, call.personId);
  const page = pages.find((p) => p.incidentId === call.incidentId);
  if (!page) return 'This page is no longer open. Goodbye.';
  // A storm bundle's call: 1 acknowledges every open page.
  const chosen = call.stepId === 'bundle' && action === 'acknowledge' ? pages : [page];
  const said: string[] = [];
  for (const p of chosen) said.push(await act(deps, action, p, acting));
  return `${said.join(' ')} Goodbye.`;
}

/** Hands a status callback to the person's pager; a pager that has ended has nothing to update. */
export async function reportDeliveryStatus(
  deps: ApiDeps,
  personId: string,
  status: DeliveryStatus,
): Promise<void> {
  try {
    await deps.temporal.workflow.getHandle(pagerWorkflowId(personId)).signal(deliveryStatusSignal, status);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
