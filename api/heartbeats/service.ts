import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { z } from 'zod';
import { actionsTaskQueue } from '../../config';
import { HEARTBEAT_LIMITS, type HeartbeatSettings, heartbeatNamePattern } from '../../domain/heartbeats';
import { alertSeverities } from '../../domain/incident';
import { LastGoodCache } from '../../infra/last-good-cache';
import { MongoUnavailableError } from '../../infra/mongo';
import type { HeartbeatDocument } from '../../infra/models/heartbeat';
import { heartbeatWorkflow } from '../../workflows/heartbeat';
import { heartbeatWorkflowId } from '../../workflows/heartbeat/ids';
import {
  type HeartbeatView,
  configureSignal,
  heartbeatQuery,
  pingSignal,
  stopSignal,
} from '../../workflows/heartbeat/messages';
import { serviceName } from '../alerts/schemas';
import { credentialTiming } from '../auth';
import type { ApiDeps } from '../deps';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../errors';

type Deps = Pick<ApiDeps, 'models' | 'temporal' | 'config'>;

const seconds = (max: number, min: number) => z.number().int().min(min).max(max);

export const heartbeatNameParams = z.object({
  name: z.string().regex(heartbeatNamePattern, 'must be lower-case letters, digits and dashes (at most 63)'),
});

export const newHeartbeatBody = z.object({
  name: heartbeatNameParams.shape.name,
  service: serviceName,
  intervalSeconds: seconds(HEARTBEAT_LIMITS.maxIntervalSeconds, HEARTBEAT_LIMITS.minIntervalSeconds),
  graceSeconds: seconds(HEARTBEAT_LIMITS.maxGraceSeconds, 0).default(0),
  severity: z.enum(alertSeverities).default('critical'),
  paused: z.boolean().default(false),
});

export const heartbeatChangeBody = newHeartbeatBody.omit({ name: true }).partial();

/** A heartbeat as the API shows it: its settings, its state from its workflow, never its token. */
export interface HeartbeatAnswer extends HeartbeatSettings {
  tokenHint: string;
  createdBy: string;
  createdAt: string;
  /** Undefined when its workflow did not answer (Temporal unreachable). */
  state?: Omit<HeartbeatView, 'name'>;
}

/** How long a heartbeat's state is waited for from its workflow. */
const STATE_WAIT_MS = 2000;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

function settingsOf(doc: HeartbeatDocument): HeartbeatSettings {
  const { _id, service, intervalSeconds, graceSeconds, severity, paused } = doc;
  return { name: _id, service, intervalSeconds, graceSeconds, severity, paused };
}

/** Where a sender pings: the token is in the URL, so that a cron line's curl needs nothing else. */
export function pingUrl(deps: Deps, name: string, token: string): string {
  return `${deps.config.PUBLIC_URL ?? ''}/v1/heartbeats/${name}/ping?token=${token}`;
}

async function stateOf(deps: Deps, name: string): Promise<HeartbeatAnswer['state']> {
  try {
    // A query needs a worker to answer: without one, the settings are shown without the state.
    const { name: _name, ...view } = await deps.temporal.withDeadline(Date.now() + STATE_WAIT_MS, () =>
      deps.temporal.workflow.getHandle(heartbeatWorkflowId(name)).query(heartbeatQuery),
    );
    return view;
  } catch {
    return undefined;
  }
}

async function answerOf(deps: Deps, doc: HeartbeatDocument, withState = true): Promise<HeartbeatAnswer> {
  return {
    ...settingsOf(doc),
    tokenHint: doc.tokenHint,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt.toISOString(),
    ...(withState ? { state: await stateOf(deps, doc._id) } : {}),
  };
}

function startOptions(
  deps: Deps,
  settings: HeartbeatSettings,
): WorkflowStartOptions<typeof heartbeatWorkflow> {
  return {
    workflowId: heartbeatWorkflowId(settings.name),
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [{ settings, actionsTaskQueue: actionsTaskQueue(deps.config) }],
    staticSummary: `heartbeat ${settings.name} (${settings.service})`,
  };
}

/** Makes a heartbeat and starts its workflow; answers its ping URL, with the token shown this once. */
export async function createHeartbeat(
  deps: Deps,
  input: z.infer<typeof newHeartbeatBody>,
  actor: string,
): Promise<{ heartbeat: HeartbeatAnswer; pingUrl: string; token: string }> {
  const token = randomBytes(24).toString('base64url');
  const now = new Date();
  const { name, ...rest } = input;
  const doc: HeartbeatDocument = {
    _id: name,
    ...rest,
    tokenHash: tokenHash(token),
    tokenHint: token.slice(-4),
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.models.Heartbeats.create(doc);
  } catch (err) {
    if ((err as { code?: number }).code === 11000)
      throw new ConflictError(`Heartbeat ${name} exists already`);
    throw err;
  }
  const settings = settingsOf(doc);
  try {
    await deps.temporal.workflow.start(heartbeatWorkflow, startOptions(deps, settings));
  } catch (err) {
    // A workflow of a heartbeat of the same name deleted a moment ago may still be ending.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const { name: _name, ...changed } = settings;
    await deps.temporal.workflow.getHandle(heartbeatWorkflowId(name)).signal(configureSignal, changed);
  }
  // Just made: its state is `waiting`, and its workflow may not have run yet.
  return { heartbeat: await answerOf(deps, doc, false), pingUrl: pingUrl(deps, name, token), token };
}

async function find(deps: Deps, name: string): Promise<HeartbeatDocument> {
  const doc = await deps.models.Heartbeats.findById(name).lean();
  if (!doc) throw new NotFoundError(`No heartbeat ${name}`);
  return doc;
}

export async function listHeartbeats(deps: Deps): Promise<HeartbeatAnswer[]> {
  const docs = await deps.models.Heartbeats.find({}).sort({ _id: 1 }).lean();
  return Promise.all(docs.map((doc) => answerOf(deps, doc)));
}

export async function getHeartbeat(deps: Deps, name: string): Promise<HeartbeatAnswer> {
  return answerOf(deps, await find(deps, name));
}

/** Changes a heartbeat's settings (pausing it among them); its workflow takes them at once. */
export async function changeHeartbeat(
  deps: Deps,
  name: string,
  change: z.infer<typeof heartbeatChangeBody>,
): Promise<HeartbeatAnswer> {
  const doc = { ...(await find(deps, name)), ...change, updatedAt: new Date() };
  await deps.models.Heartbeats.replaceOne({ _id: name }, doc);
  const settings = settingsOf(doc);
  const { name: _name, ...changed } = settings;
  await deps.temporal.workflow.signalWithStart(heartbeatWorkflow, {
    ...startOptions(deps, settings),
    signal: configureSignal,
    signalArgs: [changed],
  });
  return answerOf(deps, doc);
}

/** Deletes a heartbeat: its workflow resolves the incident it opened, if any, and ends. */
export async function deleteHeartbeat(deps: Deps, name: string, actor: string): Promise<void> {
  await find(deps, name);
  await deps.models.Heartbeats.deleteOne({ _id: name });
  try {
    await deps.temporal.workflow.getHandle(heartbeatWorkflowId(name)).signal(stopSignal, { by: actor });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/**
 * Checks ping tokens: a heartbeat's settings and token hash, read by its name
 * and kept a while, so that pings go on from the last copy while MongoDB is away.
 */
export class HeartbeatPings {
  private readonly cache: LastGoodCache<HeartbeatDocument>;
  /** Each heartbeat's ping signal under way, by name. */
  private readonly sending = new Map<string, Promise<void>>();

  constructor(private readonly deps: Deps) {
    const timing = credentialTiming(deps.config);
    this.cache = new LastGoodCache('heartbeat lookup', {
      freshMs: timing.cacheMs,
      graceMs: timing.outageGraceMs,
      lookupTimeoutMs: timing.lookupTimeoutMs,
    });
  }

  /**
   * Records a ping of the heartbeat whose token this is; returns once Temporal
   * has recorded it. A wrong token or an unknown heartbeat is a 404 alike.
   */
  async ping(name: string, token: string): Promise<{ at: string }> {
    let doc: HeartbeatDocument | undefined;
    try {
      doc = await this.cache.get(name, async () => {
        const found = await this.deps.models.Heartbeats.findById(name).lean();
        return found ? { value: found } : undefined;
      });
    } catch (err) {
      if (!(err instanceof MongoUnavailableError)) throw err;
      throw new ServiceUnavailableError(
        `Heartbeat ${name} could not be checked: MongoDB is not answering and it was not seen recently; retry shortly`,
      );
    }
    const given = Buffer.from(tokenHash(token), 'hex');
    if (!doc || !timingSafeEqual(given, Buffer.from(doc.tokenHash, 'hex')))
      throw new NotFoundError(`No heartbeat ${name} with this token`);
    const at = new Date().toISOString();
    // Pings arriving while one is being recorded are recorded with it: a storm costs a signal per
    // round trip to Temporal, not one per ping, and each is answered once that signal is recorded.
    const underWay = this.sending.get(name);
    if (underWay) {
      await underWay;
      return { at };
    }
    const sending = this.send(name, at);
    this.sending.set(name, sending);
    try {
      await sending;
    } finally {
      this.sending.delete(name);
    }
    return { at };
  }

  private async send(name: string, at: string): Promise<void> {
    try {
      await this.deps.temporal.workflow.getHandle(heartbeatWorkflowId(name)).signal(pingSignal, { at });
    } catch (err) {
      // Deleted a moment ago (its last copy here is not yet forgotten): nothing to ping.
      if (err instanceof WorkflowNotFoundError)
        throw new NotFoundError(`No heartbeat ${name} with this token`);
      throw err;
    }
  }

  forget(name: string): void {
    this.cache.forget(name);
  }
}
