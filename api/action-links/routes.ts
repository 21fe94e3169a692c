import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { userActor } from '../../domain/actors';
import { personById } from '../../domain/rights';
import {
  ACTION_LINK_PATH,
  actionLinkSettings,
  verifyActionToken,
  type ActionLinkClaims,
} from '../../infra/action-links';
import { incidentActions } from '../actions/catalog';
import { runAction } from '../actions/run';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import type { Acting } from '../identity';
import { readIncident } from '../incidents/service';
import { actionLinkConfirmPage, actionLinkResultPage } from '../ui/views/action-link';
import { documented } from '../validate';

// Only the shape: whether the token is genuine is verifyActionToken's to say, with a page.
const tokenParams = z.object({
  token: z.string().max(2000).describe('the signed token of an acknowledge link (infra/action-links.ts)'),
});

const refusals: Record<'malformed' | 'forged' | 'expired', { status: number; message: string }> = {
  malformed: { status: 400, message: 'This is not an acknowledge link Fireline sent.' },
  forged: { status: 403, message: 'This link was not signed by this Fireline, or was changed.' },
  expired: {
    status: 410,
    message: 'This link has expired. Open the incident in Fireline, or use a newer page.',
  },
};

/** Whether the caller wants JSON (a push service worker's fetch, ntfy) rather than a page (a browser). */
function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json' || req.is('application/json') === 'application/json';
}

/** The token's claims, or a refusal (HttpError) that names why the link does nothing. */
function claimsOf(deps: ApiDeps, token: string): ActionLinkClaims {
  const settings = actionLinkSettings(deps.config);
  if (!settings)
    throw new HttpError(
      404,
      'not_found',
      'Acknowledge links are off on this Fireline (ACTION_LINK_SECRET and PUBLIC_URL must be set).',
    );
  const check = verifyActionToken(settings.secret, token);
  if (!check.ok) {
    const { status, message } = refusals[check.reason];
    throw new HttpError(status, `link_${check.reason}`, message);
  }
  return check.claims;
}

/** The person the token names, acting where the link was sent (`via email link`, `push`, `ntfy`). */
function actingOfClaims(deps: ApiDeps, claims: ActionLinkClaims): Acting {
  const person = personById(deps.onCall.catalog, claims.personId);
  if (!person)
    throw new HttpError(403, 'forbidden', `${claims.personId} is no longer in the on-call catalog.`);
  return { person, actor: userActor(person.id), via: claims.via };
}

/** An HttpError as the page a browser sees; anything else goes on to the JSON error handler. */
function sendRefusalPage(res: Response, err: unknown, incidentId?: string): void {
  if (!(err instanceof HttpError)) throw err;
  res
    .status(err.status)
    .type('text/html; charset=utf-8')
    .send(
      actionLinkResultPage({
        heading: 'Nothing was done',
        message: err.message,
        problem: true,
        incidentId,
      }),
    );
}

/**
 * One-click acknowledge links (email, push, ntfy): the signed token in the path
 * is the only credential, so no API key and no cookie are needed; the address
 * rate limit applies as to every route. A GET shows a confirm page and does
 * nothing; the POST acknowledges as the token's person through runAction, with
 * the same rights check as every other way of acting.
 */
export function actionLinkRoutes(deps: ApiDeps): Router {
  const router = Router();
  const path = `${ACTION_LINK_PATH}:token`;

  router.get(
    path,
    documented({ params: tokenParams }, async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const token = String(req.params.token);
      let claims: ActionLinkClaims;
      try {
        claims = claimsOf(deps, token);
      } catch (err) {
        sendRefusalPage(res, err);
        return;
      }
      const person = personById(deps.onCall.catalog, claims.personId);
      // The title helps a person see what they acknowledge; the page works without it.
      const title = await readIncident(deps, claims.incidentId).then(
        (incident) => incident.title,
        () => undefined,
      );
      res.type('text/html; charset=utf-8').send(
        actionLinkConfirmPage({
          formAction: `${ACTION_LINK_PATH}${token}`,
          incidentId: claims.incidentId,
          title,
          personName: person?.name ?? claims.personId,
          expiresAt: new Date(claims.expiresAt * 1000),
        }),
      );
    }),
  );

  router.post(
    path,
    documented({ params: tokenParams }, async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const json = wantsJson(req);
      let incidentId: string | undefined;
      try {
        const claims = claimsOf(deps, String(req.params.token));
        incidentId = claims.incidentId;
        const acting = actingOfClaims(deps, claims);
        const action = incidentActions[claims.action];
        await runAction(deps, action, { incidentId, target: {}, input: {} }, acting);
        if (json) {
          res.json({ incidentId, action: claims.action, actor: acting.actor, via: claims.via });
          return;
        }
        res.type('text/html; charset=utf-8').send(
          actionLinkResultPage({
            heading: `${incidentId} acknowledged`,
            message: `You acknowledged ${incidentId} as ${acting.person.name}: escalation stopped.`,
            problem: false,
            incidentId,
          }),
        );
      } catch (err) {
        if (json) throw err;
        sendRefusalPage(res, err, incidentId);
      }
    }),
  );

  return router;
}
