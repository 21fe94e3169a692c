import { createNotifyActivities, type NotifyInput, type Plan, type StepSave } from '../../activities/notify';
import type { Incident, PlannedDelivery, TimelineEntry } from '../../domain/incident';
import { applyStepChanges, stepChanges } from '../../domain/notification-outcome';

const delivery = (id: string, overrides: Partial<PlannedDelivery> = {}): PlannedDelivery => ({
  deliveryId: `r0-l0:webhook:${id}`,
  channelType: 'webhook',
  destination: id,
  label: `${id} (webhook)`,
  ...overrides,
});

const plan: Plan = {
  deliveries: [delivery('alice'), delivery('ops-slack', { channelType: 'slack' }), delivery('bob')],
  unreachable: [{ target: { type: 'person', id: 'zed' }, reason: 'person zed is not in the catalog' }],
};

/** The fields a step changes; the rest of an incident does not matter here. */
const incident = (): Incident =>
  ({ incidentId: 'inc-1', version: 7, timelineLength: 3, status: 'triggered' }) as unknown as Incident;

describe('an escalation step’s outcome', () => {
  it('lists the unreachable targets, the page, then each delivery sent, in plan order', () => {
    const changes = stepChanges(
      plan,
      ['alice'],
      [],
      [
        { deliveryId: 'r0-l0:webhook:bob', sent: { detail: 'HTTP 200' } },
        { deliveryId: 'r0-l0:webhook:alice', failed: 'HTTP 503' },
        { deliveryId: 'r0-l0:webhook:ops-slack', sent: { detail: 'posted', chatMessage: true } },
      ],
      'level 1',
    );
    expect(changes).toEqual([
      {
        kind: 'entry',
        entry: expect.objectContaining({
          type: 'notification.failed',
          message: expect.stringContaining('zed'),
        }),
      },
      {
        kind: 'pages',
        reason: 'level 1',
        targets: ['alice (webhook)', 'ops-slack (webhook)', 'bob (webhook)'],
        people: ['alice'],
      },
      { kind: 'chatChannel', channelId: 'ops-slack' },
      {
        kind: 'entry',
        entry: expect.objectContaining({ message: 'Notified ops-slack (webhook) (level 1)' }),
      },
      { kind: 'entry', entry: expect.objectContaining({ message: 'Notified bob (webhook) (level 1)' }) },
    ]);
  });

  it('numbers its entries on, lists the page and raises the version once', () => {
    const target = incident();
    const applied = applyStepChanges(
      target,
      stepChanges(plan, [], [], [{ deliveryId: 'r0-l0:webhook:bob', sent: { detail: 'ok' } }], 'level 2'),
      '2026-12-05T10:00:00.000Z',
    );
    expect(applied.entries.map((e) => [e.seq, e.type, e.at])).toEqual([
      [4, 'notification.failed', '2026-12-05T10:00:00.000Z'],
      [5, 'notification.sent', '2026-12-05T10:00:00.000Z'],
    ]);
    expect(target).toMatchObject({ version: 8, timelineLength: 5 });
    expect(target.pages).toEqual([
      { reason: 'level 2', at: '2026-12-05T10:00:00.000Z', targets: expect.any(Array), people: [] },
    ]);
  });

  it('keeps the latest 20 pages and changes nothing for a chat channel it already has', () => {
    const target = incident();
    for (let i = 0; i < 25; i++)
      applyStepChanges(target, [{ kind: 'pages', reason: `step ${i}`, targets: [], people: [] }], 'now');
    expect(target.pages).toHaveLength(20);
    expect(target.pages![0]!.reason).toBe('step 5');
    target.chatChannels = ['ops-slack'];
    const before = target.version;
    expect(applyStepChanges(target, [{ kind: 'chatChannel', channelId: 'ops-slack' }], 'now')).toEqual({
      entries: [],
      chatChanged: false,
    });
    expect(target.version).toBe(before);
  });
});

describe('notifyTargets with the incident’s next save', () => {
  const input = (save?: StepSave): NotifyInput => ({
    plan: { targets: [{ type: 'person', id: 'alice' }], at: '2026-12-05T10:00:00.000Z', key: 'r0-l0' },
    context: { incidentId: 'inc-1', reason: 'level 1' } as NotifyInput['context'],
    incidentId: 'inc-1',
    withPeople: false,
    ...(save ? { save } : {}),
  });
  const lent = (): StepSave => ({
    incident: incident(),
    timeline: [
      { seq: 3, at: '2026-12-05T09:59:59.000Z', type: 'escalation.level', actor: 'fireline', message: 'x' },
    ],
  });
  const onePlan = async (): Promise<Plan> => ({ deliveries: [delivery('alice')], unreachable: [] });

  it('saves the incident after the first attempts, with their outcome, and says which version', async () => {
    const order: string[] = [];
    const saved: Array<{ incident: Incident; timeline: TimelineEntry[] }> = [];
    const notify = createNotifyActivities({
      plan: onePlan,
      deliver: async () => {
        order.push('deliver');
        return { detail: 'HTTP 200' };
      },
      save: async (save) => {
        order.push('save');
        saved.push(save);
      },
    });
    const result = await notify.notifyTargets(input(lent()));
    expect(order).toEqual(['deliver', 'save']);
    expect(result.savedVersion).toBe(8);
    expect(saved[0]!.incident).toMatchObject({ version: 8, timelineLength: 4, pages: [expect.anything()] });
    expect(saved[0]!.timeline.map((e) => [e.seq, e.type, e.at])).toEqual([
      [3, 'escalation.level', '2026-12-05T09:59:59.000Z'],
      [4, 'notification.sent', result.at],
    ]);
  });

  it('does not wait for a save past its bound: the workflow’s saver saves instead, and the late save does not write', async () => {
    // The save hangs until the test lets it go: the step must answer without it.
    let letSaveEnd!: () => void;
    const saveHeld = new Promise<void>((resolve) => (letSaveEnd = resolve));
    let saveEnded!: (abandoned: boolean) => void;
    const abandonedWhenDone = new Promise<boolean>((resolve) => (saveEnded = resolve));
    const notify = createNotifyActivities({
      plan: onePlan,
      deliver: async () => ({ detail: 'HTTP 200' }),
      save: async (_save, abandoned) => {
        await saveHeld;
        saveEnded(abandoned());
      },
      saveWithinMs: 50,
    });
    const result = await notify.notifyTargets(input(lent()));
    expect(result.savedVersion).toBeUndefined();
    expect(result.attempts).toEqual([{ deliveryId: 'r0-l0:webhook:alice', sent: { detail: 'HTTP 200' } }]);
    letSaveEnd();
    expect(await abandonedWhenDone).toBe(true);
  });

  it('answers the page’s outcome when the save fails, and saves nothing it was not lent', async () => {
    const saves: StepSave[] = [];
    const notify = createNotifyActivities({
      plan: onePlan,
      deliver: async () => ({ detail: 'HTTP 200' }),
      save: async (save) => {
        saves.push(save);
        throw new Error('MongoServerSelectionError: connect ECONNREFUSED');
      },
    });
    expect((await notify.notifyTargets(input(lent()))).savedVersion).toBeUndefined();
    expect(saves).toHaveLength(1);
    expect((await notify.notifyTargets(input())).savedVersion).toBeUndefined();
    expect(saves).toHaveLength(1);
  });
});
