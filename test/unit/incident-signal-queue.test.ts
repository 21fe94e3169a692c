import type { AlertEvent } from '../../domain/incident';
import { IncidentSignalQueue, maxSignalBytes, signalChunks } from '../../api/incidents/alert-delivery';
import { fromAlertmanager } from '../../api/alerts/normalize';
import { alertLimits, grafanaWebhookSchema, mapSize } from '../../api/alerts/schemas';

const event = (n: number, action: AlertEvent['action'] = 'trigger', summary = `alert ${n}`): AlertEvent => ({
  eventId: `e${n}`,
  action,
  integration: 'native',
  service: 'svc',
  dedupKey: 'key',
  summary,
  severity: 'error',
  labels: {},
  annotations: {},
  links: [],
  occurredAt: '2026-12-01T00:00:00.000Z',
  receivedAt: '2026-12-01T00:00:00.000Z',
});

/** A send that waits until released, recording what each call carried. */
function gatedSend() {
  const calls: { workflowId: string; events: AlertEvent[]; release: (err?: Error) => void }[] = [];
  const send = (workflowId: string, events: AlertEvent[]) =>
    new Promise<'accepted'>((resolve, reject) => {
      calls.push({ workflowId, events, release: (err) => (err ? reject(err) : resolve('accepted')) });
    });
  return { calls, send };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('IncidentSignalQueue', () => {
  it('sends a lone request at once, and what arrives meanwhile together in the next signal', async () => {
    const { calls, send } = gatedSend();
    const queue = new IncidentSignalQueue(send);
    const first = queue.deliver('wf', [event(1)]);
    await flush();
    expect(calls).toHaveLength(1);
    const rest = [2, 3, 4].map((n) => queue.deliver('wf', [event(n)]));
    await flush();
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    expect(await first).toEqual(['accepted']);
    await flush();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.events.map((e) => e.eventId)).toEqual(['e2', 'e3', 'e4']);
    calls[1]!.release();
    expect(await Promise.all(rest)).toEqual([['accepted'], ['accepted'], ['accepted']]);
  });

  it('does not hold one incident’s requests behind another’s', async () => {
    const { calls, send } = gatedSend();
    const queue = new IncidentSignalQueue(send);
    void queue.deliver('a', [event(1)]);
    void queue.deliver('b', [event(2)]);
    await flush();
    expect(calls.map((c) => c.workflowId)).toEqual(['a', 'b']);
  });

  it('fails only the requests whose events were not all recorded, and goes on with later ones', async () => {
    const { calls, send } = gatedSend();
    const queue = new IncidentSignalQueue(send);
    const first = queue.deliver('wf', [event(1)]);
    await flush();
    // Waiting behind the first: a resolve, then a trigger, which signalChunks puts in separate signals.
    const resolveEvent = queue.deliver('wf', [event(2, 'resolve')]);
    const trigger = queue.deliver('wf', [event(3)]);
    await flush();
    calls[0]!.release();
    await first;
    await flush();
    expect(calls[1]!.events.map((e) => e.eventId)).toEqual(['e2']);
    calls[1]!.release();
    await flush();
    expect(calls[2]!.events.map((e) => e.eventId)).toEqual(['e3']);
    calls[2]!.release(new Error('Temporal unavailable'));
    expect(await resolveEvent).toEqual(['accepted']);
    await expect(trigger).rejects.toThrow('Temporal unavailable');
    // The queue is free again.
    const later = queue.deliver('wf', [event(4)]);
    await flush();
    expect(calls).toHaveLength(4);
    calls[3]!.release();
    expect(await later).toEqual(['accepted']);
  });

  it('answers each request with its own events’ outcomes, in order', async () => {
    const outcomes: Array<'accepted' | 'dropped'> = ['dropped', 'accepted'];
    const queue = new IncidentSignalQueue(async () => outcomes.shift()!);
    // A lone acknowledge (dropped: no incident open), then a request holding two triggers.
    const [ack, triggers] = await Promise.all([
      queue.deliver('wf', [event(1, 'acknowledge')]),
      queue.deliver('wf', [event(2), event(3)]),
    ]);
    expect(ack).toEqual(['dropped']);
    expect(triggers).toEqual(['accepted', 'accepted']);
  });
});

describe('IncidentSignalQueue linger', () => {
  afterEach(() => jest.useRealTimers());

  it('never holds a lone request, however long the linger', async () => {
    jest.useFakeTimers();
    const { calls, send } = gatedSend();
    const queue = new IncidentSignalQueue(send, 60_000);
    const lone = queue.deliver('wf', [event(1)]);
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    expect(await lone).toEqual(['accepted']);
    // The next lone request, once the first has returned, goes at once too.
    const later = queue.deliver('wf', [event(2)]);
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    expect(await later).toEqual(['accepted']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('holds the next signal until the linger after its first request has passed, folding in what comes meanwhile', async () => {
    jest.useFakeTimers();
    const { calls, send } = gatedSend();
    const queue = new IncidentSignalQueue(send, 5);
    void queue.deliver('wf', [event(1)]);
    const waiting = [queue.deliver('wf', [event(2)])];
    calls[0]!.release();
    await jest.advanceTimersByTimeAsync(1);
    // Without the linger, event 2 would be on its way alone by now.
    expect(calls).toHaveLength(1);
    waiting.push(queue.deliver('wf', [event(3)]), queue.deliver('wf', [event(4)]));
    await jest.advanceTimersByTimeAsync(4);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.events.map((e) => e.eventId)).toEqual(['e2', 'e3', 'e4']);
    calls[1]!.release();
    expect(await Promise.all(waiting)).toEqual([['accepted'], ['accepted'], ['accepted']]);
  });

  it('adds no wait when the signal under way took longer than the linger', async () => {
    jest.useFakeTimers();
    const { calls, send } = gatedSend();
    const queue = new IncidentSignalQueue(send, 5);
    void queue.deliver('wf', [event(1)]);
    const second = queue.deliver('wf', [event(2)]);
    await jest.advanceTimersByTimeAsync(10);
    calls[0]!.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    expect(await second).toEqual(['accepted']);
  });
});

describe('signalChunks', () => {
  it('keeps events before the first trigger apart, and splits by size', () => {
    const big = 'x'.repeat(100 * 1024);
    const chunks = signalChunks([
      event(1, 'resolve'),
      event(2, 'trigger', big),
      event(3, 'trigger', big),
      event(4, 'trigger', big),
    ]);
    expect(chunks.map((c) => c.map((e) => e.eventId))).toEqual([['e1'], ['e2', 'e3'], ['e4']]);
  });
});

describe('signalChunks sizes', () => {
  const utf8Bytes = (events: AlertEvent[]) => Buffer.byteLength(JSON.stringify({ events }));

  it('measures events in UTF-8 bytes, as Temporal does: a signal of several stays within its bound', () => {
    // 3 bytes per character in UTF-8, 1 in a JavaScript string's length.
    const wide = '界'.repeat(60 * 1024);
    const chunks = signalChunks([1, 2, 3, 4].map((n) => event(n, 'trigger', wide)));
    for (const chunk of chunks)
      if (chunk.length > 1) expect(utf8Bytes(chunk)).toBeLessThanOrEqual(maxSignalBytes);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps a signal well under 2 MB even for one Grafana alert at every limit the schema allows', () => {
    // The costliest characters: a control character is 6 bytes as JSON (\u0001), one character of a limit.
    const costly = (n: number, tag: string) => `${tag}${'\u0001'.repeat(n - tag.length)}`;
    const special = {
      labels: { instance: costly(alertLimits.maxLabelValueLength, 'i') },
      annotations: { summary: costly(1024, 's'), runbook_url: costly(alertLimits.maxUrlLength, 'b') },
    };
    // What is left of the characters labels and annotations share, spread over every other entry.
    const others = 2 * alertLimits.maxEntries - 3;
    const perEntry = Math.floor(
      (alertLimits.maxLabelsAndAnnotations - mapSize(special.labels, special.annotations)) / others,
    );
    const nameLength = Math.min(alertLimits.maxNameLength, perEntry - 4);
    const entries = (count: number, tag: string) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [
          costly(nameLength, `${tag}${i}.`),
          costly(perEntry - nameLength, 'v'),
        ]),
      );
    const names = Array.from({ length: alertLimits.maxEntries }, (_, i) =>
      costly(alertLimits.maxNameLength, `n${i}.`),
    );
    const url = costly(alertLimits.maxUrlLength, 'u');
    const webhook = grafanaWebhookSchema.parse({
      status: 'firing',
      receiver: costly(255, 'r'),
      groupKey: costly(4096, 'g'),
      externalURL: url,
      alerts: [
        {
          status: 'firing',
          labels: { ...entries(alertLimits.maxEntries - 1, 'l'), ...special.labels },
          annotations: { ...entries(alertLimits.maxEntries - 2, 'a'), ...special.annotations },
          fingerprint: costly(255, 'f'),
          generatorURL: url,
          dashboardURL: url,
          panelURL: url,
          silenceURL: url,
          values: Object.fromEntries(names.map((name) => [name, 1.5e-300])),
        },
      ],
    });
    const events = fromAlertmanager(webhook, 'grafana', new Date());
    const single = utf8Bytes(events);
    // It is larger than a signal's share of several events, so it goes alone, and still far from 2 MB.
    expect(single).toBeGreaterThan(maxSignalBytes);
    expect(single).toBeLessThan(1024 * 1024);
    const chunks = signalChunks([event(1), ...events, event(2)]);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
    for (const chunk of chunks) expect(utf8Bytes(chunk)).toBeLessThan(1024 * 1024);
  });
});
