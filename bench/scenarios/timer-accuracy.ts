import type { Client } from '@temporalio/client';
import { incidentWorkflowId } from '../../workflows/incident/ids';
import { incidentQuery } from '../../workflows/incident/messages';
import type { Bench } from '../environment';
import { log, ms, waitFor } from '../measure';
import { summary } from '../stats';

/** Escalation timer accuracy of the `bench-timer` incidents the memory scenario left open, all firing together. */
export async function timerAccuracy(bench: Bench): Promise<void> {
  const { sink, settings } = bench;
  const { openIncidents, timerSeconds } = settings;
  log(`waiting for ${openIncidents} escalation timers (${timerSeconds} s each) to fire`);
  // Not fatal when some are late: on the embedded FerretDB the worker's activity slots can be
  // busy with slow MongoDB writes, and how many arrived is itself the result.
  const level2WaitSeconds = timerSeconds + 300;
  const timerPages = () => sink.pagesFor('/level2', 'bench-timer');
  await waitFor(
    'level-2 notifications',
    async () => timerPages().length >= openIncidents,
    level2WaitSeconds * 1000,
  ).catch(() => undefined);
  const secondLevel = new Map<string, number>();
  for (const r of timerPages()) {
    const id = (r.body as { incident?: { incidentId?: string } }).incident?.incidentId;
    if (id && !secondLevel.has(id)) secondLevel.set(id, r.at);
  }
  const { serverLag, endToEndLag } = await timerLags(bench.client, openIncidents, timerSeconds, secondLevel);
  const server = summary(serverLag);
  const e2e = summary(endToEndLag);
  bench.section(`Escalation timer accuracy, ${openIncidents} open incidents firing together`, [
    `- timers measured: ${server.n}; timer fired − scheduled (Temporal history): p50 **${ms(server.p50)}**, p99 **${ms(server.p99)}**, max ${ms(server.max)}`,
    `- level-2 notifications received by the channel within ${level2WaitSeconds} s of the timers: ${secondLevel.size} of ${openIncidents}; received − scheduled (end to end): p50 **${ms(e2e.p50)}**, p99 **${ms(e2e.p99)}**, max ${ms(e2e.max)}`,
  ]);
}

/**
 * For each timer incident, its level-1 timer's fire time − scheduled time from
 * Temporal history, and the level-2 page's arrival at the sink − scheduled time.
 */
async function timerLags(
  client: Client,
  openIncidents: number,
  timerSeconds: number,
  secondLevel: Map<string, number>,
): Promise<{ serverLag: number[]; endToEndLag: number[] }> {
  const serverLag: number[] = [];
  const endToEndLag: number[] = [];
  // Workflow ids are business keys, so every timer incident is found in Temporal even if MongoDB lags.
  for (let i = 0; i < openIncidents; i++) {
    const handle = client.workflow.getHandle(incidentWorkflowId('bench-timer', `t${i}`));
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const toMs = (t: { seconds?: unknown; nanos?: number | null }) =>
      Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
    // The level-1 wait: the first timer of at most timerSeconds, started late only by triage (SLA timers are far longer).
    const started = events.find((e) => {
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      if (!timeout) return false;
      const duration = toMs(timeout);
      return duration <= timerSeconds * 1000 && duration > (timerSeconds * 1000) / 2;
    });
    if (!started?.eventTime || !started.timerStartedEventAttributes?.startToFireTimeout) continue;
    const timerId = started.timerStartedEventAttributes.timerId;
    const fired = events.find((e) => e.timerFiredEventAttributes?.timerId === timerId);
    const scheduled = toMs(started.eventTime) + toMs(started.timerStartedEventAttributes.startToFireTimeout);
    if (fired?.eventTime) serverLag.push(toMs(fired.eventTime) - scheduled);
    const state = await handle.query(incidentQuery).catch(() => undefined);
    const notified = state ? secondLevel.get(state.incidentId) : undefined;
    if (notified) endToEndLag.push(notified - scheduled);
  }
  return { serverLag, endToEndLag };
}
