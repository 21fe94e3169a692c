import { createHmac } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The web UI's cookies: Secure behind an HTTPS proxy, and CSRF tokens bound to the session's key.
describe('web UI session', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.teardown());

  const appWith = (publicUrl?: string) =>
    createApp({
      config: { ...env.config, PUBLIC_URL: publicUrl },
      temporal: env.client,
      mongo: env.mongo,
      models: env.models,
      logger: createLogger({ level: 'silent' }),
    });

  const cookiesOf = (res: request.Response) =>
    (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const formToken = (text: string) => /name="_csrf" value="([^"]+)"/.exec(text)?.[1];

  it('marks its cookies Secure when PUBLIC_URL is https, though Node itself speaks HTTP behind the proxy', async () => {
    const behindProxy = await request(appWith('https://fireline.example.com')).get('/ui/login').expect(200);
    expect(cookiesOf(behindProxy).find((c) => c.startsWith('fireline_csrf='))).toMatch(/; Secure/);
    const plain = await request(appWith('http://localhost:3000')).get('/ui/login').expect(200);
    expect(cookiesOf(plain).find((c) => c.startsWith('fireline_csrf='))).not.toMatch(/Secure/);
  });

  it("refuses a signed-in form whose token is not bound to that session's key", async () => {
    const app = appWith();
    const keyA = await env.createKey('session-a', ['incidents:read', 'approvals:decide']);
    const keyB = await env.createKey('session-b', ['incidents:read', 'approvals:decide']);
    const csrf = 'c'.repeat(43); // a CSRF cookie value another site or subdomain could plant
    const approve = '/ui/incidents/INC-0123456789AB/approvals/INC-0123456789AB.rb1.a1/approve';
    const post = (key: string, field: string) =>
      request(app)
        .post(approve)
        .set('Cookie', `fireline_csrf=${csrf}; fireline_key=${encodeURIComponent(key)}`)
        .type('form')
        .send({ _csrf: field });

    // The page's forms carry the token bound to the key, not the cookie's value.
    const page = await request(app)
      .get('/ui/incidents')
      .set('Cookie', `fireline_csrf=${csrf}; fireline_key=${encodeURIComponent(keyA)}`)
      .expect(200);
    const bound = formToken(page.text)!;
    expect(bound).toBe(createHmac('sha256', keyA).update(csrf).digest('base64url'));
    expect(bound).not.toBe(csrf);

    // Knowing the planted cookie is not enough, nor is another session's token.
    await post(keyA, csrf).expect(403);
    await post(
      keyA,
      formToken(
        (
          await request(app)
            .get('/ui/incidents')
            .set('Cookie', `fireline_csrf=${csrf}; fireline_key=${encodeURIComponent(keyB)}`)
        ).text,
      )!,
    ).expect(403);
    // The session's own token gets as far as the incident (which does not exist).
    await post(keyA, bound).expect(404);
  });
});
