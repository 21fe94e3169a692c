import { isDuplicateKeyError } from '../../infra/mongo';

describe('isDuplicateKeyError', () => {
  it('recognises a single duplicate-key error', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 121 })).toBe(false);
    expect(isDuplicateKeyError(new Error('x'))).toBe(false);
    expect(isDuplicateKeyError(undefined)).toBe(false);
  });

  it('accepts a bulk write error only when every write hit a duplicate key', () => {
    expect(isDuplicateKeyError({ code: 11000, writeErrors: [{ code: 11000 }, { code: 11000 }] })).toBe(true);
    expect(isDuplicateKeyError({ code: 11000, writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
  });
});
