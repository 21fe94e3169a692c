import request from 'supertest';
import { listDevInbox } from '../../infra/dev-inbox';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

// The contact method and notification rule routes against the real MongoDB-wire server, with
// no provider configured and the development inbox on (codes are read from it, as `npm start`
// users do): who may manage whose, the confirm flow, rules and their refusals.
describe('contact method and notification rule routes', () => {
  let env: TestEnv;
  let bob: string;
  let carol: string;
  /** An admin key of a person the catalog makes no admin. */
  let carolAdminKey: string;
  /** An admin person's key without the admin scope. */
  let aliceReader: string;

  beforeAll(async () => {
    env = await createTestEnv({ devInbox: true });
    bob = await env.createKey('bob-laptop', ['incidents:read', 'incidents:write'], { person: 'bob' });
    carol = await env.createKey('carol-laptop', ['incidents:read'], { person: 'carol' });
    carolAdminKey = await env.createKey('carol-admin', ['admin'], { person: 'carol' });
    aliceReader = await env.createKey('alice-reader', ['incidents:read'], { person: 'alice' });
  });
  afterAll(() => env.teardown());

  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const methodsOf = (person: string) => `/v1/people/${person}/contact-methods`;
  const rulesOf = (person: string) => `/v1/people/${person}/notification-rules`;

  /** The code in the newest development inbox message to `person`. */
  async function codeFromInbox(person: string): Promise<string> {
    const kept = (await listDevInbox(env.models)).find((m) => m.incidentId.startsWith(`contact:${person}:`));
    const code = /code is (\d{6})\./.exec(kept?.title ?? '')?.[1];
    if (!code) throw new Error(`no code for ${person} in the development inbox`);
    return code;
  }

  it('says who a key acts as', async () => {
    const me = await request(env.rawApp).get('/v1/me').set(as(bob)).expect(200);
    expect(me.body).toMatchObject({
      person: { id: 'bob', name: 'Bob Example' },
      rights: [{ role: 'responder' }],
      key: { name: 'bob-laptop', scopes: ['incidents:read', 'incidents:write'] },
      managesEveryone: false,
    });
    expect((await request(env.app).get('/v1/me').expect(200)).body.managesEveryone).toBe(true);
    const unlinked = await env.createKey('reader', ['incidents:read']);
    const refused = await request(env.rawApp).get('/v1/me').set(as(unlinked)).expect(403);
    expect(refused.body.error.message).toContain('linked to no person');
  });

  it('adds a number for oneself, confirms it with the code, and sends it a test page', async () => {
    const added = await request(env.rawApp)
      .post(methodsOf('bob'))
      .set(as(bob))
      .send({ type: 'sms', number: '+447700900123', label: 'mobile' })
      .expect(201);
    expect(added.body.method).toMatchObject({ type: 'sms', number: '+447700900123', verified: false });
    expect(added.body.delivery).toEqual({ detail: expect.stringContaining('is not set'), devInbox: true });
    const id = added.body.method.id as string;

    const early = await request(env.rawApp)
      .post(`${methodsOf('bob')}/${id}/test`)
      .set(as(bob))
      .expect(409);
    expect(early.body.error.message).toContain('not confirmed yet');

    const code = await codeFromInbox('bob');
    const wrong = await request(env.rawApp)
      .post(`${methodsOf('bob')}/${id}/confirm`)
      .set(as(bob))
      .send({ code: code === '000000' ? '111111' : '000000' })
      .expect(400);
    expect(wrong.body.error.details).toEqual([
      { field: 'body.code', message: 'wrong code; 4 attempt(s) left' },
    ]);
    const confirmed = await request(env.rawApp)
      .post(`${methodsOf('bob')}/${id}/confirm`)
      .set(as(bob))
      .send({ code })
      .expect(200);
    expect(confirmed.body).toMatchObject({ id, verified: true });

    const test = await request(env.rawApp)
      .post(`${methodsOf('bob')}/${id}/test`)
      .set(as(bob))
      .expect(200);
    expect(test.body).toMatchObject({ devInbox: true });
    const inbox = await listDevInbox(env.models);
    expect(inbox[0]).toMatchObject({ status: 'contact.test', label: 'bob (sms +44 •••• 0123)' });

    await request(env.rawApp)
      .post(`${methodsOf('bob')}/${id}/resend`)
      .set(as(bob))
      .expect(409);

    const own = await request(env.rawApp).get(methodsOf('bob')).set(as(bob)).expect(200);
    expect(own.body.methods).toEqual([
      expect.objectContaining({ id, number: '+447700900123', verified: true }),
    ]);
  });

  it('lets an admin manage anyone, shows them numbers masked, and refuses everyone else', async () => {
    const seen = await request(env.app).get(methodsOf('bob')).expect(200);
    expect(seen.body.methods[0].number).toBe('+44 •••• 0123');

    const refused = await request(env.rawApp).get(methodsOf('bob')).set(as(carol)).expect(403);
    expect(refused.body.error.message).toBe(
      "carol may manage only their own contact methods and rules, not bob's: that takes an admin (Carol Example (carol) may not use admin (their rights: responder of every incident))",
    );
    const keyOnly = await request(env.rawApp).get(methodsOf('bob')).set(as(carolAdminKey)).expect(403);
    expect(keyOnly.body.error.message).toContain('Carol Example (carol) may not use admin');
    const personOnly = await request(env.rawApp).get(methodsOf('bob')).set(as(aliceReader)).expect(403);
    expect(personOnly.body.error.message).toContain('the key "alice-reader" lacks the admin scope');
    await request(env.rawApp)
      .post(methodsOf('bob'))
      .set(as(carol))
      .send({ type: 'email', address: 'carol@example.com' })
      .expect(403);

    const added = await request(env.app)
      .post(methodsOf('carol'))
      .send({ type: 'voice', number: '+14155550123' })
      .expect(201);
    expect(added.body.method.number).toBe('+1 •••• 0123');
    const mine = await request(env.rawApp).get(methodsOf('carol')).set(as(carol)).expect(200);
    expect(mine.body.methods[0].number).toBe('+14155550123');
    await request(env.app)
      .delete(`${methodsOf('carol')}/${added.body.method.id}`)
      .expect(204);
    await request(env.app)
      .delete(`${methodsOf('carol')}/${added.body.method.id}`)
      .expect(404);
  });

  it('answers 404 for a person not in the catalog and 400 naming each bad field', async () => {
    const missing = await request(env.app).get(methodsOf('mallory')).expect(404);
    expect(missing.body.error.message).toBe('No person mallory in the on-call catalog');
    await request(env.app).get(rulesOf('mallory')).expect(404);

    const bad = await request(env.rawApp)
      .post(methodsOf('bob'))
      .set(as(bob))
      .send({ type: 'sms', number: '07700 900123' })
      .expect(400);
    expect(bad.body.error.details).toEqual([
      { field: 'body.number', message: expect.stringContaining('E.164') },
    ]);
    const badType = await request(env.rawApp).post(methodsOf('bob')).set(as(bob)).send({}).expect(400);
    expect(badType.body.error.details.map((d: { field: string }) => d.field)).toEqual(['body.type']);
    const badCode = await request(env.rawApp)
      .post(`${methodsOf('bob')}/cm_nope/confirm`)
      .set(as(bob))
      .send({ code: '12' })
      .expect(400);
    expect(badCode.body.error.details).toEqual([{ field: 'body.code', message: 'must be the 6-digit code' }]);
    const badId = await request(env.rawApp)
      .delete(`${methodsOf('bob')}/42`)
      .set(as(bob))
      .expect(400);
    expect(badId.body.error.details[0].field).toBe('params.methodId');
  });

  it('shows the default rules, replaces them, and refuses a rule on a method that is not yours', async () => {
    const [sms] = (await request(env.rawApp).get(methodsOf('bob')).set(as(bob)).expect(200)).body.methods;
    const defaults = await request(env.rawApp).get(rulesOf('bob')).set(as(bob)).expect(200);
    expect(defaults.body).toEqual({
      personId: 'bob',
      rules: {
        high: [{ methodId: sms.id, afterSeconds: 60 }],
        low: [{ methodId: sms.id, afterSeconds: 300 }],
      },
      isDefault: { high: true, low: true },
    });

    const set = await request(env.rawApp)
      .put(rulesOf('bob'))
      .set(as(bob))
      .send({
        high: [
          { methodId: sms.id, afterSeconds: 600 },
          { methodId: sms.id, afterSeconds: 0 },
        ],
        low: [],
      })
      .expect(200);
    expect(set.body).toEqual({
      personId: 'bob',
      rules: {
        high: [
          { methodId: sms.id, afterSeconds: 0 },
          { methodId: sms.id, afterSeconds: 600 },
        ],
        low: [{ methodId: sms.id, afterSeconds: 300 }],
      },
      isDefault: { high: false, low: true },
    });
    expect((await request(env.rawApp).get(rulesOf('bob')).set(as(bob)).expect(200)).body).toEqual(set.body);

    // carol's own method, named in bob's rules.
    const carols = await request(env.rawApp)
      .post(methodsOf('carol'))
      .set(as(carol))
      .send({ type: 'email', address: 'carol@example.com' })
      .expect(201);
    const foreign = await request(env.rawApp)
      .put(rulesOf('bob'))
      .set(as(bob))
      .send({ high: [{ methodId: carols.body.method.id, afterSeconds: 0 }], low: [] })
      .expect(400);
    expect(foreign.body.error.details).toEqual([
      {
        field: 'body.high.0.methodId',
        message: `${carols.body.method.id} is not one of your contact methods`,
      },
    ]);
    const tooLate = await request(env.rawApp)
      .put(rulesOf('bob'))
      .set(as(bob))
      .send({ high: [{ methodId: sms.id, afterSeconds: 7200 }, { methodId: sms.id }] })
      .expect(400);
    expect(tooLate.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'body.high.0.afterSeconds',
      'body.high.1.afterSeconds',
      'body.low',
    ]);
    await request(env.rawApp).put(rulesOf('bob')).set(as(carol)).send({ high: [], low: [] }).expect(403);
    // What was refused left the rules as they were.
    expect((await request(env.rawApp).get(rulesOf('bob')).set(as(bob)).expect(200)).body).toEqual(set.body);

    // An admin sets anyone's; removing a method removes the rules naming it.
    await request(env.app)
      .put(rulesOf('bob'))
      .send({ high: [{ methodId: sms.id, afterSeconds: 30 }], low: [{ methodId: sms.id, afterSeconds: 0 }] })
      .expect(200);
    await request(env.rawApp)
      .delete(`${methodsOf('bob')}/${sms.id}`)
      .set(as(bob))
      .expect(204);
    expect((await request(env.rawApp).get(rulesOf('bob')).set(as(bob)).expect(200)).body).toEqual({
      personId: 'bob',
      rules: { high: [], low: [] },
      isDefault: { high: true, low: true },
    });
  });
});
