import express, {
  Router,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { z } from 'zod';
import { messagingResponse, validTwilioSignature, voiceResponse } from '../../../infra/reach/twilio';
import { incidentIdPattern } from '../../../workflows/incident/ids';
import { deliveryStatuses } from '../../../workflows/pager/messages';
import type { ApiDeps } from '../../deps';
import { HttpError, ValidationError, fieldErrorsFrom } from '../../errors';
import { answerKeypress, answerSms, reportDeliveryStatus, twilioInbound } from './service';

/** Twilio's form posts are small; anything bigger is not Twilio. */
const formParser = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number');
const sid = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix}… SID`);

/** An inbound text (https://www.twilio.com/docs/messaging/guides/webhook-request). */
const smsForm = z.object({
  MessageSid: sid('SM'),
  From: e164,
  Body: z.string().max(1600),
});

/** Which person, incident and step the URL Fireline gave Twilio names. */
const callbackQuery = z.object({
  person: z.string().regex(/^[A-Za-z0-9._\-@+=]{1,100}$/),
  incident: z.string().regex(incidentIdPattern),
  step: z.string().regex(/^(s\d{1,2}|bundle)$/),
});

/** The Gather's answer (https://www.twilio.com/docs/voice/twiml/gather#action). */
const keypressForm = z.object({ Digits: z.string().max(20).default('') });

/** A status callback (messages: MessageStatus; calls: CallStatus, AnsweredBy with machine detection). */
const statusForm = z
  .object({
    MessageSid: sid('SM').optional(),
    MessageStatus: z.enum(deliveryStatuses).optional(),
    CallSid: sid('CA').optional(),
    CallStatus: z.enum(deliveryStatuses).optional(),
    AnsweredBy: z.string().max(40).optional(),
  })
  .refine((f) => (f.MessageSid && f.MessageStatus) || (f.CallSid && f.CallStatus), {
    message: 'needs MessageSid and MessageStatus, or CallSid and CallStatus',
  });

function parsed<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldErrorsFrom(result.error, location));
  return result.data;
}

/**
 * Checks X-Twilio-Signature over PUBLIC_URL + the path and query Twilio was
 * given, and the POST fields: anything else is 403, before anything is read.
 */
function signedByTwilio(publicUrl: string, authToken: string): RequestHandler {
  return (req, _res, next) => {
    const signature = req.header('x-twilio-signature');
    const url = `${publicUrl.replace(/\/+$/, '')}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    const check = signature
      ? validTwilioSignature(authToken, signature, url, params)
      : Promise.resolve(false);
    check.then(
      (valid) =>
        next(valid ? undefined : new HttpError(403, 'forbidden', 'X-Twilio-Signature is missing or wrong')),
      next,
    );
  };
}

const asyncRoute =
  (handler: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction) =>
    handler(req, res).catch(next);

/**
 * The webhooks Twilio calls: replies to pages (`/sms`), a call's keypress
 * (`/voice`) and delivery status (`/status`). On with TWILIO_AUTH_TOKEN and
 * PUBLIC_URL (the URLs Twilio is given are built from it); without them they
 * answer 404.
 */
export function twilioRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { TWILIO_AUTH_TOKEN: authToken, PUBLIC_URL: publicUrl } = deps.config;
  const inbound = twilioInbound(deps);
  const verified: RequestHandler[] =
    authToken && publicUrl
      ? [formParser, signedByTwilio(publicUrl, authToken)]
      : [
          (_req, _res, next) =>
            next(new HttpError(404, 'not_found', 'Twilio webhooks need TWILIO_AUTH_TOKEN and PUBLIC_URL')),
        ];

  router.post(
    '/v1/integrations/twilio/sms',
    ...verified,
    asyncRoute(async (req, res) => {
      const form = parsed(smsForm, req.body, 'body');
      const known = inbound.answered.get(form.MessageSid);
      const answer = known ? known.answer : await answerSms(inbound, { from: form.From, body: form.Body });
      if (!known) inbound.answered.set(form.MessageSid, answer);
      const twiml = await messagingResponse();
      if (answer) twiml.message(answer);
      res.type('text/xml').send(twiml.toString());
    }),
  );

  router.post(
    '/v1/integrations/twilio/voice',
    ...verified,
    asyncRoute(async (req, res) => {
      const where = parsed(callbackQuery, req.query, 'query');
      const { Digits } = parsed(keypressForm, req.body, 'body');
      const said = await answerKeypress(deps, {
        personId: where.person,
        incidentId: where.incident,
        stepId: where.step,
        digits: Digits,
      });
      const twiml = await voiceResponse();
      twiml.say(said);
      res.type('text/xml').send(twiml.toString());
    }),
  );

  router.post(
    '/v1/integrations/twilio/status',
    ...verified,
    asyncRoute(async (req, res) => {
      const where = parsed(callbackQuery, req.query, 'query');
      const form = parsed(statusForm, req.body, 'body');
      await reportDeliveryStatus(deps, where.person, {
        incidentId: where.incident,
        stepId: where.step,
        status: (form.MessageStatus ?? form.CallStatus)!,
        providerSid: (form.MessageSid ?? form.CallSid)!,
        ...(form.AnsweredBy ? { answeredBy: form.AnsweredBy } : {}),
      });
      res.status(204).end();
    }),
  );
  return router;
}
