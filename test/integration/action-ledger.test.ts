import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { defaultActions, type ActionImpl } from '../../activities/actions';
import { ledgerClaimId } from '../../activities/action-ledger';
import { createRunbookActivities } from '../../activities/runbooks';
import type { ActionRequest, RunbookMeta } from '../../domain/runbook';
import { EgressPolicy } from '../../infra/egress';
import type { Models } from '../../infra/models';
import { eventually, HttpReceiver } from '../helpers/http-receiver';
import { createTestEnv, type TestEnv } from '../helpers/test-env';

const meta = {
  id: 'ledger-test',
  title: 'Ledger test',
  description: 'Calls the receiver',
  version: '1.0.0',
  owner: 'sre',
  parameters: { type: 'object' },
  secrets: ['TARGET_URL'],
  mode: 'automatic',
} satisfies RunbookMeta;

// The action ledger against the real MongoDB-wire server: every side effect of
// a runbook (an action, or an rb.http POST/PUT/PATCH/DELETE) is sent at most
// once per idempotency key, whatever happens to the attempts that send it.
describe('action ledger: runbook side effects never act twice', () => {
  let env: TestEnv;
  let receiver: HttpReceiver;
  let resetServer: http.Server;
  let resets = 0;
  let n = 0;

  beforeAll(async () => {
    env = await createTestEnv();
    receiver = await new HttpReceiver().start();
    // Reads the request, then drops the connection without an answer.
    resetServer = http.createServer((req) => {
      req.resume();
      req.on('end', () => {
        resets += 1;
        req.socket.destroy();
      });
    });
    await new Promise<void>((resolve) => resetServer.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    resetServer?.closeAllConnections();
    await new Promise((resolve) => (resetServer ? resetServer.close(resolve) : resolve(undefined)));
    await receiver?.stop();
    await env?.teardown();
  });

  function activities(
    targetUrl: string,
    options: {
      models?: Pick<Models, 'ActionLedger' | 'DrillReport'>;
      actions?: Record<string, ActionImpl>;
    } = {},
  ) {
    return createRunbookActivities({
      models: options.models ?? env.models,
      actions: { ...defaultActions(), ...options.actions },
      secrets: { TARGET_URL: targetUrl },
      runbookMetas: [meta],
      egress: new EgressPolicy({ hosts: ['127.0.0.1'], cidrs: [] }),
      ledgerWaitMs: 5_000,
    });
  }

  const webhook = (key: string, idempotent = false): ActionRequest => ({
    runbookId: meta.id,
    action: 'webhook',
    input: { urlEnv: 'TARGET_URL', body: { key } },
    idempotencyKey: key,
    ...(idempotent ? { idempotent: true } : {}),
  });
  const fresh = (name: string) => `LEDGER-${++n}.rb1:${name}`;
  const sent = (path: string, key: string) =>
    receiver.to(path).filter((r) => r.headers['idempotency-key'] === key);

  it('lets only the attempt whose ledger insert succeeds act; the other answers with its result', async () => {
    receiver.delays.set('/race', 500);
    const rb = activities(receiver.url('/race'));
    const key = fresh('race');
    const results = await Promise.all([rb.runAction(webhook(key)), rb.runAction(webhook(key))]);
    expect(sent('/race', key)).toHaveLength(1);
    expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
    expect(results[0].summary).toBe(results[1].summary);
  });

  it('answers an attempt that starts while another is acting with that one’s result, not with an unknown outcome', async () => {
    receiver.delays.set('/late', 500);
    const rb = activities(receiver.url('/late'));
    const key = fresh('late');
    const first = rb.runAction(webhook(key));
    // The first attempt's claim is in the ledger and its request on the way when the second starts.
    await eventually(() => expect(sent('/late', key)).toHaveLength(1), 10_000, 20);
    const second = await rb.runAction(webhook(key));
    expect(second.replayed).toBe(true);
    expect(second.summary).toBe((await first).summary);
    expect(sent('/late', key)).toHaveLength(1);
  });

  it('leaves the outcome unknown after a 5xx: not re-sent by the retry, which says what to check', async () => {
    receiver.failures.set('/five', 503);
    const rb = activities(receiver.url('/five'));
    const key = fresh('scale');
    for (let attempt = 1; attempt <= 2; attempt++) {
      const failure = await rb.runAction(webhook(key)).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'ActionOutcomeUnknown', nonRetryable: true });
      expect((failure as Error).message).toContain(
        `check the receiver of TARGET_URL before retrying (idempotency key ${key})`,
      );
    }
    expect(sent('/five', key)).toHaveLength(1);
    expect(await env.models.ActionLedger.findById(key).lean()).toMatchObject({ state: 'unknown' });
  });

  it('leaves the outcome unknown after a reset once the request was sent', async () => {
    const rb = activities(`http://127.0.0.1:${(resetServer.address() as AddressInfo).port}/reset`);
    const key = fresh('reset');
    const before = resets;
    for (let attempt = 1; attempt <= 2; attempt++) {
      await expect(rb.runAction(webhook(key))).rejects.toMatchObject({ type: 'ActionOutcomeUnknown' });
    }
    expect(resets - before).toBe(1);
  });

  it('sends again after a failure that says nothing was sent (connection refused)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const rb = activities(`http://127.0.0.1:${port}/gone`);
    const key = fresh('refused');
    const failure = await rb.runAction(webhook(key)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toMatchObject({ type: 'ActionOutcomeUnknown' });
    expect(await env.models.ActionLedger.findById(key).lean()).toMatchObject({ state: 'failed' });
    // The retry claims it anew (a claim entry is its lock) and acts.
    const retry = activities(receiver.url('/after-refused'));
    await expect(retry.runAction(webhook(key))).resolves.toMatchObject({ replayed: false });
    expect(sent('/after-refused', key)).toHaveLength(1);
    expect(await env.models.ActionLedger.findById(ledgerClaimId(key, 2)).lean()).toMatchObject({
      state: 'claim',
    });
  });

  it('re-sends an idempotent action after a 5xx, with the same key', async () => {
    const rb = activities(receiver.url('/flaky'));
    const key = fresh('roll back');
    receiver.failures.set('/flaky', 502);
    await expect(rb.runAction(webhook(key, true))).rejects.not.toMatchObject({
      type: 'ActionOutcomeUnknown',
    });
    receiver.failures.delete('/flaky');
    await expect(rb.runAction(webhook(key, true))).resolves.toMatchObject({ replayed: false });
    expect(sent('/flaky', key)).toHaveLength(2);
  });

  it('sends an rb.http POST at most once, with an Idempotency-Key header', async () => {
    const rb = activities(receiver.url('/unused'));
    const key = fresh('trigger failover');
    const step = { method: 'POST' as const, url: receiver.url('/failover'), body: {}, idempotencyKey: key };
    const first = await rb.runbookHttp(step);
    const second = await rb.runbookHttp(step);
    expect(first).toMatchObject({ ok: true, status: 200 });
    expect(second).toMatchObject({ ok: true, status: 200, replayed: true });
    expect(sent('/failover', key)).toHaveLength(1);

    // A 5xx answer: the outcome is unknown and the retry does not send it again.
    receiver.failures.set('/failover-5xx', 500);
    const failing = { ...step, url: receiver.url('/failover-5xx'), idempotencyKey: fresh('failover 5xx') };
    for (let attempt = 1; attempt <= 2; attempt++) {
      await expect(rb.runbookHttp(failing)).rejects.toMatchObject({
        type: 'ActionOutcomeUnknown',
        nonRetryable: true,
      });
    }
    expect(sent('/failover-5xx', failing.idempotencyKey)).toHaveLength(1);
  });

  it('costs a first attempt two ledger round trips, its claim and its report; a retry reads first', async () => {
    const real = env.models.ActionLedger;
    const calls: string[] = [];
    const ledger = {
      findById: (id: string) => (calls.push('findById'), real.findById(id)),
      create: (doc: unknown) => (calls.push('create'), real.create(doc)),
      updateOne: (...args: Parameters<typeof real.updateOne>) => (
        calls.push('updateOne'),
        real.updateOne(...args)
      ),
    };
    const models = { ActionLedger: ledger, DrillReport: env.models.DrillReport } as unknown as Pick<
      Models,
      'ActionLedger' | 'DrillReport'
    >;
    const rb = activities(receiver.url('/counted'), { models });
    const key = fresh('counted');
    await expect(rb.runAction(webhook(key))).resolves.toMatchObject({ replayed: false });
    expect(calls).toEqual(['create', 'updateOne']);
    expect(await real.findById(key).lean()).toMatchObject({ state: 'completed' });

    // A retry (attempt 2) of the completed action reads the entry and answers from it.
    calls.length = 0;
    const retry = new MockActivityEnvironment({ attempt: 2 });
    await expect(
      retry.run((request: ActionRequest) => rb.runAction(request), webhook(key)),
    ).resolves.toMatchObject({ replayed: true, attempt: 2 });
    expect(calls).toEqual(['findById']);
    expect(sent('/counted', key)).toHaveLength(1);
  });

  describe('a slow MongoDB', () => {
    /** The real ledger, its inserts held for `holdMs` (a slow or failing-over MongoDB). */
    function slowLedger(holdMs: number, onInsert: (phase: 'start' | 'end') => void) {
      const real = env.models.ActionLedger;
      const ledger = {
        findById: (id: string) => real.findById(id),
        updateOne: (...args: Parameters<typeof real.updateOne>) => real.updateOne(...args),
        create: async (doc: unknown) => {
          onInsert('start');
          await delay(holdMs);
          const created = await real.create(doc);
          onInsert('end');
          return created;
        },
      };
      return { ActionLedger: ledger, DrillReport: env.models.DrillReport } as unknown as Pick<
        Models,
        'ActionLedger' | 'DrillReport'
      >;
    }

    it('heartbeats within its heartbeat timeout of the start and while a ledger write is slow', async () => {
      const events: Array<[string, number]> = [];
      const started = Date.now();
      const models = slowLedger(1_200, (phase) => events.push([`insert ${phase}`, Date.now()]));
      const acted: string[] = [];
      const rb = activities(receiver.url('/unused'), {
        models,
        actions: { record: async (_input, ctx) => (acted.push(ctx.idempotencyKey), { summary: 'recorded' }) },
      });
      const activity = new MockActivityEnvironment({ heartbeatTimeoutMs: 300 });
      activity.on('heartbeat', () => events.push(['heartbeat', Date.now()]));
      const key = fresh('record');
      await activity.run((request: ActionRequest) => rb.runAction(request), {
        runbookId: meta.id,
        action: 'record',
        input: {},
        idempotencyKey: key,
      });
      const at = (name: string) => events.find(([e]) => e === name)![1];
      const beats = events.filter(([e]) => e === 'heartbeat').map(([, t]) => t);
      // The heartbeat timeout counts from the start, the slow insert's first.
      expect((beats[0] ?? Infinity) - started).toBeLessThan(300);
      expect(
        beats.filter((t) => t > at('insert start') && t < at('insert end')).length,
      ).toBeGreaterThanOrEqual(3);
      expect(acted).toEqual([key]);
    });

    it('does not act when the attempt timed out during a slow ledger write, and hands the action back', async () => {
      let insertStarted: () => void = () => undefined;
      const inserting = new Promise<void>((resolve) => (insertStarted = resolve));
      const models = slowLedger(800, (phase) => phase === 'start' && insertStarted());
      const acted: string[] = [];
      const rb = activities(receiver.url('/unused'), {
        models,
        actions: { record: async (_input, ctx) => (acted.push(ctx.idempotencyKey), { summary: 'recorded' }) },
      });
      const activity = new MockActivityEnvironment({ heartbeatTimeoutMs: 300 });
      const key = fresh('record timed out');
      const run = activity
        .run((request: ActionRequest) => rb.runAction(request), {
          runbookId: meta.id,
          action: 'record',
          input: {},
          idempotencyKey: key,
        })
        .catch((err: unknown) => err);
      await inserting;
      // What the worker does when the server answers a heartbeat with "timed out".
      activity.cancel('TIMED_OUT');
      expect(await run).toBeInstanceOf(Error);
      expect(acted).toEqual([]);
      // Nothing was sent: the next attempt may act.
      expect(await env.models.ActionLedger.findById(key).lean()).toMatchObject({ state: 'failed' });
      await expect(
        activities(receiver.url('/unused'), {
          actions: { record: async () => (acted.push('retry'), { summary: 'recorded' }) },
        }).runAction({ runbookId: meta.id, action: 'record', input: {}, idempotencyKey: key }),
      ).resolves.toMatchObject({ replayed: false });
      expect(acted).toEqual(['retry']);
    });
  });
});
