import { addRepeat, repeatsDue, repeatsFoldMs, repeatsMessage } from '../../domain/alert-repeats';

describe('folded alert repeats', () => {
  it('counts repeats and spans their earliest and latest times, whatever order they come in', () => {
    let fold = addRepeat(undefined, 'checkout-5xx', '2026-12-01T10:05:40.120Z', 0);
    fold = addRepeat(fold, 'checkout-5xx', '2026-12-01T10:01:02.000Z', 1);
    for (let i = 0; i < 1238; i++) fold = addRepeat(fold, 'checkout-5xx', '2026-12-01T10:03:00.000Z', 2);
    expect(fold).toMatchObject({ count: 1240, since: 0 });
    expect(repeatsMessage(fold)).toBe(
      'Alert checkout-5xx fired 1,240 more times between 2026-12-01T10:01:02Z and 2026-12-01T10:05:40Z',
    );
  });

  it('says once more, at one time, for a single repeat', () => {
    expect(repeatsMessage(addRepeat(undefined, 'db', '2026-12-01T10:00:00.000Z', 0))).toBe(
      'Alert db fired once more at 2026-12-01T10:00:00Z',
    );
  });

  it('is written once its first repeat is the fold time old, however many follow', () => {
    let fold = addRepeat(undefined, 'db', '2026-12-01T10:00:00.000Z', 1_000);
    fold = addRepeat(fold, 'db', '2026-12-01T10:04:00.000Z', 1_000 + repeatsFoldMs - 1);
    expect(repeatsDue(fold, 1_000 + repeatsFoldMs - 1)).toBe(false);
    expect(repeatsDue(fold, 1_000 + repeatsFoldMs)).toBe(true);
  });
});
