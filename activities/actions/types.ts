import type { EgressFetch } from '../../infra/egress';

/** What an action implementation gets besides its input. */
export interface ActionContext {
  /** Same on every attempt: pass it to external systems so they can drop repeats. */
  idempotencyKey: string;
  /** The runbook the action runs for. */
  runbookId: string;
  /**
   * Secrets and URLs, looked up by name: only the environment variables the
   * runbook declares in `meta.secrets` (a declared but unset one is undefined).
   */
  secrets: Record<string, string | undefined>;
  signal: AbortSignal;
  /** fetch through the worker's egress policy (FIRELINE_EGRESS_ALLOW); redirects are not followed. */
  fetch: EgressFetch;
}

/**
 * A remediation action a runbook can run with `rb.action(...)`. When its
 * request may have reached the target and failed (a timeout, a reset, a 5xx),
 * throw `OutcomeUnknownError` (infra/http.ts; sendJson does): the step ends
 * `outcome_unknown` instead of being sent again. Any other error says nothing
 * happened, and the step is retried.
 */
export type ActionImpl = (
  input: Record<string, unknown>,
  context: ActionContext,
) => Promise<{ summary: string; output?: Record<string, unknown> }>;

/** An operator-approved command: fixed argv, plus extra arguments only if each matches `argPattern`. */
export interface AllowedCommand {
  id: string;
  argv: [string, ...string[]];
  argPattern?: RegExp;
  maxArgs?: number;
  timeoutMs?: number;
}
