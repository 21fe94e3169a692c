import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from '../infra/logger';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The request's id: a well-formed `x-request-id` as given, else a new one; echoed in the answer. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * The headers helmet() sets, worked out once: with its default settings they
 * do not depend on the request, so a route on the hot path sets them from this
 * list instead of running helmet's dozen middlewares for every request.
 */
export function helmetHeaders(): Array<[string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number | string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  let done = false;
  helmet()({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet failed to set its headers');
    done = true;
  });
  // helmet 8 calls back synchronously; if a later version did not, the fixed list would be incomplete.
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return [...headers];
}

/**
 * The request prelude of the alert ingestion routes, in place of pino-http and
 * helmet: the request id, helmet's headers (precomputed), and a log line only
 * for a request that failed (4xx/5xx) or took `slowMs` or longer. A request
 * logger (`req.log`, as pino-http's, with its serializers and redaction) is
 * made only when something logs. Ingestion is the hot path: a sender posting
 * thousands of alerts a minute needs no line per accepted alert (the
 * `fireline_events_ingested_total` metric counts them).
 */
export function leanRequestPrelude(httpLogger: Logger, slowMs: number): RequestHandler {
  const headers = helmetHeaders();
  return (req, res, next) => {
    const started = Date.now();
    req.id = requestIdOf(req, res);
    for (const [name, value] of headers) res.setHeader(name, value);
    let log: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      get: () => (log ??= httpLogger.child({ req })),
    });
    res.once('finish', () => {
      const responseTime = Date.now() - started;
      if (res.statusCode < 400 && responseTime < slowMs) return;
      const line = { res, responseTime };
      if (res.statusCode >= 500) req.log.error(line, 'request errored');
      else req.log.info(line, res.statusCode >= 400 ? 'request completed' : 'request completed slowly');
    });
    next();
  };
}
