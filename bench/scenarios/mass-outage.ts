import type { Client } from '@temporalio/client';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { type Bench, workerPids } from '../environment';
import { log, ms, summedRss } from '../measure';
import { closedLoop, summary } from '../stats';

/** How long the incidents queued by earlier scenarios may take to open before this one starts anyway. */
const backlogCapMs = 600_000;
/** Histories read at once: enough to overlap the round trips, few enough to leave the server to the worker. */
const historyConcurrency = 8;

const sleep = (msToWait: number) => new Promise((r) => setTimeout(r, msToWait));

/**
 * A long mass outage: BENCH_MASS_INCIDENTS `bench-mass` incidents open on one
 * worker, each waiting on its level-1 escalation timer (MASS_TIMER_SECONDS,
 * bench/catalog.ts), which falls due once all of them are open. Measures the
 * worker's RSS with them all open, the timers' accuracy from Temporal history
 * and the level-2 pages' arrival. Runs last: the incidents stay open, waiting
 * on their next level an hour later, until the throw-away servers stop.
 */
export async function massOutage(bench: Bench): Promise<void> {
  const { models, client, sink, processes, settings } = bench;
  const { massIncidents: total, massTimerSeconds: timerSeconds } = settings;
  const pids = workerPids(processes);
  const workersRss = () => summedRss(pids);

  const backlog = await waitOutBacklog(bench);
  const rssBefore = workersRss();
  const otherOpen = await models.Incident.countDocuments({ status: { $ne: 'resolved' } });

  log(
    `mass outage: opening ${total} incidents (escalation after ${timerSeconds} s), ${settings.concurrency} in flight`,
  );
  const openStart = Date.now();
  let next = 0;
  let failed = 0;
  await closedLoop(
    settings.concurrency,
    () => next >= total,
    async () => {
      const i = next++;
      if (i >= total) return;
      const res = await bench.alert('bench-mass', `m${i}`, { mass: String(i) }).catch(() => ({ status: 0 }));
      if (res.status !== 202) failed += 1;
      if ((i + 1) % 1000 === 0) log(`mass outage: ${i + 1} of ${total} alerts sent`);
    },
  );
  const sentSeconds = (Date.now() - openStart) / 1000;
  const accepted = total - failed;

  // Opened end to end (triaged, level 1 paged, saved) before the first escalation timer can fall due.
  const openCap = openStart + (timerSeconds - 5) * 1000;
  const savedCount = () => models.Incident.countDocuments({ service: 'bench-mass' });
  let saved = await savedCount();
  let lastProgress = Date.now();
  while (saved < accepted && Date.now() < openCap) {
    await sleep(2_000);
    saved = await savedCount();
    if (Date.now() - lastProgress >= 15_000) {
      lastProgress = Date.now();
      log(
        `mass outage: ${saved} of ${accepted} opened end to end, ${((Date.now() - openStart) / 1000).toFixed(0)} s`,
      );
    }
  }
  const openedSeconds = (Date.now() - openStart) / 1000;
  const allOpened = saved >= accepted;
  const rssOpen = workersRss();
  log(
    `mass outage: ${saved} of ${accepted} opened end to end in ${openedSeconds.toFixed(0)} s; worker RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssOpen / 2 ** 20).toFixed(0)} MiB`,
  );

  // Each timer falls due timerSeconds after its incident's level-1 page: the last one about that long after the last opened.
  const level2Pages = () => {
    const first = new Map<number, number>();
    for (const r of sink.received) {
      if (r.path !== '/level2') continue;
      const label = (r.body as { incident?: { labels?: Record<string, string> } }).incident?.labels?.mass;
      if (label !== undefined && !first.has(Number(label))) first.set(Number(label), r.at);
    }
    return first;
  };
  const pagesCap = Date.now() + (timerSeconds + 300) * 1000;
  let rssPeak = rssOpen;
  log(`mass outage: waiting for ${accepted} escalation timers (${timerSeconds} s each) and level-2 pages`);
  lastProgress = Date.now();
  while (level2Pages().size < accepted && Date.now() < pagesCap) {
    await sleep(1_000);
    rssPeak = Math.max(rssPeak, workersRss());
    if (Date.now() - lastProgress >= 30_000) {
      lastProgress = Date.now();
      log(`mass outage: ${level2Pages().size} of ${accepted} level-2 pages received`);
    }
  }
  const pages = level2Pages();
  log(`mass outage: reading ${accepted} incident histories`);
  const timers = await massTimers(client, total, timerSeconds);
  const serverLag: number[] = [];
  const endToEndLag: number[] = [];
  for (const [i, timer] of timers) {
    if (timer.firedAt !== undefined) serverLag.push(timer.firedAt - timer.dueAt);
    const paged = pages.get(i);
    if (paged !== undefined) endToEndLag.push(paged - timer.dueAt);
  }
  const dueTimes = [...timers.values()].map((t) => t.dueAt);
  const dueSpread = dueTimes.length ? (Math.max(...dueTimes) - Math.min(...dueTimes)) / 1000 : Number.NaN;
  const server = summary(serverLag);
  const e2e = summary(endToEndLag);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  bench.section(`Mass outage, ${total} open incidents on one worker`, [
    `- ${total} alerts for distinct \`bench-mass\` incidents sent through the API in ${sentSeconds.toFixed(1)} s (${accepted} accepted, ${failed} failed), after waiting ${(backlog.waitedMs / 1000).toFixed(0)} s for ${backlog.queued} incidents earlier scenarios had queued${backlog.left > 0 ? ` (${backlog.left} still queued when the wait ended)` : ''}; ${otherOpen} other incidents open`,
    `- ${allOpened ? `all ${accepted}` : `**only ${saved} of ${accepted}**`} opened end to end (triaged, level 1 paged, saved in MongoDB) ${allOpened ? `in ${openedSeconds.toFixed(0)} s (**${(accepted / openedSeconds).toFixed(1)} incidents/s**)` : `in the ${openedSeconds.toFixed(0)} s before the first escalation timers fell due (${(saved / openedSeconds).toFixed(1)} incidents/s; raise BENCH_MASS_TIMER_SECONDS)`}`,
    `- worker RSS${pids.length > 1 ? ` (${pids.length} processes, summed)` : ''}: ${mib(rssBefore)} before; **${mib(rssOpen)}** with ${saved} more incidents open (**${((rssOpen - rssBefore) / Math.max(1, saved) / 1024).toFixed(1)} KiB per open incident**); peak ${mib(rssPeak)} while the timers fired`,
    `- the worker keeps at most ${bench.workerCache.maxCachedWorkflows ?? 'an unknown number of'} workflows cached per task queue (WORKER_MAX_CACHED_WORKFLOWS)${(bench.workerCache.maxCachedWorkflows ?? Infinity) < saved + otherOpen ? `: the other open incidents are evicted, and replayed from their history when their timer fires` : ''}`,
    `- escalation timers (${timerSeconds} s) measured: ${server.n}, falling due over ${dueSpread.toFixed(0)} s, in the order and at about the rate the incidents opened; timer fired − scheduled (Temporal history): p50 **${ms(server.p50)}**, p99 **${ms(server.p99)}**, max ${ms(server.max)}`,
    `- level-2 pages received by the channel: ${pages.size} of ${accepted}; received − scheduled (end to end): p50 **${ms(e2e.p50)}**, p99 **${ms(e2e.p99)}**, max ${ms(e2e.max)}`,
  ]);
}

/**
 * Waits, within a cap, until every incident workflow Temporal runs has been
 * saved in MongoDB, so that openings left queued by earlier scenarios (the new
 * incidents of the ingestion run) do not count against this one.
 */
async function waitOutBacklog(bench: Bench): Promise<{ queued: number; left: number; waitedMs: number }> {
  const { client, models } = bench;
  const queuedNow = async () => {
    const running = await client.workflow.count(
      `WorkflowType = 'incidentWorkflow' AND ExecutionStatus = 'Running'`,
    );
    const saved = await models.Incident.countDocuments({ status: { $ne: 'resolved' } });
    return Math.max(0, running.count - saved);
  };
  const started = Date.now();
  const queued = await queuedNow();
  let left = queued;
  let lastProgress = started;
  while (left > 0 && Date.now() - started < backlogCapMs) {
    if (Date.now() - lastProgress >= 15_000) {
      lastProgress = Date.now();
      log(`mass outage: waiting for ${left} incidents queued by earlier scenarios to open`);
    }
    await sleep(2_000);
    left = await queuedNow();
  }
  return { queued, left, waitedMs: Date.now() - started };
}

/**
 * Each mass incident's level-1 escalation timer, from Temporal history: when
 * it was due and when it fired. Workflow ids are business keys, so each is
 * found even when MongoDB lags.
 */
async function massTimers(
  client: Client,
  total: number,
  timerSeconds: number,
): Promise<Map<number, { dueAt: number; firedAt?: number }>> {
  const timers = new Map<number, { dueAt: number; firedAt?: number }>();
  const toMs = (t: { seconds?: unknown; nanos?: number | null }) =>
    Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  let next = 0;
  await closedLoop(
    historyConcurrency,
    () => next >= total,
    async () => {
      const i = next++;
      if (i >= total) return;
      if ((i + 1) % 2000 === 0) log(`mass outage: ${i + 1} of ${total} histories read`);
      const history = await client.workflow
        .getHandle(incidentWorkflowId('bench-mass', `m${i}`))
        .fetchHistory()
        .catch(() => undefined);
      const events = history?.events ?? [];
      // The level-1 wait: the first timer of at most timerSeconds, started late only by triage (SLA timers are far longer).
      const started = events.find((e) => {
        const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
        if (!timeout) return false;
        const duration = toMs(timeout);
        return duration <= timerSeconds * 1000 && duration > (timerSeconds * 1000) / 2;
      });
      const timeout = started?.timerStartedEventAttributes?.startToFireTimeout;
      if (!started?.eventTime || !timeout) return;
      const timerId = started.timerStartedEventAttributes?.timerId;
      const fired = events.find((e) => e.timerFiredEventAttributes?.timerId === timerId);
      timers.set(i, {
        dueAt: toMs(started.eventTime) + toMs(timeout),
        ...(fired?.eventTime ? { firedAt: toMs(fired.eventTime) } : {}),
      });
    },
  );
  return timers;
}
