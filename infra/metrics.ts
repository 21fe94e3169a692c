import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Models } from './models';
import { pingMongo, withMongoTimeout } from './mongo';

/**
 * Fireline's Prometheus metrics, one registry per process. `npm start` runs
 * the API and the worker in one process, so `GET /metrics` shows both; a
 * separately deployed worker counts its own (notifications, actions) too.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'fireline_' });

export const metrics = {
  eventsIngested: new Counter({
    name: 'fireline_events_ingested_total',
    help: 'Alert events received, by source, action and outcome (accepted, dropped, error)',
    labelNames: ['source', 'action', 'outcome'] as const,
    registers: [registry],
  }),
  ingestionLatency: new Histogram({
    name: 'fireline_ingestion_latency_seconds',
    help: 'From the HTTP request arriving to Temporal durably accepting the event',
    labelNames: ['source'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  }),
  temporalClientErrors: new Counter({
    name: 'fireline_temporal_client_errors_total',
    help: 'Calls from the API to Temporal that failed, by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  }),
  escalations: new Counter({
    name: 'fireline_escalation_notifications_total',
    help: 'Notification rounds planned, by kind (level, fallback, approval, sla, runbook, reminder)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  notifications: new Counter({
    name: 'fireline_notifications_total',
    help: 'Notification deliveries, by channel type and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  }),
  runbookActions: new Counter({
    name: 'fireline_runbook_actions_total',
    help: 'Runbook action steps, by action and outcome (succeeded, replayed, failed)',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  }),
  openIncidents: new Gauge({
    name: 'fireline_open_incidents',
    help: 'Incidents not yet resolved, by severity (read from MongoDB at scrape time; while fireline_mongodb_up is 0, as last read)',
    labelNames: ['severity'] as const,
    registers: [registry],
  }),
  mongodbUp: new Gauge({
    name: 'fireline_mongodb_up',
    help: 'Whether MongoDB answered this process at the last scrape or readiness check (1) or not (0)',
    registers: [registry],
  }),
};

/** A scrape waits this long for MongoDB, then answers with what it has. */
const SCRAPE_MONGO_TIMEOUT_MS = 2_000;

let openIncidentsSource: Pick<Models, 'Incident'> | undefined;

/** The open-incidents gauge reads these models when scraped. */
export function measureOpenIncidents({ models }: { models: Pick<Models, 'Incident'> }): void {
  openIncidentsSource = models;
}

async function collectOpenIncidents(): Promise<void> {
  const source = openIncidentsSource;
  if (!source) return;
  let counts: Array<{ _id: string; n: number }>;
  try {
    counts = await withMongoTimeout('counting open incidents', SCRAPE_MONGO_TIMEOUT_MS, async () => {
      await pingMongo(source.Incident.db);
      return source.Incident.aggregate<{ _id: string; n: number }>([
        { $match: { status: { $ne: 'resolved' } } },
        { $group: { _id: '$severity', n: { $sum: 1 } } },
      ]);
    });
  } catch {
    // The rest of the registry still answers; the health endpoints log why.
    metrics.mongodbUp.set(0);
    return;
  }
  metrics.mongodbUp.set(1);
  metrics.openIncidents.reset();
  for (const severity of ['SEV1', 'SEV2', 'SEV3', 'SEV4']) {
    metrics.openIncidents.set({ severity }, counts.find((c) => c._id === severity)?.n ?? 0);
  }
}

/** Prometheus text for the whole registry, with the gauges read at scrape time. */
export async function scrape(): Promise<string> {
  await collectOpenIncidents();
  return registry.metrics();
}

/** Kind of a notification round from its idempotency key prefix. */
export function notificationKind(key: string): string {
  if (/^r\d+-l\d+$/.test(key)) return 'level';
  if (key === 'fallback') return 'fallback';
  if (key.startsWith('approval-')) return 'approval';
  if (key.startsWith('sla-')) return 'sla';
  if (key.startsWith('rb-')) return 'runbook';
  if (key.includes(':reminder-')) return 'reminder';
  return 'other';
}

/**
 * A bare `/metrics` endpoint for a worker deployed on its own (the API serves
 * its registry behind an admin key; this one is meant for a scrape port that
 * is not exposed outside the cluster).
 */
export async function serveMetrics(port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    scrape().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
