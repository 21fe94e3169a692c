import type { OnCallCatalog } from '../domain/oncall';
import { triageRuleProblems } from '../domain/runtime-services';
import type { TriageRules } from '../domain/triage-types';
import type { Logger } from './logger';
import { catalogWith, type RuntimeOnCallReader } from './runtime-oncall';

/** How long a process starting up waits for MongoDB to check its triage rules against the model. */
const CHECK_WAIT_MS = 3_000;

/** Triage rules naming a team or escalation policy the on-call model does not have: the process does not start. */
export class TriageRulesRefused extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the triage rules name what the on-call model does not have (add it to the catalog file or make it with the API, or change the rule):\n  ${problems.join('\n  ')}`,
    );
    this.name = 'TriageRulesRefused';
  }
}

/**
 * Refuses triage rules that name a team or escalation policy which neither
 * the catalog file nor the model made at run time has, so a typo fails the
 * deploy instead of routing to nobody. While MongoDB does not answer, the
 * model made at run time is unknown: what the file lacks is then logged, and
 * the process starts, since paging must not wait for MongoDB.
 */
export async function checkTriageRules(
  rules: TriageRules,
  file: OnCallCatalog,
  /** The process's own reader where it has one (the worker's): this read is then its first copy. */
  reader: Pick<RuntimeOnCallReader, 'current' | 'answered'>,
  options: { logger?: Logger; waitMs?: number } = {},
): Promise<void> {
  const runtime = await reader.current(options.waitMs ?? CHECK_WAIT_MS);
  const problems = triageRuleProblems(rules, catalogWith(file)(runtime)).map(
    (p) => `${p.field}: ${p.message}`,
  );
  if (problems.length === 0) return;
  if (!reader.answered) {
    options.logger?.warn(
      { problems },
      'MongoDB did not answer: the triage rules could not be checked against the teams and policies made at run time',
    );
    return;
  }
  throw new TriageRulesRefused(problems);
}
