/**
 * Repeats of an alert already on an incident's timeline: counted in the
 * incident's alert list as they come, and written to the timeline as one
 * entry per alert ("fired 1,240 more times between … and …"), so that an
 * alert storm does not flood the timeline, the store or the post-mortem.
 */
export interface PendingRepeats {
  dedupKey: string;
  count: number;
  /** The repeats' own times (as the senders gave them): the earliest and the latest. */
  firstAt: string;
  lastAt: string;
  /** Workflow time of the first repeat folded: the fold is written once it is this old. */
  since: number;
}

/** A fold is written at the latest this long after its first repeat (and before any other entry). */
export const repeatsFoldMs = 5 * 60_000;

export function addRepeat(
  pending: PendingRepeats | undefined,
  dedupKey: string,
  at: string,
  now: number,
): PendingRepeats {
  if (!pending) return { dedupKey, count: 1, firstAt: at, lastAt: at, since: now };
  pending.count += 1;
  if (at < pending.firstAt) pending.firstAt = at;
  if (at > pending.lastAt) pending.lastAt = at;
  return pending;
}

/** Whether a fold has waited long enough to be written (workflow time `now`, in ms). */
export function repeatsDue(pending: PendingRepeats, now: number): boolean {
  return now - pending.since >= repeatsFoldMs;
}

export const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const clock = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

export function repeatsMessage(repeats: PendingRepeats): string {
  const times = repeats.count === 1 ? 'once more' : `${thousands(repeats.count)} more times`;
  const span =
    repeats.firstAt === repeats.lastAt
      ? `at ${clock(repeats.firstAt)}`
      : `between ${clock(repeats.firstAt)} and ${clock(repeats.lastAt)}`;
  return `Alert ${repeats.dedupKey} fired ${times} ${span}`;
}
