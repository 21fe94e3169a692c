import { redactTokenInUrl } from '../../api/app';
import { loadConfig } from '../../config';
import {
  actionLinkSettings,
  actionLinkUrl,
  signActionToken,
  verifyActionToken,
} from '../../infra/action-links';

const secret = 'a-secret-of-at-least-thirty-two-characters';
const claims = {
  incidentId: 'INC-ABCDEF123456',
  personId: 'bob',
  action: 'acknowledge' as const,
  via: 'push' as const,
  expiresAt: 2_000_000_000,
};

describe('action link tokens', () => {
  it('verify with the secret that signed them, until they expire', () => {
    const token = signActionToken(secret, claims);
    expect(verifyActionToken(secret, token, 1_000_000_000_000)).toEqual({ ok: true, claims });
    expect(verifyActionToken(secret, token, 2_000_000_000_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyActionToken(`${secret}x`, token, 0)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuse a changed payload, a changed signature and what is not a token', () => {
    const [payload, signature] = signActionToken(secret, claims).split('.') as [string, string];
    const changed = Buffer.from(JSON.stringify({ ...claims, p: 'alice' })).toString('base64url');
    expect(verifyActionToken(secret, `${changed}.${signature}`, 0).ok).toBe(false);
    expect(
      verifyActionToken(secret, `${payload}.${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, 0),
    ).toEqual({ ok: false, reason: 'forged' });
    for (const bad of ['', 'x', `${payload}.`, `${payload}.${signature}.x`, `${payload}/..${signature}`])
      expect(verifyActionToken(secret, bad, 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('are links under PUBLIC_URL valid for the configured time, off without a secret or PUBLIC_URL', () => {
    const settings = actionLinkSettings(
      loadConfig({
        ACTION_LINK_SECRET: secret,
        PUBLIC_URL: 'https://fireline.example.com/',
        ACTION_LINK_TTL_SECONDS: '600',
      }),
    )!;
    const url = actionLinkUrl(settings, { ...claims }, 1_000_000_000_000);
    expect(url).toMatch(/^https:\/\/fireline\.example\.com\/v1\/act\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const check = verifyActionToken(secret, url.split('/v1/act/')[1]!, 1_000_000_000_000);
    expect(check).toMatchObject({ ok: true, claims: { expiresAt: 1_000_000_600 } });
    expect(actionLinkSettings(loadConfig({ PUBLIC_URL: 'https://fireline.example.com' }))).toBeUndefined();
    expect(actionLinkSettings(loadConfig({ ACTION_LINK_SECRET: secret }))).toBeUndefined();
    expect(() => loadConfig({ ACTION_LINK_SECRET: 'short' })).toThrow(
      /ACTION_LINK_SECRET: must be at least 32/,
    );
  });

  it('are redacted from logged URLs', () => {
    expect(redactTokenInUrl('/v1/act/abc.def')).toBe('/v1/act/[redacted]');
    expect(redactTokenInUrl('/v1/act/abc.def?x=1&token=k')).toBe('/v1/act/[redacted]?x=1&token=[redacted]');
    expect(redactTokenInUrl('/v1/incidents/INC-1')).toBe('/v1/incidents/INC-1');
  });
});
