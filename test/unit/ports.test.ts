import net from 'node:net';
import { freePort, isPortFree, preferredOrFreePort } from '../../stack/ports';

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
