import type { Bench } from '../environment';
import { log, ms } from '../measure';
import { cpuWindow, profiled } from '../profile';
import { closedLoop, summary } from '../stats';

const burstAlerts = 500;
const burstServices = 20;
/** How long the burst may take to be paged and saved before the figures say how far it got. */
const burstCapMs = 300_000;
/** How often the pages and MongoDB are checked: the end-to-end times are upper bounds by this much. */
const pollMs = 500;

/**
 * A mass outage's burst: 500 distinct alerts over 20 services, sent from
 * BENCH_CONCURRENCY loops through both API processes, until every incident
 * is triaged, its level 1 paged (the sink received the page) and saved in
 * MongoDB. Each alert carries its number in a `burst` label, which its page
 * repeats, so that each page is matched with its request.
 */
export async function alertBurst(bench: Bench): Promise<void> {
  const { sink, models, client, settings, pools } = bench;
  const services = Array.from({ length: burstServices }, (_, s) => `bench-burst-${s}`);
  log(
    `burst: ${burstAlerts} distinct alerts over ${burstServices} services, ${settings.concurrency} in flight`,
  );
  const sentAt: number[] = [];
  const answeredAt: (number | undefined)[] = [];
  let next = 0;
  let failed = 0;
  const window = cpuWindow(() => bench.processRoles(), settings.profile);
  const started = Date.now();
  await closedLoop(
    settings.concurrency,
    () => next >= burstAlerts,
    async () => {
      const i = next++;
      if (i >= burstAlerts) return;
      sentAt[i] = Date.now();
      const res = await bench
        .alert(services[i % burstServices]!, `b${i}`, { burst: String(i) }, pools[i % pools.length])
        .catch(() => ({ status: 0 }));
      if (res.status === 202) answeredAt[i] = Date.now();
      else failed += 1;
    },
  );
  const lastAnswerAt = Date.now();
  const accepted = burstAlerts - failed;

  const pagedAt = () => {
    const firstPage = new Map<number, number>();
    for (const r of sink.received) {
      if (r.path !== '/level1') continue;
      const label = (r.body as { incident?: { labels?: Record<string, string> } }).incident?.labels?.burst;
      if (label !== undefined && !firstPage.has(Number(label))) firstPage.set(Number(label), r.at);
    }
    return firstPage;
  };
  const savedCount = () => models.Incident.countDocuments({ service: { $in: services } });
  let allPagedAt: number | undefined;
  let allSavedAt: number | undefined;
  let saved = 0;
  while ((allPagedAt === undefined || allSavedAt === undefined) && Date.now() - started < burstCapMs) {
    if (allPagedAt === undefined && pagedAt().size >= accepted) allPagedAt = Date.now();
    if (allSavedAt === undefined && (saved = await savedCount()) >= accepted) allSavedAt = Date.now();
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const { cpu, profile } = await window.end();
  const pages = pagedAt();
  const fromAnswer: number[] = [];
  const fromSend: number[] = [];
  for (const [i, at] of pages) {
    const answered = answeredAt[i];
    if (answered !== undefined) fromAnswer.push(at - answered);
    if (sentAt[i] !== undefined) fromSend.push(at - sentAt[i]);
  }
  let workflows = 0;
  for (const service of services)
    workflows += (
      await client.workflow.count(`WorkflowType = 'incidentWorkflow' AND FirelineService = '${service}'`)
    ).count;

  const byAnswer = summary(fromAnswer);
  const bySend = summary(fromSend);
  const seconds = (at: number | undefined) =>
    at === undefined ? `not within ${burstCapMs / 1000} s` : `${((at - started) / 1000).toFixed(1)} s`;
  const done =
    allPagedAt !== undefined && allSavedAt !== undefined ? Math.max(allPagedAt, allSavedAt) : undefined;
  bench.section(`Burst of ${burstAlerts} distinct alerts`, [
    `- ${burstAlerts} alerts with distinct dedup keys over ${burstServices} services, ${settings.concurrency} requests in flight alternating between ${pools.length} API processes: first request → last 202 **${((lastAnswerAt - started) / 1000).toFixed(1)} s**, ${accepted} accepted, ${failed} failed`,
    `- level-1 pages received by the channel: ${pages.size} of ${accepted}, all ${seconds(allPagedAt)} after the first request; page received − its request's 202: p50 ${ms(byAnswer.p50)}, **p99 ${ms(byAnswer.p99)}**, max ${ms(byAnswer.max)} (from sending the request: p99 ${ms(bySend.p99)})`,
    `- saved in MongoDB: ${saved} of ${accepted}, all ${seconds(allSavedAt)} after the first request (polled every ${pollMs} ms); **${workflows} incident workflows** in Temporal (loss: ${accepted - workflows})`,
    `- end to end (every incident triaged, level 1 paged and saved): ${done === undefined ? `not within ${burstCapMs / 1000} s` : `**${(accepted / ((done - started) / 1000)).toFixed(1)} incidents/s** (${((done - started) / 1000).toFixed(1)} s)`}`,
    `- CPU while it ran: ${cpu}`,
    ...profiled(profile),
  ]);
}
