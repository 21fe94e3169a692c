import { execFile } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../config';
import { serverSettings } from '../../stack';
import { nodeMallocEnv } from '../../stack/node-env';
import { onCallCatalog } from '../../config/oncall-catalog';
import { searchAttributeCliTypes, searchAttributes } from '../../workflows/search-attributes';

/**
 * The deployment files (Dockerfile, docker-compose.yml) checked without a
 * Docker engine: `docker-compose config` validates and normalises the compose
 * file. CI installs Debian's docker-compose (.ci/run); without it these tests
 * fail rather than skip.
 */

const root = path.resolve(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  entrypoint?: string[] | string;
  volumes?: (string | { source: string; target: string; read_only?: boolean })[];
  command?: string[] | string;
}

interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; resolves with its exit code, rejects only when it cannot start (ENOENT…). */
function run(file: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: root, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(err.message)); // could not start (ENOENT…) or was killed (timeout)
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** The first line of a file, if it starts with `#!`: the interpreter of a script. */
function shebangOf(file: string): string[] | undefined {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(256);
    const length = readSync(fd, head, 0, head.length, 0);
    const line = head.subarray(0, length).toString('latin1').split('\n')[0] ?? '';
    return line.startsWith('#!') ? line.slice(2).trim().split(/\s+/) : undefined;
  } finally {
    closeSync(fd);
  }
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    try {
      closeSync(openSync(candidate, 'r'));
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

// Interpolated with a bare environment, so what the compose file would take from the
// host shows up empty, and what it hard-codes shows up as written.
const bareEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };

let configRun: RunResult | Error;
let model: ComposeModel | undefined;

beforeAll(async () => {
  try {
    configRun = await run('docker-compose', ['-f', composeFile, 'config'], { env: bareEnv });
  } catch (err) {
    configRun = err as Error;
    return;
  }
  if (configRun.code !== 0) return;
  const version = await run('docker-compose', ['version', '--short'], { env: bareEnv });
  if (/^v?2\./.test(version.stdout.trim())) {
    // Compose v2 prints JSON itself.
    const json = await run('docker-compose', ['-f', composeFile, 'config', '--format', 'json'], {
      env: bareEnv,
    });
    model = JSON.parse(json.stdout) as ComposeModel;
  } else {
    // Compose v1 is a Python program; its interpreter has PyYAML, which turns the YAML into JSON.
    const interpreter = shebangOf(onPath('docker-compose') ?? 'docker-compose');
    if (!interpreter) throw new Error('docker-compose v1 without a #! line: cannot find its Python');
    const [program, ...args] = interpreter as [string, ...string[]];
    const json = await run(
      program,
      [...args, '-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      { input: configRun.stdout },
    );
    if (json.code !== 0) throw new Error(`converting the compose YAML to JSON failed: ${json.stderr}`);
    model = JSON.parse(json.stdout) as ComposeModel;
  }
});

function configRunResult(): RunResult {
  if (configRun instanceof Error) {
    throw new Error(
      `docker-compose could not run (${configRun.message}); install it: apt-get install docker-compose (.ci/run does)`,
    );
  }
  return configRun;
}

function compose(): ComposeModel {
  const result = configRunResult();
  if (!model) throw new Error(`docker-compose config failed:\n${result.stderr}`);
  return model;
}

function service(name: string): ComposeService {
  const found = compose().services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environmentOf(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, value ?? '']),
  );
}

/** Variables Fireline reads: its configuration, and the secrets the catalog and channels name. */
const configKeys = new Set(Object.keys(configSchema.shape));
const channelSecret = /_URL$|_SECRET$|SECRET/;

/** Every `…Env` field of the on-call catalog: the variables notifications read at send time. */
function catalogVariables(): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key.endsWith('Env') && typeof inner === 'string') names.add(inner);
        else visit(inner);
      }
    }
  };
  visit(onCallCatalog);
  return [...names].sort();
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose, with no warning', () => {
    const result = configRunResult();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('runs Temporal with PostgreSQL, its Web UI, MongoDB, the worker and the API', () => {
    expect(Object.keys(compose().services)).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'mongodb',
        'worker',
        'api',
      ]),
    );
    expect(service('postgresql').image).toMatch(/^postgres:16/);
    expect(service('temporal').image).toMatch(/^temporalio\/auto-setup:1\.2\d\.\d+$/);
    expect(environmentOf('temporal')).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d/);
    expect(service('mongodb').image).toMatch(/^mongo:7/);
  });

  it('builds the api and worker from the Dockerfile targets of the same name', () => {
    for (const name of ['api', 'worker']) {
      const build = service(name).build;
      expect(build).toBeDefined();
      expect(path.resolve(root, build!.context)).toBe(root);
      expect(build!.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(build!.target).toBe(name);
    }
  });

  it('points the api and worker at the compose services and starts them after the search attributes exist', () => {
    for (const name of ['api', 'worker']) {
      expect(environmentOf(name)).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        MONGODB_URI: 'mongodb://mongodb:27017/fireline',
        NODE_ENV: 'production',
      });
      expect(service(name).depends_on).toMatchObject({
        'temporal-setup': { condition: 'service_completed_successfully' },
        mongodb: { condition: 'service_healthy' },
      });
    }
    expect(environmentOf('worker').WORKER_METRICS_PORT).toBe('9464');
    expect(environmentOf('api').PORT).toBe('3000');
  });

  it('passes the api and worker only variables Fireline reads', () => {
    const unknown = ['api', 'worker'].flatMap((name) =>
      Object.keys(environmentOf(name))
        .filter((key) => !configKeys.has(key) && !channelSecret.test(key))
        .map((key) => `${name}: ${key}`),
    );
    expect(unknown).toEqual([]);
  });

  it('hands the worker every variable the on-call catalog names', () => {
    const worker = environmentOf('worker');
    expect(catalogVariables().filter((name) => !(name in worker))).toEqual([]);
  });

  it('hard-codes no secret: with nothing set in the environment, every secret is empty', () => {
    const secretLike = /_URL$|SECRET|_KEYS?$|TOKEN|PASSWORD/;
    const notSecret = new Set(['PUBLIC_URL']); // the API's public address
    const hardCoded = ['api', 'worker'].flatMap((name) =>
      Object.entries(environmentOf(name))
        .filter(([key, value]) => secretLike.test(key) && !notSecret.has(key) && value !== '')
        .map(([key]) => `${name}: ${key}`),
    );
    expect(hardCoded).toEqual([]);
    // …and each is taken from the host's environment, not just left empty.
    const text = readFileSync(composeFile, 'utf8');
    for (const name of ['SMTP_URL', 'FIRELINE_ROUTING_KEYS', ...catalogVariables()]) {
      expect(text).toContain(`${name}: \${${name}:-}`);
    }
  });

  it("registers every search attribute Fireline's workflows use, with its type", () => {
    const setup = service('temporal-setup');
    const script = [setup.entrypoint, setup.command].flat().join(' ');
    expect(setup.image).toMatch(/^temporalio\/admin-tools:/);
    expect(setup.depends_on).toMatchObject({ temporal: { condition: 'service_healthy' } });
    expect(script).toContain('temporal operator search-attribute create --namespace default');
    for (const key of Object.values(searchAttributes)) {
      expect(script).toMatch(new RegExp(`--name ${key.name} --type ${searchAttributeCliTypes[key.type]}\\b`));
    }
  });

  it("gives Temporal the dynamic config Fireline's own servers run with", () => {
    const temporal = service('temporal');
    const file = path.join(root, 'deploy', 'temporal-dynamic-config.yaml');
    expect(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/fireline.yaml');
    // docker-compose v1 prints a volume as `source:target:ro`, v2 as an object.
    const mounts = (temporal.volumes ?? []).map((v) =>
      typeof v === 'string' ? v : `${v.source}:${v.target}${v.read_only ? ':ro' : ''}`,
    );
    expect(mounts).toContain(`${file}:/etc/temporal/config/dynamicconfig/fireline.yaml:ro`);
    const text = readFileSync(file, 'utf8');
    // The search-attribute refresh is the CLI dev server's own default, not a server's.
    const { 'system.forceSearchAttributesCacheRefreshOnRead': _devOnly, ...settings } = serverSettings;
    for (const [key, value] of Object.entries(settings)) {
      expect(text).toMatch(new RegExp(`^${key.replace(/\./g, '\\.')}:\n  - value: ${String(value)}$`, 'm'));
    }
  });

  it('keeps data in named volumes', () => {
    expect(Object.keys(compose().volumes ?? {})).toEqual(
      expect.arrayContaining(['postgresql-data', 'mongodb-data']),
    );
  });
});

interface Stage {
  name: string | undefined;
  from: string;
  instructions: string[];
}

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments dropped). */
function dockerfileStages(): Stage[] {
  const text = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2]?.toLowerCase(), instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/** A stage's instructions including those of the stages it builds on, base first. */
function effectiveInstructions(stages: Stage[], name: string): string[] {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return [];
  return [...effectiveInstructions(stages, stage.from.toLowerCase()), ...stage.instructions];
}

describe('Dockerfile', () => {
  it('has a build stage and the api and worker targets on Node 20', () => {
    const stages = dockerfileStages();
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'api', 'worker']));
    const build = stages.find((s) => s.name === 'build')!;
    expect(build.instructions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^RUN npm ci\b/),
        expect.stringMatching(/npm run build/),
      ]),
    );
    expect(build.instructions.join('\n')).toMatch(/npm prune --omit=dev/);
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/node:20-bookworm-slim/);
  });

  it('runs the api and worker as the node user in production mode', () => {
    const stages = dockerfileStages();
    const expected = { api: 'dist/api/main.js', worker: 'dist/worker/main.js' };
    for (const [name, entry] of Object.entries(expected)) {
      const instructions = effectiveInstructions(stages, name);
      const users = instructions.filter((i) => /^USER\s/i.test(i));
      expect(users.at(-1)).toBe('USER node');
      expect(instructions).toContain('ENV NODE_ENV=production');
      expect(instructions.filter((i) => /^CMD\s/i.test(i)).at(-1)).toBe(`CMD ["node", "${entry}"]`);
    }
    const api = effectiveInstructions(stages, 'api');
    expect(api).toContain('EXPOSE 3000');
    expect(api.find((i) => /^HEALTHCHECK\s/i.test(i))).toMatch(/\/healthz/);
  });

  it('runs the api and worker with the allocator settings the bench measures (stack/node-env.ts)', () => {
    const stages = dockerfileStages();
    for (const name of ['api', 'worker']) {
      const set = new Map(
        effectiveInstructions(stages, name)
          .filter((i) => /^ENV\s/i.test(i))
          .flatMap((i) => i.replace(/^ENV\s+/i, '').split(/\s+/))
          .map((pair) => pair.split('=') as [string, string]),
      );
      for (const [variable, value] of Object.entries(nodeMallocEnv)) expect(set.get(variable)).toBe(value);
    }
  });

  it('never copies .env files into an image', () => {
    const copies = dockerfileStages()
      .flatMap((s) => s.instructions)
      .filter((i) => /^(COPY|ADD)\s/i.test(i));
    expect(copies.filter((i) => /\.env\b/.test(i))).toEqual([]);
    // `COPY . .` in the build stage: .dockerignore must keep .env files out of the context.
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', '.env.*', '**/.env', '**/.env.*']));
  });
});
