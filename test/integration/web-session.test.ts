import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../api/app';
import { revokeApiKey } from '../../infra/api-keys';
import { createTestEnv, type TestEnv } from '../helpers/test-env';
import { formTokenOf, setCookies, signInToWebUi } from '../helpers/web-ui-session';

// The web UI's session: kept server-side, so signing out ends it; cookies Secure behind an
// HTTPS proxy; CSRF tokens bound to the session.
describe('web UI session', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.teardown());

  /** An API process of its own (its own caches), on the same servers. */
  const appWith = (publicUrl?: string) =>
    createApp({
      ...env.apiDeps,
      config: { ...env.config, PUBLIC_URL: publicUrl },
    });

  it('marks its cookies Secure when PUBLIC_URL is https, though Node itself speaks HTTP behind the proxy', async () => {
    const behindProxy = await request(appWith('https://fireline.example.com')).get('/ui/login').expect(200);
    expect(cookieHeaders(behindProxy).find((c) => c.startsWith('fireline_csrf='))).toMatch(/; Secure/);
    const plain = await request(appWith('http://localhost:3000')).get('/ui/login').expect(200);
    expect(cookieHeaders(plain).find((c) => c.startsWith('fireline_csrf='))).not.toMatch(/Secure/);
  });

  it('keeps the API key out of the cookie: the session cookie holds a random id, stored hashed', async () => {
    const app = appWith();
    const key = await env.createKey('session-cookie', ['incidents:read']);
    const session = await signInToWebUi(app, key);
    expect(session.cookie).not.toContain(key);
    expect(session.cookie).not.toContain(key.slice(-43));
    expect(session.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await env.models.UiSession.countDocuments({ _id: session.sessionId })).toBe(0);
    const digest = createHash('sha256').update(session.sessionId).digest('hex');
    expect(await env.models.UiSession.findById(digest).lean()).toMatchObject({ keyId: key.slice(3, 15) });
    await request(app).get('/ui/incidents').set('Cookie', session.cookie).expect(200);
  });

  it('ends the session on sign-out: replaying the old cookie is refused, on this process and on another', async () => {
    const app = appWith();
    const key = await env.createKey('session-out', ['incidents:read', 'incidents:write']);
    const session = await signInToWebUi(app, key);
    await request(app).get('/ui/incidents').set('Cookie', session.cookie).expect(200);

    const signedOut = await request(app)
      .post('/ui/logout')
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf })
      .expect(303);
    expect(signedOut.headers.location).toBe('/ui/login?signedOut=1');

    // A copy of the cookie taken before signing out (the key itself is still valid).
    const replayed = await request(app).get('/ui/incidents').set('Cookie', session.cookie).expect(303);
    expect(replayed.headers.location).toMatch(/^\/ui\/login\?.*expired=1/);
    const elsewhere = await request(appWith()).get('/ui/incidents').set('Cookie', session.cookie).expect(303);
    expect(elsewhere.headers.location).toMatch(/^\/ui\/login\?.*expired=1/);
  });

  it('ends a session when its key is revoked', async () => {
    const key = await env.createKey('session-revoked', ['incidents:read']);
    const session = await signInToWebUi(appWith(), key);
    await revokeApiKey(env.models, 'session-revoked');
    // A process that has not verified the session yet asks MongoDB.
    await request(appWith()).get('/ui/incidents').set('Cookie', session.cookie).expect(303);
  });

  it('refuses a signed-in form whose token is not bound to that session', async () => {
    const app = appWith();
    const keyA = await env.createKey('session-a', ['incidents:read', 'approvals:decide'], { person: 'bob' });
    const keyB = await env.createKey('session-b', ['incidents:read', 'approvals:decide']);
    const a = await signInToWebUi(app, keyA);
    const b = await signInToWebUi(app, keyB);
    const csrf = 'c'.repeat(43); // a CSRF cookie value another site or subdomain could plant
    const approve = '/ui/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/approve';
    const withPlanted = (session: { sessionId: string }) =>
      `fireline_csrf=${csrf}; fireline_session=${session.sessionId}`;
    const post = (field: string) =>
      request(app).post(approve).set('Cookie', withPlanted(a)).type('form').send({ _csrf: field });

    // The page's forms carry the token bound to the session, not the cookie's value.
    const page = await request(app).get('/ui/incidents').set('Cookie', withPlanted(a)).expect(200);
    const bound = formTokenOf(page.text);
    expect(bound).toBe(createHmac('sha256', a.sessionId).update(csrf).digest('base64url'));
    expect(bound).not.toBe(csrf);

    // Knowing the planted cookie is not enough, nor is another session's token.
    await post(csrf).expect(403);
    const other = await request(app).get('/ui/incidents').set('Cookie', withPlanted(b)).expect(200);
    await post(formTokenOf(other.text)).expect(403);
    // The session's own token gets as far as the incident (which does not exist).
    await post(bound).expect(404);
    expect(setCookies(page).has('fireline_session')).toBe(false);
  });
});

function cookieHeaders(res: request.Response): string[] {
  return (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}
