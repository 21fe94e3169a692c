import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

export const historiesDir = path.join(__dirname, '..', 'histories');

/**
 * With RECORD_HISTORIES=1, saves a finished run's event history as a replay
 * fixture (test/histories/<name>.binpb, binary protobuf). Record before changing workflow code,
 * so the replay test proves old runs still replay (or that a patch() is needed).
 */
export async function recordHistory(
  client: Client,
  name: string,
  workflowId: string,
  runId?: string,
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(
    path.join(historiesDir, `${name}.binpb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}

/** Loads a recorded history fixture. */
export function loadHistory(file: string): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.decode(readFileSync(path.join(historiesDir, file)));
}

/** The timers of a run whose summary (Temporal's user metadata) matches: which started, fired and were cancelled. */
export async function timersOf(
  handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> },
  summary: RegExp,
): Promise<{ started: string[]; fired: string[]; canceled: string[] }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const started = events
    .filter((e) => {
      const data = e.userMetadata?.summary?.data;
      return e.timerStartedEventAttributes && data && summary.test(Buffer.from(data).toString('utf8'));
    })
    .map((e) => e.timerStartedEventAttributes!.timerId!);
  const ids = new Set(started);
  return {
    started,
    fired: events.map((e) => e.timerFiredEventAttributes?.timerId ?? '').filter((id) => ids.has(id)),
    canceled: events.map((e) => e.timerCanceledEventAttributes?.timerId ?? '').filter((id) => ids.has(id)),
  };
}

/**
 * Replays every run on a task queue (of one workflow type, if given) against this run's workflow bundle, and answers the runs that
 * do not replay, each with its history saved to a file to replay again. A fault can leave a run
 * whose history today's code would not produce again; a worker meets it only when it has to
 * rebuild the run (after an eviction, for a query), so a test looks for it directly.
 */
export async function runsThatDoNotReplay(
  client: Client,
  taskQueue: string,
  workflowType?: string,
): Promise<string[]> {
  const failures: string[] = [];
  const query = `TaskQueue = '${taskQueue}'${workflowType ? ` AND WorkflowType = '${workflowType}'` : ''}`;
  for await (const run of client.workflow.list({ query })) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    try {
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: process.env.FIRELINE_TEST_WORKFLOW_BUNDLE! } },
        history,
        run.workflowId,
      );
    } catch (err) {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fireline-replay-')), 'history.binpb');
      writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
      failures.push(`${run.workflowId} (run ${run.runId}, history in ${file}): ${String(err)}`);
    }
  }
  return failures;
}

/**
 * Each run of a workflow, oldest first, with the alert triggers its history
 * says it was signalled (a trigger with its folded repeats and other triggers
 * counts as all of them) and the alert count its input carried: where a count
 * went short, which run lost what.
 */
export async function triggersPerRun(
  client: Client,
  workflowId: string,
): Promise<
  Array<{
    runId: string;
    carriedAlertCount: number;
    signalledTriggers: number;
    events: number;
    head: string[];
  }>
> {
  const runs: Array<{ runId: string; startTime: Date }> = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push({ runId: run.runId, startTime: run.startTime });
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const converter = client.options.loadedDataConverter.payloadConverter;
  type Event = { action: string; repeats?: number; otherTriggers?: number };
  const triggers = (events: Event[]) =>
    events
      .filter((e) => e.action === 'trigger')
      .reduce((sum, e) => sum + 1 + (e.repeats ?? 0) + (e.otherTriggers ?? 0), 0);
  return Promise.all(
    runs.map(async ({ runId }) => {
      const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      let carriedAlertCount = 0;
      let signalledTriggers = 0;
      for (const event of events) {
        const started = event.workflowExecutionStartedEventAttributes;
        if (started) {
          type Input = { carried?: { incident?: { alertCount?: number } }; waitingEvents?: Event[] };
          const [input] = (started.input?.payloads ?? []).map((p) => converter.fromPayload<Input>(p));
          carriedAlertCount = input?.carried?.incident?.alertCount ?? 0;
          signalledTriggers += triggers(input?.waitingEvents ?? []);
        }
        const signalled = event.workflowExecutionSignaledEventAttributes;
        if (signalled?.signalName === 'alerts') {
          const [payload] = (signalled.input?.payloads ?? []).map((p) =>
            converter.fromPayload<{ events: Event[] }>(p),
          );
          signalledTriggers += triggers(payload?.events ?? []);
        }
      }
      // How the run began: its first events by type, a failed workflow task with its cause.
      const head = events.slice(0, 8).map((event) => {
        const type = (temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? '').replace(
          /^EVENT_TYPE_/,
          '',
        );
        const cause = event.workflowTaskFailedEventAttributes?.cause;
        return cause ? `${type}(${temporal.api.enums.v1.WorkflowTaskFailedCause[cause]})` : type;
      });
      return { runId, carriedAlertCount, signalledTriggers, events: events.length, head };
    }),
  );
}
