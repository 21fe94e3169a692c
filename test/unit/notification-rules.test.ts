import type { ContactMethod } from '../../domain/contact-methods';
import {
  STORM_LIMIT,
  defaultRules,
  nextPhoneSlot,
  parseSmsReply,
  planSteps,
  rulesRefusal,
  shortCode,
  urgencyOf,
} from '../../domain/notification-rules';

const at = '2026-12-03T08:00:00.000Z';
const push: ContactMethod = {
  id: 'cm_push',
  type: 'push',
  subscription: { endpoint: 'https://push.example/1', keys: { p256dh: 'k', auth: 'a' } },
  createdAt: at,
  verifiedAt: at,
};
const sms: ContactMethod = {
  id: 'cm_sms',
  type: 'sms',
  number: '+447700900123',
  createdAt: at,
  verifiedAt: at,
};
const voice: ContactMethod = {
  id: 'cm_voice',
  type: 'voice',
  number: '+447700900123',
  createdAt: at,
  verifiedAt: at,
};
const unverified: ContactMethod = { id: 'cm_new', type: 'sms', number: '+447700900999', createdAt: at };

describe('notification rules', () => {
  it('reads SEV1 and SEV2 as high urgency, the rest as low', () => {
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((s) => urgencyOf(s as 'SEV1'))).toEqual([
      'high',
      'high',
      'low',
      'low',
    ]);
  });

  it('gives a person without rules push at once, SMS after a minute and a call after five (high)', () => {
    expect(defaultRules([push, sms, voice])).toEqual({
      high: [
        { methodId: 'cm_push', afterSeconds: 0 },
        { methodId: 'cm_sms', afterSeconds: 60 },
        { methodId: 'cm_voice', afterSeconds: 300 },
      ],
      low: [
        { methodId: 'cm_push', afterSeconds: 0 },
        { methodId: 'cm_sms', afterSeconds: 300 },
      ],
    });
  });

  it('plans the steps earliest first, only on verified methods', () => {
    const rules = {
      high: [
        { methodId: 'cm_voice', afterSeconds: 600 },
        { methodId: 'cm_push', afterSeconds: 0 },
        { methodId: 'cm_new', afterSeconds: 30 },
        { methodId: 'cm_gone', afterSeconds: 40 },
        { methodId: 'cm_sms', afterSeconds: 60 },
      ],
      low: [],
    };
    const steps = planSteps(rules, [push, sms, voice, unverified], 'high');
    expect(steps.map((s) => [s.stepId, s.method.id, s.afterSeconds])).toEqual([
      ['s0', 'cm_push', 0],
      ['s1', 'cm_sms', 60],
      ['s2', 'cm_voice', 600],
    ]);
    // No rules for low urgency: the default applies.
    expect(planSteps(rules, [push, sms, voice], 'low').map((s) => s.method.id)).toEqual([
      'cm_push',
      'cm_sms',
    ]);
  });

  it('refuses rules naming a method the person does not have, naming the field', () => {
    expect(rulesRefusal({ high: [{ methodId: 'cm_x', afterSeconds: 0 }], low: [] }, [push])).toEqual({
      field: 'body.high.0.methodId',
      message: 'cm_x is not one of your contact methods',
    });
    expect(
      rulesRefusal({ high: [{ methodId: 'cm_push', afterSeconds: 0 }], low: [] }, [push]),
    ).toBeUndefined();
  });

  it('lets a few texts or calls through per window, then holds the next until the window allows', () => {
    const now = 1_000_000_000;
    const sent = [now - 10_000, now - 5_000];
    expect(nextPhoneSlot(sent, now)).toBe(now);
    const full = [...sent, now - 1_000];
    expect(full.length).toBe(STORM_LIMIT.maxPerWindow);
    expect(nextPhoneSlot(full, now)).toBe(now - 10_000 + STORM_LIMIT.windowSeconds * 1000);
    // Sends older than the window do not count.
    expect(nextPhoneSlot([now - STORM_LIMIT.windowSeconds * 1000 - 1, ...sent], now)).toBe(now);
  });

  it('reads SMS replies however they are spaced or cased', () => {
    expect(parseSmsReply('4821a')).toEqual({ action: 'acknowledge', code: '4821' });
    expect(parseSmsReply(' 4821 E ')).toEqual({ action: 'escalate', code: '4821' });
    expect(parseSmsReply('a 4821')).toEqual({ action: 'acknowledge', code: '4821' });
    expect(parseSmsReply('A all')).toEqual({ action: 'acknowledge', all: true });
    expect(parseSmsReply('yes')).toBeUndefined();
    expect(parseSmsReply('48211a')).toBeUndefined();
  });

  it('makes four-digit short codes', () => {
    expect(shortCode(0)).toBe('1000');
    expect(shortCode(8999)).toBe('9999');
    expect(shortCode(9000)).toBe('1000');
  });
});
