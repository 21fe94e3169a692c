import { type Bench, workerPids } from '../environment';
import { log, summedRss, waitFor } from '../measure';
import { closedLoop } from '../stats';

/**
 * Memory per open incident: opens BENCH_OPEN_INCIDENTS `bench-timer` incidents,
 * which stay open, waiting on the escalation timers the timer scenario measures
 * next. They open in two halves, RSS read once each half is saved: the figure
 * is the second half's growth, so what a worker spends once (the source map
 * parsed for the first stack trace, heaps sized up) is not charged to incidents.
 */
export async function workerMemory(bench: Bench): Promise<void> {
  const { models, settings } = bench;
  const { openIncidents, timerSeconds } = settings;
  log(`opening ${openIncidents} incidents for the timer and memory benchmark, in two halves`);
  const pids = workerPids(bench.processes);
  const workersRss = () => summedRss(pids);
  await new Promise((r) => setTimeout(r, 3_000));
  const rssBefore = workersRss();
  const openStart = Date.now();
  const deadline = openStart + (timerSeconds - 15) * 1000;
  const half = Math.floor(openIncidents / 2);
  let opened = 0;
  const openUpTo = (count: number) =>
    closedLoop(
      settings.concurrency,
      () => opened >= count,
      async () => {
        const i = opened++;
        if (i >= count) return;
        const res = await bench.alert('bench-timer', `t${i}`);
        if (res.status !== 202) throw new Error(`alert refused: ${JSON.stringify(res.json)}`);
      },
    );
  // Read once every incident is triaged, notified and saved (or shortly before the timers fire).
  const timerSaved = () => models.Incident.countDocuments({ service: 'bench-timer' });
  const allSaved = (count: number) =>
    waitFor(
      `${count} timer incidents saved`,
      async () => (await timerSaved()) >= count,
      Math.max(5_000, deadline - Date.now()),
      1_000,
    ).catch(() => undefined);
  await openUpTo(half);
  await allSaved(half);
  const rssHalf = workersRss();
  await openUpTo(openIncidents);
  const openedAllAt = Date.now();
  await allSaved(openIncidents);
  const savedBeforeRss = await timerSaved();
  const savedAfterMs = Date.now() - openedAllAt;
  const rssAfter = workersRss();
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const perIncident = (bytes: number, count: number) =>
    `${(bytes / Math.max(1, count) / 1024).toFixed(1)} KiB`;
  bench.section(`Worker memory at ${openIncidents} open incidents`, [
    `- worker RSS${pids.length > 1 ? ` (${pids.length} processes, summed)` : ''}: ${mib(rssBefore)} before; ${mib(rssHalf)} with ${half} open incidents; ${mib(rssAfter)} with ${openIncidents}, all waiting on their escalation timers`,
    `- **${perIncident(rssAfter - rssHalf, openIncidents - half)} per open incident**: the growth from ${half} to ${openIncidents} open (workflow cache, state and the SDK's buffers; RSS, so an upper bound); from none to ${openIncidents}, what the worker spends once included: ${perIncident(rssAfter - rssBefore, openIncidents)}`,
    `- incidents opened through the API in ${((openedAllAt - openStart) / 1000).toFixed(1)} s, in two halves; ${savedBeforeRss} of ${openIncidents} triaged, notified and saved in MongoDB ${(savedAfterMs / 1000).toFixed(1)} s after the last 202, when RSS was read`,
  ]);
}
