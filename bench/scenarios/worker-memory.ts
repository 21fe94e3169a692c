import { type Bench, workerPids } from '../environment';
import { log, summedRss, waitFor } from '../measure';
import { closedLoop } from '../stats';

/**
 * Memory per open incident: opens BENCH_OPEN_INCIDENTS `bench-timer` incidents,
 * which stay open, waiting on the escalation timers the timer scenario measures next.
 */
export async function workerMemory(bench: Bench): Promise<void> {
  const { models, processes, settings } = bench;
  const { openIncidents, timerSeconds } = settings;
  log(`opening ${openIncidents} incidents for the timer and memory benchmark`);
  const pids = workerPids(processes);
  const workersRss = () => summedRss(pids);
  await new Promise((r) => setTimeout(r, 3_000));
  const rssBefore = workersRss();
  const openStart = Date.now();
  let opened = 0;
  await closedLoop(
    settings.concurrency,
    () => opened >= openIncidents,
    async () => {
      const i = opened++;
      if (i >= openIncidents) return;
      const res = await bench.alert('bench-timer', `t${i}`);
      if (res.status !== 202) throw new Error(`alert refused: ${JSON.stringify(res.json)}`);
    },
  );
  const openedAllAt = Date.now();
  // Measured once every incident is triaged, notified and saved (or shortly before the timers fire).
  const timerSaved = () => models.Incident.countDocuments({ service: 'bench-timer' });
  await waitFor(
    'timer incidents saved',
    async () => (await timerSaved()) >= openIncidents,
    Math.max(5_000, openStart + (timerSeconds - 15) * 1000 - Date.now()),
    2_000,
  ).catch(() => undefined);
  const savedBeforeRss = await timerSaved();
  const savedAfterMs = Date.now() - openedAllAt;
  const rssAfter = workersRss();
  bench.section(`Worker memory at ${openIncidents} open incidents`, [
    `- worker RSS${pids.length > 1 ? ` (${pids.length} processes, summed)` : ''} before: ${(rssBefore / 2 ** 20).toFixed(0)} MiB; with ${openIncidents} open incidents waiting on their escalation timers: ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    `- **${((rssAfter - rssBefore) / openIncidents / 1024).toFixed(1)} KiB per open incident** (workflow cache, state and the SDK's buffers; RSS, so an upper bound)`,
    `- incidents opened through the API in ${((openedAllAt - openStart) / 1000).toFixed(1)} s; ${savedBeforeRss} of ${openIncidents} triaged, notified and saved in MongoDB ${(savedAfterMs / 1000).toFixed(1)} s after the last 202, when RSS was read`,
  ]);
}
