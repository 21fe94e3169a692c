import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../deps';
import { HttpError, ValidationError, fieldErrorsFrom } from '../../errors';
import { SeenSlackSignatures, slackSignatureProblem } from './signature';
import { actingOfSlackUser } from '../../identity';
import { parseSlackAction, runSlackAction, runSlashCommand, unknownSlackUserText } from './service';
import {
  channelOfSubmission,
  DECLARE_CALLBACK_ID,
  declaredText,
  declaredView,
  incidentPageUrl,
  declareFromSlack,
  submissionErrors,
  viewSubmissionPayload,
  type SubmissionAnswer,
} from './declare';

/** Slack waits three seconds for an answer; what takes longer goes on and reports by ephemeral message. */
const answerWithinMs = 2_500;

const blockActionsPayload = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1).max(64) }),
  channel: z.object({ id: z.string().min(1).max(64) }).optional(),
  container: z.object({ channel_id: z.string().max(64).optional() }).optional(),
  team: z.object({ id: z.string().max(64) }).nullish(),
  api_app_id: z.string().max(64).optional(),
  actions: z
    .array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() }))
    .min(1),
});

const slashCommandBody = z.object({
  command: z.string().min(1).max(64),
  // Room for the longest text an action takes (a note); the action's own limit names the field.
  text: z.string().max(12_000).default(''),
  user_id: z.string().min(1).max(64),
  channel_id: z.string().max(64).optional(),
  team_id: z.string().max(64).optional(),
  api_app_id: z.string().max(64).optional(),
  // For opening a modal (`/incident declare`): https://docs.slack.dev/interactivity/implementing-slash-commands
  trigger_id: z.string().max(255).optional(),
});

/**
 * Checks Slack's signature over the raw body, and that the same signed request
 * was not accepted before: anything else is 401 and nothing is done. Without a
 * signing secret the endpoints do not exist (404).
 */
function verifiedBySlack(signingSecret: string | undefined, seen: SeenSlackSignatures): RequestHandler {
  return (req, _res, next) => {
    if (!signingSecret) {
      next('router');
      return;
    }
    const timestamp = req.header('x-slack-request-timestamp');
    const signature = req.header('x-slack-signature');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const problem =
      slackSignatureProblem({
        signingSecret,
        timestamp,
        signature,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        nowSeconds,
      }) ??
      (seen.firstTime(signature!, Number(timestamp), nowSeconds)
        ? undefined
        : 'this signed request was received before (a replay)');
    if (problem) next(new HttpError(401, 'unauthorized', `Not a request from Slack: ${problem}`));
    else next();
  };
}

/** Refuses (403) a signed request from another workspace or app than SLACK_TEAM_ID and SLACK_APP_ID, when set. */
function fromThisApp(
  config: ApiDeps['config'],
  given: { teamId: string | undefined; appId: string | undefined },
  fields: { team: string; app: string },
): void {
  const refuse = (field: string, value: string | undefined, variable: string) => {
    const message = `${field} is ${value === undefined ? 'missing' : JSON.stringify(value)}, not the Slack ${variable === 'SLACK_TEAM_ID' ? 'workspace' : 'app'} Fireline is configured for (${variable})`;
    return new HttpError(403, 'forbidden', message, [{ field, message }]);
  };
  if (config.SLACK_TEAM_ID && given.teamId !== config.SLACK_TEAM_ID)
    throw refuse(fields.team, given.teamId, 'SLACK_TEAM_ID');
  if (config.SLACK_APP_ID && given.appId !== config.SLACK_APP_ID)
    throw refuse(fields.app, given.appId, 'SLACK_APP_ID');
}

function formOf(req: Request): URLSearchParams {
  return new URLSearchParams((req.body as Buffer).toString('utf8'));
}

/** Waits for `work` at most until Slack's deadline; the work goes on after that. */
async function withinSlackDeadline(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, answerWithinMs)))]);
  clearTimeout(timer);
}

/** What a refusal tells the person: the API's reason for a 4xx, a plain apology otherwise. */
function refusalText(err: unknown): string {
  if (err instanceof HttpError && err.status < 500) return `Not done: ${err.message}`;
  return 'Fireline could not do that just now; try again, or use the web UI.';
}

/**
 * A submitted modal (the declare form): declared as the Slack user's person,
 * answered within Slack's three seconds: the confirmation replaces the form,
 * a refusal shows under the form's fields, and a declaration still under way
 * closes the form and reports in the channel the command came from.
 */
async function answerSubmission(
  deps: ApiDeps,
  payload: unknown,
  tell: (channel: string | undefined, user: string, text: string) => Promise<void>,
): Promise<SubmissionAnswer | Record<string, never>> {
  const parsed = viewSubmissionPayload.safeParse(payload);
  if (!parsed.success) throw new ValidationError(fieldErrorsFrom(parsed.error, 'body.payload'));
  const submission = parsed.data;
  fromThisApp(
    deps.config,
    { teamId: submission.team?.id ?? undefined, appId: submission.api_app_id },
    { team: 'body.payload.team.id', app: 'body.payload.api_app_id' },
  );
  if (submission.view.callback_id !== DECLARE_CALLBACK_ID)
    throw new ValidationError([
      { field: 'body.payload.view.callback_id', message: 'not a form of Fireline’s' },
    ]);
  const userId = submission.user.id;
  const acting = actingOfSlackUser(deps.onCall.catalog, userId);
  if (!acting) return { response_action: 'errors', errors: { service: unknownSlackUserText(userId) } };
  let answer: SubmissionAnswer | Record<string, never> | undefined;
  const work = declareFromSlack(deps, acting, submission).then(
    (declared) => {
      deps.logger.info({ person: acting.person.id, incidentId: declared.incidentId }, 'declared from Slack');
      const url = incidentPageUrl(deps.config.PUBLIC_URL, declared.incidentId);
      if (answer) return tell(channelOfSubmission(submission), userId, declaredText(declared, url));
      answer = { response_action: 'update', view: declaredView(declared, url) };
    },
    (err: unknown) => {
      if (!(err instanceof HttpError)) deps.logger.error({ err }, 'declaring from Slack failed');
      if (answer) return tell(channelOfSubmission(submission), userId, refusalText(err));
      answer = submissionErrors(err) ?? {
        response_action: 'errors',
        errors: { service: refusalText(err) },
      };
    },
  );
  await withinSlackDeadline(work);
  // Still under way: close the form; the outcome follows in the channel.
  answer ??= {};
  return answer;
}

/**
 * The Slack app's endpoints: interactivity (the buttons on incident messages)
 * and the `/incident` slash command. Mounted only with SLACK_SIGNING_SECRET
 * (404 otherwise); every request must carry Slack's signature.
 */
export function slackRoutes(deps: ApiDeps): Router {
  const router = Router();
  const signingSecret = deps.config.SLACK_SIGNING_SECRET;
  const parseRaw = express.raw({ type: () => true, limit: '1mb' });
  // The body is read only when the endpoints exist.
  const rawBody: RequestHandler = (req, res, next) =>
    signingSecret ? parseRaw(req, res, next) : next('router');
  const verify = verifiedBySlack(signingSecret, new SeenSlackSignatures());

  const tell = async (channel: string | undefined, user: string, text: string) => {
    if (!deps.slack || !channel) {
      deps.logger.info({ slackUser: user }, `Slack reply not sent (no bot token or channel): ${text}`);
      return;
    }
    try {
      await deps.slack.chat.postEphemeral({ channel, user, text });
    } catch (err) {
      deps.logger.warn({ err, slackUser: user }, 'Slack ephemeral reply failed');
    }
  };

  router.post('/v1/integrations/slack/interactions', rawBody, verify, async (req, res, next) => {
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(formOf(req).get('payload') ?? '');
      } catch {
        throw new ValidationError([{ field: 'body.payload', message: 'must be the JSON Slack sends' }]);
      }
      if ((payload as { type?: unknown } | null)?.type === 'view_submission') {
        res.json(await answerSubmission(deps, payload, tell));
        return;
      }
      const parsed = blockActionsPayload.safeParse(payload);
      if (!parsed.success) throw new ValidationError(fieldErrorsFrom(parsed.error, 'body.payload'));
      fromThisApp(
        deps.config,
        { teamId: parsed.data.team?.id ?? undefined, appId: parsed.data.api_app_id },
        { team: 'body.payload.team.id', app: 'body.payload.api_app_id' },
      );
      const { user, actions } = parsed.data;
      const channel = parsed.data.channel?.id ?? parsed.data.container?.channel_id;
      const acting = actingOfSlackUser(deps.onCall.catalog, user.id);
      const pressed = parseSlackAction(actions[0]!.action_id, actions[0]!.value);
      if ('problem' in pressed) throw new HttpError(400, 'validation_failed', pressed.problem);
      if (!acting) {
        await tell(channel, user.id, unknownSlackUserText(user.id));
        res.status(200).end();
        return;
      }
      const work = runSlackAction(deps, acting, pressed.action, pressed.value).then(
        (done) => deps.logger.info({ person: acting.person.id, action: pressed.action }, done),
        (err: unknown) => {
          if (!(err instanceof HttpError)) deps.logger.error({ err }, 'Slack action failed');
          return tell(channel, user.id, refusalText(err));
        },
      );
      await withinSlackDeadline(work);
      // The message itself shows the outcome: the workflow updates it in place.
      res.status(200).end();
    } catch (err) {
      next(err);
    }
  });

  router.post('/v1/integrations/slack/commands', rawBody, verify, async (req, res, next) => {
    try {
      const parsed = slashCommandBody.safeParse(Object.fromEntries(formOf(req)));
      if (!parsed.success) throw new ValidationError(fieldErrorsFrom(parsed.error, 'body'));
      fromThisApp(
        deps.config,
        { teamId: parsed.data.team_id, appId: parsed.data.api_app_id },
        { team: 'body.team_id', app: 'body.api_app_id' },
      );
      const { user_id: userId, text, channel_id: channel } = parsed.data;
      const acting = actingOfSlackUser(deps.onCall.catalog, userId);
      if (!acting) {
        res.json({ response_type: 'ephemeral', text: unknownSlackUserText(userId) });
        return;
      }
      let answer: string | undefined;
      const command = { triggerId: parsed.data.trigger_id, channelId: channel };
      const work = runSlashCommand(deps, acting, text, command).then(
        (reply) => {
          answer = reply;
        },
        (err: unknown) => {
          if (!(err instanceof HttpError)) deps.logger.error({ err }, 'Slack command failed');
          answer = refusalText(err);
        },
      );
      await withinSlackDeadline(work);
      if (answer === undefined) {
        // Slow: say so now, and the answer follows as an ephemeral message.
        void work.then(() => tell(channel, userId, answer!));
        answer = 'Working on it: the answer follows here in a moment.';
      }
      res.json({ response_type: 'ephemeral', text: answer });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
