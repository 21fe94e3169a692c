import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { cacheDir } from '../stack/paths';
import { freePort } from '../stack/ports';
import { silentProgress } from '../stack/progress';
import { startTemporalDevServer } from '../stack/temporal';
import { numberSignal, receivedQuery, signalCounter } from './sdk-signal-loss-workflow';

/**
 * The SDK defect that made Fireline's incident workflow drop local activities
 * (docs/known-issues.md), with nothing of Fireline in it: a workflow's first
 * task waits 8 s on a local activity while 300 signals arrive one by one. The
 * server fails that task once it buffers more than 100 events
 * (FORCE_CLOSE_COMMAND); the history holds every signal, yet the workflow's
 * handler misses some. `npm run build && node dist/bench/sdk-signal-loss.js [runs]`
 */
const forceClose =
  temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND;

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const signals = 301;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fireline-sdk-signal-loss-'));
  const server = await startTemporalDevServer({
    cacheDir: cacheDir(process.env.FIRELINE_CACHE_DIR),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    dbFile: path.join(dataDir, 'temporal.sqlite'),
    logFile: path.join(dataDir, 'temporal.log'),
    progress: silentProgress,
  });
  try {
    const client = new Client({ connection: await Connection.connect({ address: server.address }) });
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: server.address }),
      taskQueue: 'sdk-signal-loss',
      workflowsPath: require.resolve('./sdk-signal-loss-workflow'),
      activities: { hold: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) },
    });
    let lossy = 0;
    await worker.runUntil(async () => {
      for (let run = 1; run <= runs; run++) {
        const handle = await client.workflow.start(signalCounter, {
          workflowId: `sdk-signal-loss-${Date.now()}`,
          taskQueue: 'sdk-signal-loss',
          args: [8000],
        });
        for (let n = 0; n < signals; n++) await handle.signal(numberSignal, n);
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        const received = new Set(await handle.query(receivedQuery));
        const history = (await handle.fetchHistory()).events ?? [];
        const inHistory = history.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
        const forceClosed = history.filter(
          (e) => e.workflowTaskFailedEventAttributes?.cause === forceClose,
        ).length;
        const missing = Array.from({ length: signals }, (_, n) => n).filter((n) => !received.has(n));
        if (missing.length > 0) lossy++;
        console.log(
          `run ${run}: ${inHistory} signals in history, ${received.size} received by the handler` +
            `, tasks force-closed: ${forceClosed}` +
            (missing.length > 0 ? `, missing: ${missing.join(', ')}` : ''),
        );
        await handle.terminate();
      }
    });
    console.log(`${lossy} of ${runs} runs lost signals the history holds`);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
