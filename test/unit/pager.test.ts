import type { ContactMethod } from '../../domain/contact-methods';
import { nextPhoneSlot, planSteps } from '../../domain/notification-rules';
import {
  allocateCode,
  deliveryFailed,
  isFinalStatus,
  pagerStep,
  phoneSlotFree,
  recentSends,
  statusWording,
  stepOutcomeMessage,
  stepTarget,
} from '../../domain/pager';

const at = '2026-12-03T08:00:00.000Z';
const sms: ContactMethod = {
  id: 'cm_sms',
  type: 'sms',
  number: '+447700901234',
  createdAt: at,
  verifiedAt: at,
};
const voice: ContactMethod = {
  id: 'cm_voice',
  type: 'voice',
  number: '+447700901234',
  createdAt: at,
  verifiedAt: at,
};
const push: ContactMethod = {
  id: 'cm_push',
  type: 'push',
  subscription: { endpoint: 'https://push.example/abc', keys: { p256dh: 'k', auth: 'a' } },
  createdAt: at,
  verifiedAt: at,
};

describe("a person's pager, planned", () => {
  it('words each step with the number masked', () => {
    expect(stepTarget(sms)).toBe('SMS to +44 •••• 1234');
    expect(stepTarget(voice)).toBe('call to +44 •••• 1234');
    expect(stepTarget(push)).toBe('push via push.example');
    expect(
      stepOutcomeMessage('Bob', pagerStep({ stepId: 's1', afterSeconds: 60, method: sms }), 'sent'),
    ).toBe('Bob: SMS to +44 •••• 1234, sent');
    const steps = planSteps(undefined, [push, sms, voice], 'high').map(pagerStep);
    expect(steps.map((s) => [s.stepId, s.methodType, s.afterSeconds])).toEqual([
      ['s0', 'push', 0],
      ['s1', 'sms', 60],
      ['s2', 'voice', 300],
    ]);
    expect(JSON.stringify(steps)).not.toContain('7700901234');
  });

  it('gives a code none of the open pages holds', () => {
    expect(allocateCode(0, new Set())).toEqual({ code: '1000', sequence: 1 });
    expect(allocateCode(1, new Set(['1001', '1002']))).toEqual({ code: '1003', sequence: 4 });
    // Wraps after 9000 codes, still skipping those taken.
    expect(allocateCode(9000, new Set(['1000']))).toEqual({ code: '1001', sequence: 9002 });
  });

  it('moves on for failed, unanswered and machine-answered steps only', () => {
    for (const status of ['failed', 'undelivered', 'no-answer', 'busy', 'canceled'])
      expect(deliveryFailed(status)).toBe(true);
    for (const status of ['queued', 'sent', 'delivered', 'ringing', 'completed'])
      expect(deliveryFailed(status)).toBe(false);
    expect(deliveryFailed('completed', 'machine_end_beep')).toBe(true);
    expect(deliveryFailed('completed', 'human')).toBe(false);
    expect(statusWording('no-answer')).toBe('no answer');
    expect(statusWording('completed', 'machine_start')).toBe('answered by a machine');
    expect(isFinalStatus('sent')).toBe(false);
    expect(isFinalStatus('delivered')).toBe(true);
  });

  it('lets through at most the limit in a window', () => {
    const limit = { maxPerWindow: 3, windowSeconds: 20 };
    const sent = [0, 1000, 2000];
    expect(phoneSlotFree(sent.slice(0, 2), 2500, limit)).toBe(true);
    expect(phoneSlotFree(sent, 2500, limit)).toBe(false);
    expect(nextPhoneSlot(sent, 2500, limit)).toBe(20_000);
    expect(phoneSlotFree(sent, 20_000, limit)).toBe(true);
    expect(recentSends(sent, 20_500, limit)).toEqual([1000, 2000]);
  });
});
