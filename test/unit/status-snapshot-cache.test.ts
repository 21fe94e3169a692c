import type { StatusSnapshot } from '../../domain/status-page';
import { StatusSnapshotCache } from '../../api/status/snapshot-cache';

const snapshot = (n: number) => ({ generatedAt: String(n) }) as StatusSnapshot;

/** A loader whose answers the test releases one by one. */
function loader() {
  const pending: Array<{ resolve: (s: StatusSnapshot) => void; reject: (e: unknown) => void }> = [];
  const load = jest.fn(
    () => new Promise<StatusSnapshot>((resolve, reject) => pending.push({ resolve, reject })),
  );
  return { load, pending };
}

describe('the status page snapshot cache', () => {
  afterEach(() => jest.useRealTimers());

  it('reads MongoDB once for a crowd, serves the old copy while one refresh runs, and keeps it when that fails', async () => {
    jest.useFakeTimers({ now: 0 });
    const { load, pending } = loader();
    const failures: unknown[] = [];
    const cache = new StatusSnapshotCache(load, {
      freshMs: 30_000,
      lookupTimeoutMs: 1000,
      onRefreshFailed: (err) => failures.push(err),
    });
    const renders = jest.fn((s: StatusSnapshot) => `page ${s.generatedAt}`);

    // The first readers wait for the one read.
    const crowd = Array.from({ length: 100 }, () => cache.rendered('html', renders));
    expect(load).toHaveBeenCalledTimes(1);
    pending.shift()!.resolve(snapshot(1));
    expect(new Set(await Promise.all(crowd))).toEqual(new Set(['page 1']));
    expect(renders).toHaveBeenCalledTimes(1);

    // Fresh: no read at all.
    jest.setSystemTime(29_999);
    await cache.rendered('html', renders);
    expect(load).toHaveBeenCalledTimes(1);

    // Stale: answered at once with the old copy, one refresh behind it.
    jest.setSystemTime(30_000);
    expect(await Promise.all([cache.rendered('html', renders), cache.rendered('html', renders)])).toEqual([
      'page 1',
      'page 1',
    ]);
    expect(load).toHaveBeenCalledTimes(2);

    // MongoDB does not answer: the old copy stays, and no retry for a while.
    pending.shift()!.reject(new Error('connection refused'));
    await jest.advanceTimersByTimeAsync(0);
    expect(failures).toHaveLength(1);
    expect(await cache.rendered('html', renders)).toBe('page 1');
    expect(load).toHaveBeenCalledTimes(2);

    // Later, a refresh that works replaces it.
    jest.setSystemTime(36_000);
    expect(await cache.rendered('html', renders)).toBe('page 1');
    expect(load).toHaveBeenCalledTimes(3);
    pending.shift()!.resolve(snapshot(2));
    await jest.advanceTimersByTimeAsync(0);
    expect(await cache.rendered('html', renders)).toBe('page 2');
  });

  it('times out a read that never answers, and has nothing to serve before the first', async () => {
    jest.useFakeTimers({ now: 0 });
    const { load } = loader();
    const cache = new StatusSnapshotCache(load, {
      freshMs: 30_000,
      lookupTimeoutMs: 1000,
      onRefreshFailed: () => undefined,
    });
    const first = cache.snapshot();
    const failed = expect(first).rejects.toThrow(
      'MongoDB did not answer: the status page (no answer within 1000 ms)',
    );
    await jest.advanceTimersByTimeAsync(1000);
    await failed;
  });

  it('reads again after a write when a read under way may have begun before it', async () => {
    const { load, pending } = loader();
    const cache = new StatusSnapshotCache(load, {
      freshMs: 30_000,
      lookupTimeoutMs: 1000,
      onRefreshFailed: () => undefined,
    });
    const first = cache.snapshot();
    // A write lands while that read is under way: the writer's refresh waits for it, then reads again.
    const afterWrite = cache.refreshAfterWrite();
    pending.shift()!.resolve(snapshot(1));
    expect(await first).toEqual(snapshot(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(load).toHaveBeenCalledTimes(2);
    pending.shift()!.resolve(snapshot(2));
    await afterWrite;
    expect(await cache.snapshot()).toEqual(snapshot(2));
  });
});
