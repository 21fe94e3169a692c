import type { Express } from 'express';
import request from 'supertest';

/** The cookies a response sets, as `name=value` pairs. */
export function setCookies(res: request.Response): Map<string, string> {
  const headers = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return new Map(
    headers.map((header) => {
      const pair = header.split(';')[0]!;
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as [string, string];
    }),
  );
}

/** The CSRF token of a page's forms. */
export function formTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** A browser's state after signing in to the web UI: its Cookie header and its forms' CSRF token. */
export interface WebUiSession {
  cookie: string;
  csrf: string;
  /** The session cookie's value. */
  sessionId: string;
}

/** Signs in to the web UI with an API key, as the sign-in form does. */
export async function signInToWebUi(app: Express, key: string): Promise<WebUiSession> {
  const login = await request(app).get('/ui/login').expect(200);
  const csrfCookie = setCookies(login).get('fireline_csrf')!;
  const signedIn = await request(app)
    .post('/ui/login')
    .set('Cookie', `fireline_csrf=${csrfCookie}`)
    .type('form')
    .send({ key, _csrf: formTokenOf(login.text) })
    .expect(303);
  const cookies = setCookies(signedIn);
  const sessionId = cookies.get('fireline_session');
  if (!sessionId) throw new Error(`sign-in refused: ${signedIn.status} ${signedIn.text.slice(0, 200)}`);
  const cookie = `fireline_csrf=${cookies.get('fireline_csrf')}; fireline_session=${sessionId}`;
  // The sign-in page needs no MongoDB: its forms carry the token bound to the session.
  const page = await request(app).get('/ui/login').set('Cookie', cookie).expect(200);
  return { cookie, csrf: formTokenOf(page.text), sessionId };
}
