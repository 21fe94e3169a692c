import { missingChannelSettings } from '../../activities/channels';
import { smsText } from '../../activities/channels/sms';
import {
  isE164,
  maskPhone,
  maskPhonesIn,
  newChallenge,
  parseContactDestination,
  VERIFICATION,
  verificationRefusal,
} from '../../domain/contact-methods';
import type { NotificationContext } from '../../domain/incident';

describe('contact methods, the pure parts', () => {
  it('accepts E.164 numbers only', () => {
    expect(['+447700900123', '+14155550123', '+4915123456789'].every(isE164)).toBe(true);
    expect(['07700900123', '+0447700900', '+44 7700 900123', '+1234567890123456', '+1'].some(isE164)).toBe(
      false,
    );
  });

  it('masks a number to its country code and last four digits', () => {
    expect(maskPhone('+447700900123')).toBe('+44 •••• 0123');
    expect(maskPhone('+14155550123')).toBe('+1 •••• 0123');
    expect(maskPhone('+353871234567')).toBe('+353 •••• 4567');
    expect(maskPhone('not a number')).toBe('•••• ••••');
    expect(maskPhonesIn("The 'To' number +447700900123 is not valid")).toBe(
      "The 'To' number +44 •••• 0123 is not valid",
    );
  });

  it('refuses codes that expired or ran out of attempts', () => {
    const now = new Date('2026-12-03T07:00:00Z');
    const challenge = newChallenge('scrypt$x$y', now);
    expect(verificationRefusal(challenge, now)).toBeUndefined();
    expect(verificationRefusal(challenge, new Date(now.getTime() + VERIFICATION.ttlMs))).toBe('expired');
    expect(verificationRefusal({ ...challenge, attempts: VERIFICATION.maxAttempts }, now)).toBe(
      'too_many_attempts',
    );
    expect(verificationRefusal(undefined, now)).toBe('none');
  });

  it('names contact destinations by person and method', () => {
    expect(parseContactDestination('contact:erin:cm_AbC-9_')).toEqual({
      personId: 'erin',
      methodId: 'cm_AbC-9_',
    });
    expect(parseContactDestination('person:erin')).toBeUndefined();
  });

  it('writes the SMS with the reply codes, shortening a long title', () => {
    const context = {
      severity: 'SEV1',
      service: 'payments',
      title: 'Card authorisations failing',
    } as NotificationContext;
    expect(smsText({ context, replyCode: '4821' })).toBe(
      '[SEV1] payments: Card authorisations failing — reply 4821a to acknowledge, 4821e to escalate',
    );
    const long = smsText({ context: { ...context, title: 'x'.repeat(1000) }, replyCode: '4821' });
    expect(long).toHaveLength(320);
    expect(long.endsWith('— reply 4821a to acknowledge, 4821e to escalate')).toBe(true);
  });

  it('checks a provider at worker start once any of its variables is set', () => {
    const catalog = { people: [], channels: [], schedules: [], policies: [] };
    const check = (secrets: Record<string, string>) =>
      missingChannelSettings(catalog, { secrets, mailer: false, slackApp: false });
    expect(check({})).toEqual([]);
    expect(check({ TWILIO_ACCOUNT_SID: 'AC1' })).toEqual([
      { variable: 'TWILIO_AUTH_TOKEN', destinations: ['sms contact methods', 'voice contact methods'] },
      { variable: 'TWILIO_FROM', destinations: ['sms contact methods', 'voice contact methods'] },
      { variable: 'PUBLIC_URL', destinations: ['voice contact methods'] },
    ]);
    expect(
      check({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_API_KEY: 'SK1', TWILIO_FROM: '+1', PUBLIC_URL: 'https://x' }),
    ).toEqual([
      { variable: 'TWILIO_API_SECRET', destinations: ['sms contact methods', 'voice contact methods'] },
    ]);
    expect(check({ VAPID_SUBJECT: 'mailto:a@b.c' }).map((m) => m.variable)).toEqual([
      'VAPID_PUBLIC_KEY',
      'VAPID_PRIVATE_KEY',
    ]);
  });
});
