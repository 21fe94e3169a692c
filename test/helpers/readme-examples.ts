import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** The bash blocks of one README section, from its heading to a marker after it. */
export function bashBlocks(readme: string, heading: string, endMarker: string): string[] {
  const start = readme.indexOf(`\n${heading}`);
  const end = readme.indexOf(endMarker, start);
  if (start < 0 || end < 0) throw new Error(`README has no section "${heading}" ending at "${endMarker}"`);
  return [...readme.slice(start, end).matchAll(/^```bash\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** Runs a script as the README's reader would, with `bash -euo pipefail`; throws with its output if it fails. */
export async function runBash(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) =>
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', script],
        { env: { ...process.env, ...env } },
        (err, out, errOut) =>
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout: out,
            stderr: errOut,
          }),
      ),
  );
  if (code !== 0) throw new Error(`exit ${code}\n${stdout}\n${stderr}`);
  return stdout;
}

/** The API listening on a free loopback port, as curl in the README examples reaches it. */
export async function listenLocally(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
