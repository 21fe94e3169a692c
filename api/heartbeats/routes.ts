import { Router } from 'express';
import { z } from 'zod';
import { actorFor, type Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { validated } from '../validate';
import {
  HeartbeatPings,
  changeHeartbeat,
  createHeartbeat,
  deleteHeartbeat,
  getHeartbeat,
  heartbeatChangeBody,
  heartbeatNameParams,
  listHeartbeats,
  newHeartbeatBody,
} from './service';

/** The ping path: its token is the credential, and it acts as no person. */
export const heartbeatPingPath = /^\/v1\/heartbeats\/[^/]+\/ping$/;

const pingQuery = z.object({ token: z.string().min(1).max(200) });

/**
 * Heartbeats: made, listed, changed (paused) and deleted with a key; pinged
 * with the heartbeat's own token in the URL, by POST or by GET (a cron line's
 * `curl`). A ping is answered once Temporal has recorded it.
 */
export function heartbeatRoutes(deps: ApiDeps, guard: Guard): { ping: Router; manage: Router } {
  const pings = new HeartbeatPings(deps);
  const ping = Router();
  const pingHandler = validated(
    { params: heartbeatNameParams, query: pingQuery },
    async ({ params, query }, _req, res) => {
      const { at } = await pings.ping(params.name, query.token);
      res.status(202).json({ heartbeat: params.name, at });
    },
  );
  ping.post('/v1/heartbeats/:name/ping', pingHandler);
  ping.get('/v1/heartbeats/:name/ping', pingHandler);

  const manage = Router();
  manage.get(
    '/v1/heartbeats',
    ...guard('incidents:read'),
    validated({}, async (_input, _req, res) => {
      res.json({ heartbeats: await listHeartbeats(deps) });
    }),
  );
  manage.post(
    '/v1/heartbeats',
    ...guard('oncall:write'),
    validated({ body: newHeartbeatBody }, async ({ body }, _req, res) => {
      res.status(201).json(await createHeartbeat(deps, body, actorFor(res, undefined)));
    }),
  );
  manage.get(
    '/v1/heartbeats/:name',
    ...guard('incidents:read'),
    validated({ params: heartbeatNameParams }, async ({ params }, _req, res) => {
      res.json(await getHeartbeat(deps, params.name));
    }),
  );
  manage.patch(
    '/v1/heartbeats/:name',
    ...guard('oncall:write'),
    validated(
      { params: heartbeatNameParams, body: heartbeatChangeBody },
      async ({ params, body }, _req, res) => {
        res.json(await changeHeartbeat(deps, params.name, body));
      },
    ),
  );
  manage.delete(
    '/v1/heartbeats/:name',
    ...guard('oncall:write'),
    validated({ params: heartbeatNameParams }, async ({ params }, _req, res) => {
      await deleteHeartbeat(deps, params.name, actorFor(res, undefined));
      pings.forget(params.name);
      res.status(204).end();
    }),
  );
  return { ping, manage };
}
