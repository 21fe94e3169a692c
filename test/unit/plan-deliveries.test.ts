import { planDeliveries } from '../../domain/notification-plan';
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
