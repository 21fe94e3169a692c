// The action ledger: a runbook's side effects (actions, and unsafe HTTP steps)
// happen at most once per idempotency key, and an outcome nobody knows is
// handed to a person instead of being repeated.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { failureMessage } from '../domain/failure';
import { OutcomeUnknownError } from '../infra/http';
import { metrics } from '../infra/metrics';
import { isDuplicateKeyError } from '../infra/mongo';
import type { ActionLedgerEntry, Models } from '../infra/models';
import { withHeartbeats } from './heartbeats';

/** Failure type of an action attempt that will not re-send after one that never reported back. */
export const ActionOutcomeUnknown = 'ActionOutcomeUnknown';

/** Id of the ledger document that locks the n-th claim (n ≥ 2) of an action: only one insert of it succeeds. */
export function ledgerClaimId(idempotencyKey: string, n: number): string {
  return `claim:${n}:${idempotencyKey}`;
}

/** One side effect as the ledger sees it. */
export interface LedgerClaim {
  idempotencyKey: string;
  /** `webhook`, `http POST`: what the ledger entry records. */
  action: string;
  /** For messages: `webhook`, `POST https://…`. */
  label: string;
  /** Where a person checks whether it happened. */
  target: string;
  idempotent: boolean;
}

export type Effect = { summary: string; output?: Record<string, unknown> };

/** Runs an effect at most once per claim's idempotency key; see createActionLedger. */
export type ActOnce = (
  claim: LedgerClaim,
  attempt: number,
  signal: AbortSignal,
  act: () => Promise<Effect>,
) => Promise<Effect & { replayed: boolean }>;

/** An error an action throws when its request may have arrived and its outcome is not known. */
function isOutcomeUnknown(err: unknown): boolean {
  return (
    err instanceof OutcomeUnknownError ||
    (err instanceof ApplicationFailure && err.type === ActionOutcomeUnknown)
  );
}

/** The cancellation (or timeout) of this attempt, thrown before it acts. */
function stopIfCancelled(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error ? signal.reason : new Error('the attempt was cancelled');
}

/** Counts the unknown outcome and says what a person checks. */
function outcomeUnknown(claim: LedgerClaim, why: string): ApplicationFailure {
  metrics.runbookActions.inc({ action: claim.action, outcome: 'unknown' });
  return ApplicationFailure.create({
    message:
      `${why}: it may or may not have run; check ${claim.target} before retrying ` +
      `(idempotency key ${claim.idempotencyKey})`,
    type: ActionOutcomeUnknown,
    nonRetryable: true,
    details: [{ action: claim.action, target: claim.target, idempotencyKey: claim.idempotencyKey }],
  });
}

function replay(claim: LedgerClaim, entry: ActionLedgerEntry): Effect & { replayed: boolean } {
  metrics.runbookActions.inc({ action: claim.action, outcome: 'replayed' });
  return { summary: entry.summary ?? 'done', output: entry.output, replayed: true };
}

/** Polls the entry until the attempt holding it reports (or `waitMs` ends). */
async function awaitHolder(
  ledger: Models['ActionLedger'],
  key: string,
  claimLost: number,
  waitMs: number,
  signal: AbortSignal,
): Promise<ActionLedgerEntry | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const entry = await ledger.findById(key).lean();
    const reported = entry && (entry.claims ?? 1) >= claimLost && entry.state !== 'started';
    if (reported || entry?.state === 'completed' || Date.now() >= deadline || signal.aborted) return entry;
    await delay(200, undefined, { signal }).catch(() => undefined);
  }
}

/**
 * What the entry an earlier attempt left says this one does: answer from it, wait for the attempt
 * holding it, or claim the action (anew); throws when the outcome is unknown.
 */
function afterEarlierAttempt(
  found: ActionLedgerEntry | null,
  claim: LedgerClaim,
  waitForHolderMs: number,
): { replay: ActionLedgerEntry } | { holderClaim: number; waitMs: number } | { claimNumber: number } {
  if (found?.state === 'completed') return { replay: found };
  if (found && !claim.idempotent && found.state === 'started') {
    // Started so recently that the attempt holding it may be racing this one, still acting: wait for its report.
    const waitMs = found.startedAt.getTime() + waitForHolderMs - Date.now();
    if (waitMs > 0) return { holderClaim: found.claims ?? 1, waitMs };
    throw outcomeUnknown(
      claim,
      `an earlier attempt of ${claim.label} started at ${found.startedAt.toISOString()} and never reported back`,
    );
  }
  if (found && !claim.idempotent && found.state === 'unknown') {
    throw outcomeUnknown(
      claim,
      `an earlier attempt of ${claim.label} ended with its outcome unknown (${found.error ?? 'no reason given'})`,
    );
  }
  return { claimNumber: found ? (found.claims ?? 1) + 1 : 1 };
}

/**
 * The ledger in `ActionLedger`. Its `actOnce` performs `act` at most once per
 * idempotency key. Inserting the claim is the lock: of attempts racing for an
 * action, only the one whose insert succeeds acts; the others wait (up to
 * `waitForHolderMs`) for its report and answer it, and never act. A completed
 * action is answered from the ledger. An attempt that never reported back, or
 * one whose request may have arrived (a timeout, a reset, a 5xx), leaves the
 * outcome unknown: unless the action is idempotent, no later attempt re-sends
 * it; it fails with a non-retryable `ActionOutcomeUnknown` for a person to
 * check. The attempt heartbeats while it writes to the ledger (from a third of
 * its heartbeat timeout on), so a slow MongoDB does not time it out; and one that
 * was cancelled or timed out before acting does not act.
 */
export function createActionLedger(ledger: Models['ActionLedger'], waitForHolderMs: number): ActOnce {
  /** Another attempt holds the claim: its report, or why this attempt may not act. */
  async function answerFromHolder(
    claim: LedgerClaim,
    claimNumber: number,
    signal: AbortSignal,
    waitMs = waitForHolderMs,
  ): Promise<Effect & { replayed: boolean }> {
    const held = await awaitHolder(ledger, claim.idempotencyKey, claimNumber, waitMs, signal);
    if (held?.state === 'completed') return replay(claim, held);
    stopIfCancelled(signal);
    if (!claim.idempotent && held?.state !== 'failed') {
      throw outcomeUnknown(
        claim,
        held?.state === 'unknown'
          ? `another attempt of ${claim.label} ended with its outcome unknown (${held.error ?? 'no reason given'})`
          : `another attempt of ${claim.label} holds it and has not reported back`,
      );
    }
    throw new Error(
      `${claim.label}: another attempt holds idempotency key ${claim.idempotencyKey} (${held?.state ?? 'no entry'}); ` +
        'this one does not act, a retry looks again',
    );
  }

  /** Inserts this attempt's claim; false when another attempt's insert won. */
  async function claimIt(claim: LedgerClaim, claimNumber: number, attempt: number): Promise<boolean> {
    const key = claim.idempotencyKey;
    const owner = `${attempt}:${randomUUID()}`;
    const startedAt = new Date();
    try {
      await ledger.create(
        claimNumber === 1
          ? { _id: key, action: claim.action, state: 'started', startedAt, claims: 1, owner }
          : { _id: ledgerClaimId(key, claimNumber), action: claim.action, state: 'claim', startedAt, owner },
      );
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return false;
    }
    if (claimNumber > 1) {
      await ledger.updateOne(
        { _id: key },
        { $set: { state: 'started', startedAt, claims: claimNumber, owner }, $unset: { error: '' } },
      );
    }
    return true;
  }

  /** Acts under a claim this attempt holds, and records how it ended. */
  async function actAndRecord(
    claim: LedgerClaim,
    signal: AbortSignal,
    act: () => Promise<Effect>,
  ): Promise<Effect & { replayed: boolean }> {
    const key = claim.idempotencyKey;
    // Timed out or cancelled while claiming: nothing was sent, so hand the action back.
    if (signal.aborted) {
      await ledger.updateOne(
        { _id: key },
        { $set: { state: 'failed', error: 'the attempt stopped before acting; nothing was sent' } },
      );
      stopIfCancelled(signal);
    }
    let effect: Effect;
    try {
      effect = await act();
    } catch (err) {
      // Cancelled or timed out mid-request: it may have arrived.
      const unknown = isOutcomeUnknown(err) || signal.aborted;
      const error = failureMessage(err).slice(0, 500);
      await ledger.updateOne({ _id: key }, { $set: { state: unknown ? 'unknown' : 'failed', error } });
      if (!unknown || signal.aborted) throw err;
      if (claim.idempotent) {
        metrics.runbookActions.inc({ action: claim.action, outcome: 'unknown' });
        throw new Error(`${error}; the next attempt re-sends with the same idempotency key`);
      }
      throw outcomeUnknown(claim, `${claim.label} may have reached its target and failed (${error})`);
    }
    await ledger.updateOne(
      { _id: key },
      {
        $set: {
          state: 'completed',
          summary: effect.summary,
          output: effect.output ?? {},
          completedAt: new Date(),
        },
      },
    );
    return { ...effect, replayed: false };
  }

  return (claim, attempt, signal, act) =>
    withHeartbeats(async () => {
      stopIfCancelled(signal);
      // A first attempt almost always finds no entry: it claims at once, and reads the entry only
      // when its insert loses (an earlier run of the same key, or a racing attempt). A retry reads first.
      if (attempt === 1 && (await claimIt(claim, 1, attempt))) return actAndRecord(claim, signal, act);
      const next = afterEarlierAttempt(
        await ledger.findById(claim.idempotencyKey).lean(),
        claim,
        waitForHolderMs,
      );
      if ('replay' in next) return replay(claim, next.replay);
      if ('waitMs' in next) return answerFromHolder(claim, next.holderClaim, signal, next.waitMs);
      if (!(await claimIt(claim, next.claimNumber, attempt)))
        return answerFromHolder(claim, next.claimNumber, signal);
      return actAndRecord(claim, signal, act);
    });
}
