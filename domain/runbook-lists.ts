// An incident's lists of runbook runs and approvals stay bounded: the oldest settled ones are counted instead.
import type { Incident } from './incident';

/** Finished runbook runs an incident lists; older ones are counted in `unlistedRunbookRuns`. */
export const RUNBOOK_RUNS_LISTED = 20;
/** Settled approvals an incident lists; older ones are counted in `unlistedApprovals`. */
export const SETTLED_APPROVALS_LISTED = 20;

/**
 * Drops the oldest items `done` says may go until at most `keep` of those are
 * left; answers how many it dropped. The others (running runs, pending
 * approvals) stay: events and decisions still look them up.
 */
export function dropOldest<T>(items: T[], keep: number, done: (item: T) => boolean): number {
  let excess = items.filter(done).length - keep;
  if (excess <= 0) return 0;
  const dropped = excess;
  for (let i = 0; i < items.length && excess > 0;) {
    if (done(items[i]!)) {
      items.splice(i, 1);
      excess -= 1;
    } else i += 1;
  }
  return dropped;
}

/** Keeps the incident's lists of runs and approvals bounded, counting what it drops. */
export function trimRunbookLists(
  incident: Pick<Incident, 'runbookRuns' | 'approvals' | 'unlistedRunbookRuns' | 'unlistedApprovals'>,
): void {
  const runs = dropOldest(incident.runbookRuns, RUNBOOK_RUNS_LISTED, (r) => r.status !== 'running');
  if (runs > 0) incident.unlistedRunbookRuns = (incident.unlistedRunbookRuns ?? 0) + runs;
  // Settled: decided, or left pending by a run that has ended (cancelled, say).
  const running = new Set(incident.runbookRuns.filter((r) => r.status === 'running').map((r) => r.runId));
  const approvals = dropOldest(
    incident.approvals,
    SETTLED_APPROVALS_LISTED,
    (a) => a.status !== 'pending' || !running.has(a.runId),
  );
  if (approvals > 0) incident.unlistedApprovals = (incident.unlistedApprovals ?? 0) + approvals;
}
