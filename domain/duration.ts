import type { Duration } from '@temporalio/common';
import ms from 'ms';

/**
 * Milliseconds of a Duration (`'1 day'`, `'10 mins'`, `500`). Parsed by `ms`, the
 * parser the SDK's own timers use and the one its `Duration` type is defined by,
 * so every value the type accepts works here too. (The SDK's `msToNumber` is
 * marked internal, hence `ms` itself, pinned to the SDK's version.)
 */
export function durationToMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const millis = ms(duration);
  if (Number.isNaN(millis)) throw new TypeError(`Invalid duration string: '${duration}'`);
  return millis;
}
