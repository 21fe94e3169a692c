import { userActor } from '../../domain/actors';
import type { Person } from '../../domain/oncall';
import { answerKeypress, answerSmsAs } from '../integrations/twilio/service';
import type { ApiDeps } from '../deps';
import { HttpError, NotFoundError, ValidationError } from '../errors';
import { readDevInboxEntry } from './store';

/**
 * Answers a text or call the development inbox kept, as its person would from
 * their phone: an SMS reply (`4821a`) or a keypress (1, 2), through the same
 * code, rights check and timeline as Twilio's webhooks, marked "via … (development
 * inbox)". Only the person it was for may answer it.
 */
export async function answerDevInboxPage(
  deps: ApiDeps,
  viewer: Person | undefined,
  entryId: string,
  answer: { text?: string; digits?: string },
): Promise<string> {
  if (!deps.config.FIRELINE_DEV_INBOX)
    throw new NotFoundError('The development inbox is off (FIRELINE_DEV_INBOX)');
  const entry = await readDevInboxEntry(deps, entryId);
  const answerable = entry?.answerable;
  if (!entry || !answerable) throw new NotFoundError(`No text or call ${entryId} in the development inbox`);
  if (viewer?.id !== answerable.personId)
    throw new HttpError(
      403,
      'forbidden',
      `Only ${answerable.personId} may answer their own page${viewer ? `; you are ${viewer.id}` : ''}`,
    );
  const acting = { person: viewer, actor: userActor(viewer.id) };
  if (answerable.channelType === 'sms') {
    const text = answer.text?.trim();
    if (!text) throw new ValidationError([{ field: 'text', message: 'type the reply, e.g. 4821a' }]);
    return answerSmsAs(deps, { ...acting, via: 'SMS (development inbox)' }, text.slice(0, 160));
  }
  const digits = answer.digits ?? '';
  if (!/^[0-9]$/.test(digits))
    throw new ValidationError([{ field: 'digits', message: 'press one key, 1 or 2' }]);
  return answerKeypress(
    deps,
    { personId: viewer.id, incidentId: entry.incidentId, stepId: answerable.stepId ?? '', digits },
    'voice (development inbox)',
  );
}
