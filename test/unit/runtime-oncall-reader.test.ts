import { RuntimeOnCallReader, type RuntimeOnCallModels } from '../../infra/runtime-oncall';

/** Models whose every query answers an empty list, or never while `state.hung`: a MongoDB gone away. */
function switchableModels(state: { hung: boolean; reads: number }): RuntimeOnCallModels {
  const query: object = new Proxy(function query() {}, {
    get: (_target, property) =>
      property === 'then'
        ? (resolve: (value: unknown[]) => void) => {
            if (!state.hung) resolve([]);
          }
        : query,
    apply: () => query,
  });
  return new Proxy({} as RuntimeOnCallModels, {
    get: () => {
      state.reads += 1;
      return query;
    },
  });
}

describe('RuntimeOnCallReader.forPage', () => {
  it('waits for one read at a time, and on none while MongoDB is away once a copy is known', async () => {
    const state = { hung: false, reads: 0 };
    const reader = new RuntimeOnCallReader(switchableModels(state), { timeoutMs: 200 });
    expect((await reader.forPage(0)).schedules).toEqual([]);

    // A read under way (MongoDB slow): the page that started it waits, the next takes the copy.
    state.hung = true;
    let firstDone = false;
    const first = reader.forPage(0).then(() => (firstDone = true));
    await reader.forPage(0);
    expect(firstDone).toBe(false);
    await first;
    expect(reader.answered).toBe(false);

    // It went unanswered: no page asks MongoDB (keepReading does), so none waits on it.
    const reads = state.reads;
    await reader.forPage(0);
    await reader.forPage(0);
    expect(state.reads).toBe(reads);

    // Answered again (a background read): pages read afresh.
    state.hung = false;
    await reader.recent(0);
    expect(reader.answered).toBe(true);
    await reader.forPage(0);
    expect(state.reads).toBeGreaterThan(reads);
  });

  it('waits for a read while it knows no copy at all', async () => {
    const state = { hung: true, reads: 0 };
    const reader = new RuntimeOnCallReader(switchableModels(state), { timeoutMs: 100 });
    expect((await reader.forPage(0)).schedules).toEqual([]);
    // It asked MongoDB, and waited for its answer until the timeout.
    expect(state.reads).toBeGreaterThan(0);
    expect(reader.answered).toBe(false);
  });
});
