import request from 'supertest';
import { MAX_FEEDS_PER_KEY } from '../../infra/calendar-feeds';
import { testCatalog } from '../helpers/test-catalog';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// Each calendar feed is a standing secret URL to someone's shifts: one API key
// may have only so many, and the one past the limit is refused, saying so.
describe('calendar feeds per API key', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv({ catalog: testCatalog(600) });
  });
  afterAll(async () => env.teardown());

  it(`lets a key have ${MAX_FEEDS_PER_KEY} feeds and refuses the next with a 409 that says so`, async () => {
    const key = await env.createKey('feeds-bot', ['incidents:read']);
    const other = await env.createKey('other-bot', ['incidents:read']);
    const make = (token: string) =>
      request(env.rawApp)
        .post('/v1/calendar-feeds')
        .set('Authorization', `Bearer ${token}`)
        .send({ personId: 'erin' });
    const made: string[] = [];
    for (let i = 0; i < MAX_FEEDS_PER_KEY; i++) made.push((await make(key).expect(201)).body.feedId);

    const refused = await make(key).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        new RegExp(
          `^this API key has ${MAX_FEEDS_PER_KEY} calendar feeds, the most one key may have: revoke one`,
        ),
      ),
      details: { limit: MAX_FEEDS_PER_KEY },
    });
    expect((await request(env.app).get('/v1/calendar-feeds').expect(200)).body.feeds).toHaveLength(
      MAX_FEEDS_PER_KEY,
    );

    // Another key has its own allowance; revoking a feed frees one.
    await make(other).expect(201);
    await request(env.app).delete(`/v1/calendar-feeds/${made[0]}`).expect(204);
    await make(key).expect(201);
    await make(key).expect(409);
  });
});
