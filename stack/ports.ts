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
