import type { Bench } from '../environment';
import { log, ms, waitFor } from '../measure';

/** Worker cold start: an alert waits in the queue before the worker exists; then the worker(s) start. */
export async function workerColdStart(bench: Bench): Promise<void> {
  log('worker cold start (pre-built bundle)');
  const coldAlert = await bench.alert('bench-cold', 'cold');
  if (coldAlert.status !== 202) throw new Error(`alert refused: ${JSON.stringify(coldAlert.json)}`);
  const spawnedAt = Date.now();
  const { readyMs } = await bench.startWorker();
  await waitFor(
    'the first incident',
    async () => (await bench.models.Incident.countDocuments({ service: 'bench-cold' })) === 1,
    60_000,
  );
  const firstSavedMs = Date.now() - spawnedAt;
  // A self-hosted cluster runs more than one worker: the second shares every task queue from here on.
  if (bench.settings.workers > 1) await bench.startWorker('worker2');
  bench.section('Worker cold start', [
    `- process spawn → polling with the pre-built bundle: **${ms(readyMs)}**`,
    `- process spawn → an incident queued before the worker existed triaged and saved: **${ms(firstSavedMs)}** (upper bound: MongoDB polled every 250 ms)`,
  ]);
}
