import { Router } from 'express';
import { metrics } from '../../infra/metrics';
import { pingMongo } from '../../infra/mongo';
import type { ApiDeps } from '../deps';

const CHECK_TIMEOUT_MS = 2_000;

async function withTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: ApiDeps): Router {
  const router = Router();

  /** Liveness: the process serves HTTP. */
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /**
   * Readiness: whether this API can accept alerts and acknowledgements, which needs
   * Temporal only (503 when it does not answer). MongoDB holds copies, lists and
   * configuration: its state is reported (`unavailable`) without taking the API out of
   * rotation. The probe is unauthenticated, so why a check failed (addresses, driver
   * errors) goes to the log only.
   */
  router.get('/readyz', async (_req, res) => {
    const [temporal, mongodb] = await Promise.allSettled([
      withTimeout(
        'Temporal',
        deps.temporal.workflowService.describeNamespace({ namespace: deps.config.TEMPORAL_NAMESPACE }),
      ),
      withTimeout('MongoDB', pingMongo(deps.mongo)),
    ]);
    const failures = Object.fromEntries(
      Object.entries({ temporal, mongodb }).flatMap(([name, check]) =>
        check.status === 'rejected' ? [[name, errorMessage(check.reason)]] : [],
      ),
    );
    const ready = temporal.status === 'fulfilled';
    metrics.mongodbUp.set(mongodb.status === 'fulfilled' ? 1 : 0);
    if (!ready) deps.logger.warn({ failures }, 'readiness check failed');
    else if (mongodb.status === 'rejected')
      deps.logger.warn(
        { failures },
        'MongoDB is unavailable; still ready (alerts and acknowledgements need Temporal only)',
      );
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      checks: {
        temporal: 'temporal' in failures ? 'failing' : 'ok',
        mongodb: 'mongodb' in failures ? 'unavailable' : 'ok',
      },
    });
  });

  return router;
}

function errorMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
