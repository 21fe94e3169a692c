import {
  peopleReached,
  planDeliveries,
  roundRobinTargets,
  stepTargetsNow,
} from '../../domain/notification-plan';
import { testCatalog } from '../helpers/test-catalog';

describe('planDeliveries', () => {
  const catalog = testCatalog();
  const at = new Date('2026-11-26T12:00:00Z');

  it('resolves schedules to the person on call and people to their channels', () => {
    const plan = planDeliveries(
      catalog,
      [
        { type: 'schedule', id: 'always-dave' },
        { type: 'channel', id: 'team-slack' },
      ],
      at,
      'r0-l1',
    );
    expect(plan.unreachable).toEqual([]);
    expect(plan.deliveries).toEqual([
      {
        deliveryId: 'r0-l1:webhook:dave-pager',
        channelType: 'webhook',
        destination: 'dave-pager',
        label: 'schedule always-dave → dave via dave-pager (webhook)',
        personId: 'dave',
      },
      {
        deliveryId: 'r0-l1:slack:team-slack',
        channelType: 'slack',
        destination: 'team-slack',
        label: 'team-slack (slack)',
      },
    ]);
  });

  it('sends one message to a person reached through two targets', () => {
    const plan = planDeliveries(
      catalog,
      [
        { type: 'schedule', id: 'always-dave' },
        { type: 'person', id: 'dave' },
      ],
      at,
      'k',
    );
    expect(plan.deliveries).toHaveLength(1);
  });

  it('reports targets it cannot reach instead of failing', () => {
    const plan = planDeliveries(
      catalog,
      [
        { type: 'person', id: 'nobody' },
        { type: 'schedule', id: 'missing' },
        { type: 'channel', id: 'gone' },
      ],
      at,
      'k',
    );
    expect(plan.deliveries).toEqual([]);
    expect(plan.unreachable.map((u) => u.reason)).toEqual([
      'person nobody is not in the catalog',
      'schedule missing is not in the catalog',
      'channel gone is not in the catalog',
    ]);
  });
});

describe('peopleReached', () => {
  const catalog = testCatalog();

  it('names people, and whoever each schedule has on call, once each', () => {
    const targets = [
      { type: 'schedule' as const, id: 'always-dave' },
      { type: 'person' as const, id: 'dave' },
      { type: 'person' as const, id: 'erin' },
    ];
    expect(peopleReached(catalog, targets, new Date('2026-11-26T12:00:00Z'))).toEqual(['dave', 'erin']);
  });

  it('follows the schedule to the person on call at that instant', () => {
    // New York daily hand-offs at 10:00 local (15:00 UTC in winter): dave on the first day, erin on the next.
    const nyc = [{ type: 'schedule' as const, id: 'nyc-daily' }];
    expect(peopleReached(catalog, nyc, new Date('2027-03-01T16:00:00Z'))).toEqual(['dave']);
    expect(peopleReached(catalog, nyc, new Date('2027-03-02T16:00:00Z'))).toEqual(['erin']);
  });

  it('reaches nobody through a channel or a schedule not in the catalog', () => {
    const targets = [
      { type: 'channel' as const, id: 'team-slack' },
      { type: 'schedule' as const, id: 'missing' },
    ];
    expect(peopleReached(catalog, targets, new Date('2026-11-26T12:00:00Z'))).toEqual([]);
  });
});

describe('stepTargetsNow and roundRobinTargets', () => {
  const catalog = testCatalog();
  const at = new Date('2026-11-26T12:00:00Z');
  const snapshot = [{ type: 'channel' as const, id: 'fallback-hook' }];

  it('reads a level or the fallback from the policy as it is now, else the incident’s copy', () => {
    expect(stepTargetsNow(catalog, 'two-levels', 'r1-l1', snapshot)).toEqual({
      targets: [{ type: 'schedule', id: 'always-dave' }],
      roundRobin: false,
      level: 1,
    });
    expect(stepTargetsNow(catalog, 'two-levels', 'fallback', []).targets).toEqual([
      { type: 'channel', id: 'fallback-hook' },
    ]);
    // A level the policy no longer has, a policy gone, another kind of step: the incident's copy.
    expect(stepTargetsNow(catalog, 'two-levels', 'r0-l7', snapshot).targets).toBe(snapshot);
    expect(stepTargetsNow(catalog, 'gone', 'r0-l0', snapshot).targets).toBe(snapshot);
    expect(stepTargetsNow(catalog, 'two-levels', 'sla-ack', snapshot).targets).toBe(snapshot);
  });

  it('keeps the channels and takes the person whose turn it is', () => {
    const targets = [
      { type: 'person' as const, id: 'dave' },
      { type: 'channel' as const, id: 'team-slack' },
      { type: 'person' as const, id: 'erin' },
    ];
    expect(roundRobinTargets(catalog, targets, at, 0)).toEqual([
      { type: 'channel', id: 'team-slack' },
      { type: 'person', id: 'dave' },
    ]);
    expect(roundRobinTargets(catalog, targets, at, 3)[1]).toEqual({ type: 'person', id: 'erin' });
  });
});
