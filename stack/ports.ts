import net from 'node:net';

/** True when nothing listens on host:port (checked by trying to bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

/** The preferred port if it is free, otherwise any free one; never a port another server holds. */
export async function preferredOrFreePort(preferred: number, host = '127.0.0.1'): Promise<number> {
  if (preferred !== 0 && (await isPortFree(preferred, host))) return preferred;
  return freePort(host);
}

/** True for the errors a server start-up gives when its port was taken between choosing and binding it. */
export function isPortClash(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /address already in use|EADDRINUSE/i.test(text);
}

/**
 * Runs `start` again (up to `attempts` times) when it fails because a port was
 * taken in the moment between choosing a free port and the server binding it:
 * other processes — the Temporal dev server's own internal services among them —
 * take ephemeral ports too.
 */
export async function retryOnPortClash<T>(
  start: (attempt: number) => Promise<T>,
  onRetry: (err: unknown) => void,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(attempt);
    } catch (err) {
      if (attempt >= attempts || !isPortClash(err)) throw err;
      onRetry(err);
    }
  }
}
