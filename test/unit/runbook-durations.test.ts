import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { durationToMs } from '../../domain/duration';

describe('runbook durations', () => {
  it.each<[Duration, number]>([
    ['1 day', 86_400_000],
    ['1d', 86_400_000],
    ['10 mins', 600_000],
    ['5 seconds', 5_000],
    ['2 minutes', 120_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    [1_500, 1_500],
  ])('%p is %p ms', (duration, expected) => {
    expect(durationToMs(duration)).toBe(expected);
  });

  it('refuses a string that is not a duration, naming it', () => {
    expect(() => durationToMs('5 fortnights' as Duration)).toThrow("Invalid duration string: '5 fortnights'");
    expect(() => durationToMs('soon' as Duration)).toThrow(TypeError);
    expect(() => durationToMs('' as Duration)).toThrow();
  });

  // Duration is the `ms` package's StringValue as the SDK depends on it: the
  // same version parses here, so the two cannot disagree about a value.
  it('uses the ms version @temporalio/common depends on', () => {
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const common = read(require.resolve('@temporalio/common/package.json'));
    const ours = read(path.join(__dirname, '../../package.json'));
    const installed = read(path.join(path.dirname(require.resolve('ms')), '../package.json'));
    const wanted = (common.dependencies as Record<string, string>).ms;
    expect((ours.dependencies as Record<string, string>).ms).toBe(wanted);
    expect(installed.version).toBe(wanted);
  });
});
