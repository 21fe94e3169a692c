import fc from 'fast-check';
import { incidentWorkflowId } from '../../workflows/incident/ids';

describe('incident workflow ids', () => {
  it('keep ordinary keys readable', () => {
    expect(incidentWorkflowId('payments', 'db-down')).toBe('incident:payments:db-down');
    expect(incidentWorkflowId('checkout', '0a1b2c3d4e5f6a7b')).toBe('incident:checkout:0a1b2c3d4e5f6a7b');
  });

  it('tell apart keys that a plain join would confuse', () => {
    // `a:b` + `c` and `a` + `b:c` both join to `incident:a:b:c`.
    expect(incidentWorkflowId('a:b', 'c')).not.toBe(incidentWorkflowId('a', 'b:c'));
    const hashed = incidentWorkflowId('svc', 'x:y');
    expect(hashed).toMatch(/^incident:svc:~[0-9a-f]{40}$/);
    // A plain key cannot spell a hashed one.
    expect(incidentWorkflowId('svc', hashed.split(':')[2]!)).not.toBe(hashed);
  });

  it('are injective and at most 240 characters for any service and dedup key', () => {
    const part = fc.string({ unit: 'binary', minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(part, part, part, part, (s1, k1, s2, k2) => {
        const a = incidentWorkflowId(s1, k1);
        const b = incidentWorkflowId(s2, k2);
        expect(a.length).toBeLessThanOrEqual(240);
        if (s1 !== s2 || k1 !== k2) expect(a).not.toBe(b);
      }),
      { numRuns: 2000 },
    );
  });
});
