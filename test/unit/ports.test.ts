import net from 'node:net';
import { freePort, isPortFree, preferredOrFreePort, retryOnPortClash } from '../../stack/ports';

describe('port selection', () => {
  it('never hands out a port another server holds', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const taken = (server.address() as net.AddressInfo).port;
    try {
      expect(await isPortFree(taken)).toBe(false);
      const chosen = await preferredOrFreePort(taken);
      expect(chosen).not.toBe(taken);
      expect(await isPortFree(chosen)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps the preferred port when it is free', async () => {
    const port = await freePort();
    expect(await preferredOrFreePort(port)).toBe(port);
  });
});

describe('retryOnPortClash', () => {
  const clash = new Error('listen tcp 127.0.0.1:38233: bind: address already in use');

  it('starts again with new ports when the chosen port was taken meanwhile', async () => {
    const retried: unknown[] = [];
    const attempts: number[] = [];
    const result = await retryOnPortClash(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw clash;
        return 'started';
      },
      (err) => retried.push(err),
    );
    expect(result).toBe('started');
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([clash, clash]);
  });

  it('gives up after the last attempt with the clash itself', async () => {
    await expect(
      retryOnPortClash(
        () => Promise.reject(clash),
        () => undefined,
        2,
      ),
    ).rejects.toBe(clash);
  });

  it('does not retry other start-up failures', async () => {
    let calls = 0;
    const failure = new Error('the Temporal dev server exited during start-up: bad flag');
    await expect(
      retryOnPortClash(
        () => {
          calls++;
          return Promise.reject(failure);
        },
        () => undefined,
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
