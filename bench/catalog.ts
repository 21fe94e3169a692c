import type { GroupingRules } from '../domain/grouping';
import type { OnCallCatalog } from '../domain/oncall';
import type { TriageRules } from '../domain/triage-types';

/** Level-1 wait of the incidents in the timer benchmark (`bench-timer` service). */
export const TIMER_SECONDS = Number(process.env.BENCH_TIMER_SECONDS ?? 120);
/** Level-1 wait of the one incident whose cost in Temporal is counted (`bench-cost` service). */
export const COST_LEVEL1_SECONDS = 3;
/** Incidents the mass scenario opens (`bench-mass` service). */
export const MASS_INCIDENTS = Number(process.env.BENCH_MASS_INCIDENTS ?? 10_000);
/**
 * Level-1 wait of the mass scenario's incidents: long enough that all of them
 * are open before the first escalation timer falls due. The default assumes
 * incidents open end to end at no less than 8 a second on the bench machine.
 */
export const MASS_TIMER_SECONDS = Number(
  process.env.BENCH_MASS_TIMER_SECONDS ?? Math.max(120, Math.ceil(MASS_INCIDENTS / 8)),
);

/**
 * The benchmark's rules and catalog: every notification goes to the
 * benchmark's own HTTP sink (BENCH_SINK_URL); level 1 is paged as an incident
 * opens; `bench-timer` incidents escalate after TIMER_SECONDS, `bench-mass`
 * ones after MASS_TIMER_SECONDS, all others (the burst's `bench-burst-*`
 * services among them) only after an hour, so that ingestion runs measure
 * ingestion.
 */
export function benchRules(): TriageRules {
  return {
    rules: [
      {
        id: 'cost',
        match: { service: 'bench-cost' },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'cost',
      },
      {
        id: 'timer',
        match: { service: 'bench-timer' },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'timer',
      },
      {
        id: 'mass',
        match: { service: 'bench-mass' },
        impact: 'medium',
        team: 'sre',
        escalationPolicy: 'mass',
      },
    ],
    defaultRule: { id: 'default', impact: 'medium', team: 'sre', escalationPolicy: 'slow' },
  };
}

/** Who the benchmark's API key acts as. */
export const benchPerson = 'bench';

export function benchCatalog(): OnCallCatalog {
  return {
    people: [{ id: benchPerson, name: 'Benchmark', rights: [{ role: 'admin' }] }],
    teams: [{ id: 'sre', name: 'SRE', members: [{ personId: benchPerson, role: 'manager' }] }],
    channels: [
      { id: 'level1', type: 'webhook', urlEnv: 'BENCH_LEVEL1_URL' },
      { id: 'level2', type: 'webhook', urlEnv: 'BENCH_LEVEL2_URL' },
    ],
    schedules: [],
    policies: [
      {
        id: 'timer',
        name: 'Timer benchmark',
        levels: [
          { delaySeconds: TIMER_SECONDS, targets: [{ type: 'channel', id: 'level1' }] },
          { delaySeconds: 3600, targets: [{ type: 'channel', id: 'level2' }] },
        ],
        repeat: 0,
        fallback: [],
      },
      {
        id: 'mass',
        name: 'Mass outage benchmark',
        levels: [
          { delaySeconds: MASS_TIMER_SECONDS, targets: [{ type: 'channel', id: 'level1' }] },
          { delaySeconds: 3600, targets: [{ type: 'channel', id: 'level2' }] },
        ],
        repeat: 0,
        fallback: [],
      },
      {
        id: 'cost',
        name: 'One incident, level 1 then level 2',
        levels: [
          { delaySeconds: COST_LEVEL1_SECONDS, targets: [{ type: 'channel', id: 'level1' }] },
          { delaySeconds: 3600, targets: [{ type: 'channel', id: 'level2' }] },
        ],
        repeat: 0,
        fallback: [],
      },
      {
        id: 'slow',
        name: 'Ingestion benchmark',
        levels: [{ delaySeconds: 3600, targets: [{ type: 'channel', id: 'level1' }] }],
        repeat: 0,
        fallback: [],
      },
    ],
  };
}

/** `bench-grouped` alerts join one incident per value of their `storm` label, whatever their dedup key. */
export function benchGroupingRules(): GroupingRules {
  return {
    rules: [
      { id: 'bench-storm-label', match: { service: 'bench-grouped' }, by: ['service', 'labels.storm'] },
    ],
  };
}
