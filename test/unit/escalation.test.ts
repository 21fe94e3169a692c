import { advanceEscalation, currentTargets, freshEscalation, policySnapshot } from '../../domain/escalation';
import type { EscalationState } from '../../domain/incident';
import { testCatalog } from '../helpers/test-catalog';

describe('policySnapshot', () => {
  it('copies the policy, so editing the catalog afterwards does not change it', () => {
    const catalog = testCatalog(30);
    const snapshot = policySnapshot(catalog, 'two-levels')!;
    expect(snapshot).toEqual({
      id: 'two-levels',
      name: 'Two levels',
      levels: [
        {
          delaySeconds: 30,
          targets: [
            { type: 'channel', id: 'level1-hook' },
            { type: 'channel', id: 'team-slack' },
          ],
        },
        { delaySeconds: 30, targets: [{ type: 'schedule', id: 'always-dave' }] },
      ],
      repeat: 0,
      fallback: [{ type: 'channel', id: 'fallback-hook' }],
    });
    catalog.policies[0]!.levels[0]!.targets.push({ type: 'person', id: 'erin' });
    catalog.policies[0]!.fallback!.length = 0;
    expect(snapshot.levels[0]!.targets).toHaveLength(2);
    expect(snapshot.fallback).toHaveLength(1);
  });

  it('reads a policy without repeat or fallback as none', () => {
    const catalog = testCatalog();
    catalog.policies.push({ id: 'bare', name: 'Bare', levels: [] });
    expect(policySnapshot(catalog, 'bare')).toMatchObject({ repeat: 0, fallback: [] });
  });

  it('answers undefined for a policy not in the catalog', () => {
    expect(policySnapshot(testCatalog(), 'does-not-exist')).toBeUndefined();
  });
});

describe('escalation steps', () => {
  const where = (esc: EscalationState) => ({ round: esc.round, level: esc.level, exhausted: esc.exhausted });

  it('starts at level 1 of the first pass, nobody paged yet', () => {
    const esc = freshEscalation(policySnapshot(testCatalog(), 'two-levels')!);
    expect(esc).toMatchObject({
      round: 0,
      level: 0,
      levelNotified: false,
      exhausted: false,
      fallbackNotified: false,
    });
    expect(currentTargets(esc)).toEqual([
      { type: 'channel', id: 'level1-hook' },
      { type: 'channel', id: 'team-slack' },
    ]);
  });

  it('goes through every level of every pass, then reaches the fallback', () => {
    const esc = freshEscalation(policySnapshot(testCatalog(), 'short-repeat')!);
    esc.levelNotified = true;
    esc.nextEscalationAt = '2026-11-26T12:00:00.000Z';
    advanceEscalation(esc);
    expect(where(esc)).toEqual({ round: 1, level: 0, exhausted: false });
    expect(esc.levelNotified).toBe(false);
    expect(esc.nextEscalationAt).toBeUndefined();
    expect(currentTargets(esc)).toEqual([{ type: 'channel', id: 'level1-hook' }]);
    advanceEscalation(esc);
    expect(where(esc)).toEqual({ round: 2, level: 0, exhausted: true });
    expect(currentTargets(esc)).toEqual([{ type: 'channel', id: 'fallback-hook' }]);
  });

  it('moves level by level within a pass', () => {
    const esc = freshEscalation(policySnapshot(testCatalog(), 'two-levels')!);
    advanceEscalation(esc);
    expect(where(esc)).toEqual({ round: 0, level: 1, exhausted: false });
    expect(currentTargets(esc)).toEqual([{ type: 'schedule', id: 'always-dave' }]);
    advanceEscalation(esc);
    expect(where(esc)).toEqual({ round: 1, level: 0, exhausted: true });
  });

  it('is exhausted from the start when the policy has no levels', () => {
    const esc = freshEscalation({ id: 'none', name: 'None', levels: [], repeat: 0, fallback: [] });
    expect(esc.exhausted).toBe(true);
    expect(currentTargets(esc)).toEqual([]);
  });
});
