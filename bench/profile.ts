import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuByProcess, cpuShares } from './measure';

/**
 * What a measured window cost: each component's share of the CPUs and, with
 * BENCH_PROFILE=1, where each busy component spent it: a system-wide `perf`
 * sample of the window, each sample's function put in a category (a package of
 * JavaScript, V8's garbage collector, the kernel, a Go package…).
 */
export interface CpuWindow {
  end(): Promise<{ cpu: string; profile: string[] }>;
}

/** Samples per second and CPU, each with its call chain: enough for shares to a percent over a few seconds. */
export const PERF_HZ = 249;
/** A component below this share of the machine is not profiled in the results. */
const MIN_SHARE = 0.05;
/** Categories shown per component. */
const TOP = 6;

/**
 * Node flags of the processes the bench profiles: perf names JIT-compiled
 * JavaScript from /tmp/perf-<pid>.map, and interpreted functions get frames of
 * their own in a call chain.
 */
export const PROFILED_NODE_FLAGS = ['--perf-basic-prof-only-functions', '--interpreted-frames-native-stack'];

export function cpuWindow(roles: () => Map<number, string>, profiling: boolean): CpuWindow {
  const before = cpuByProcess(roles());
  const started = Date.now();
  const recording = profiling ? startPerf() : undefined;
  return {
    async end() {
      const seconds = (Date.now() - started) / 1000;
      const after = cpuByProcess(roles());
      const cpu = cpuShares(before, after, seconds);
      if (!recording) return { cpu, profile: [] };
      const samples = await recording.stop();
      // Samples go to the components the CPU line names.
      const components = new Map([...after].map(([pid, { component }]) => [pid, component]));
      return { cpu, profile: profileLines(samples, components, seconds) };
    },
  };
}

/** A section's profile lines under their heading, or nothing when the bench ran without BENCH_PROFILE. */
export function profiled(
  lines: string[],
  heading = "where the CPU went (perf, the busiest components; share of each one's samples)",
): string[] {
  return lines.length ? [`- ${heading}:`, ...lines] : [];
}

interface PerfRecording {
  stop(): Promise<string>;
}

function startPerf(): PerfRecording {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fireline-perf-'));
  const data = path.join(dir, 'perf.data');
  const perf: ChildProcess = spawn('perf', ['record', '-F', String(PERF_HZ), '-a', '-g', '-q', '-o', data], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  perf.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    perf.once('error', (err) => reject(new Error(`BENCH_PROFILE needs Linux perf (${err.message})`)));
    perf.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    async stop() {
      perf.kill('SIGINT');
      const { code, signal } = await exited;
      try {
        // perf writes its data on SIGINT, then ends itself with that signal.
        if (code !== 0 && signal !== 'SIGINT')
          throw new Error(`perf record ended with ${code ?? signal}: ${stderr.trim()}`);
        const script = spawnSync('perf', ['script', '-i', data, '-F', 'pid,ip,sym,dso'], {
          encoding: 'utf8',
          maxBuffer: 1 << 30,
        });
        if (script.status !== 0) throw new Error(`perf script exited ${script.status}: ${script.stderr}`);
        return script.stdout;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Functions shown per component. */
const TOP_FUNCTIONS = 5;

interface ComponentCounts {
  categories: Map<string, number>;
  callers: Map<string, number>;
  functions: Map<string, number>;
}

/**
 * Three lines per busy component, each as shares of the component's own
 * samples: its CPU and the categories of the functions it ran; the JavaScript
 * that ran them (the package of the nearest JavaScript function up the call
 * chain, so a property lookup or a collection counts for the code that caused
 * it); and its busiest functions.
 */
export function profileLines(perfScript: string, components: Map<number, string>, seconds: number): string[] {
  const byComponent = new Map<string, ComponentCounts>();
  const count = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const sample of parseSamples(perfScript)) {
    const [leaf] = sample.frames;
    if (!leaf) continue;
    // pid 0 is the idle task; a process gone before the window ended is not in the map.
    const component = sample.pid === 0 ? 'idle' : (components.get(sample.pid) ?? 'exited process');
    let counts = byComponent.get(component);
    if (!counts)
      byComponent.set(
        component,
        (counts = { categories: new Map(), callers: new Map(), functions: new Map() }),
      );
    const category = categorize(leaf.symbol, leaf.dso);
    count(counts.categories, category);
    const caller = sample.frames.find((frame) => frame.symbol.startsWith('JS:'));
    count(counts.callers, caller ? javascriptSource(caller.symbol) : `no JavaScript: ${category}`);
    count(counts.functions, functionName(leaf.symbol, leaf.dso));
  }
  const capacity = PERF_HZ * seconds * os.cpus().length;
  const shares = (counts: Map<string, number>, samples: number, top: number) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `${name} ${((n / samples) * 100).toFixed(0)}%`)
      .join(', ');
  return [...byComponent]
    .map(([component, counts]) => {
      const samples = [...counts.categories.values()].reduce((a, b) => a + b, 0);
      return { component, ...counts, samples };
    })
    .filter(({ component, samples }) => component !== 'idle' && samples / capacity >= MIN_SHARE)
    .sort((a, b) => b.samples - a.samples)
    .flatMap(({ component, categories, callers, functions, samples }) => [
      `  - ${component} (${((samples / (PERF_HZ * seconds)) * 100).toFixed(0)}% CPU): ${shares(categories, samples, TOP)}`,
      ...([...callers.keys()].some((key) => !key.startsWith('no JavaScript'))
        ? [`    - by the JavaScript that ran it: ${shares(callers, samples, TOP)}`]
        : []),
      `    - its busiest functions: ${shares(functions, samples, TOP_FUNCTIONS)}`,
    ]);
}

/** A sampled function as people read it: C++ without its parameters, JavaScript with its package. */
export function functionName(symbol: string, dso: string): string {
  if (symbol.startsWith('JS:')) {
    const [name = ''] = symbol.slice(3).split(' ');
    const fn = name.replace(/^[*~^+-]/, '') || '(anonymous)';
    return `${fn} (${javascriptSource(symbol)})`;
  }
  if (symbol === '[unknown]') return `[unknown] in ${path.basename(dso)}`;
  const name = symbol.includes('::') ? symbol.replace(/\(.*$/, '') : symbol;
  return name.length > 70 ? `${name.slice(0, 67)}…` : name;
}

interface Frame {
  symbol: string;
  dso: string;
}

/** A sample's header line of `perf script -F pid,ip,sym,dso` with call chains: the process alone. */
const HEADER = /^\s*(\d+)\s*$/;
/** A frame line: the address, the function (may be `[unknown]`), the object file in parentheses. */
const FRAME = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$/;

/** The samples of `perf script -F pid,ip,sym,dso` (recorded with -g): each process and its frames, innermost first. */
export function parseSamples(perfScript: string): { pid: number; frames: Frame[] }[] {
  const samples: { pid: number; frames: Frame[] }[] = [];
  let current: { pid: number; frames: Frame[] } | undefined;
  for (const line of perfScript.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      current = { pid: Number(header[1]), frames: [] };
      samples.push(current);
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame && current) current.frames.push({ symbol: frame[1]!, dso: frame[2]! });
  }
  return samples;
}

/**
 * The category of a sampled function: for JavaScript its package (or
 * Fireline's own directory); for V8 and Node their part; for Go its package;
 * else the library it is in.
 */
export function categorize(symbol: string, dso: string): string {
  if (dso.includes('kernel.kallsyms') || dso.startsWith('[')) return 'kernel';
  if (symbol.startsWith('JS:')) return `JS ${javascriptSource(symbol)}`;
  if (/\/perf-\d+\.map$/.test(dso)) return 'JavaScript (unnamed)';
  if (/(^|\/)node$/.test(dso)) return nodeCategory(symbol);
  if (/\.node$/.test(dso))
    return path.basename(dso) === 'index.node' ? 'Temporal core (Rust)' : path.basename(dso);
  if (/libc\.so|libc-/.test(dso)) return 'libc';
  if (/libstdc\+\+|libgcc/.test(dso)) return 'libstdc++';
  if (symbol === '[unknown]') return `${path.basename(dso)} (unknown)`;
  return goCategory(symbol) ?? path.basename(dso);
}

/** Where a JavaScript function (`JS:<name> <file>:<line>:<column>`) comes from: its package, Node, or Fireline's own directory. */
function javascriptSource(symbol: string): string {
  const where = symbol.slice(symbol.indexOf(' ') + 1);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (pkg) return pkg[1]!;
  if (where.startsWith('node:'))
    return `node:${
      where
        .slice(5)
        .replace(/^internal\//, '')
        .split(/[/:]/)[0]
    }`;
  const fireline = /\/dist\/([^/]+)\//.exec(where);
  if (fireline) return `fireline ${fireline[1]}`;
  if (/workflow-bundle|bundle\.js/.test(where)) return 'workflow bundle';
  return 'other';
}

function nodeCategory(symbol: string): string {
  if (/^Builtins_/.test(symbol)) return 'V8 builtins (running JS)';
  if (
    /Heap|Scavenge|MarkCompact|Marking|Sweeper|GC|Evacuat|Minor|Concurrent(Marking|Sweep)|Barrier|cppgc/.test(
      symbol,
    )
  )
    return 'V8 garbage collection';
  if (/^(v8::|Turboshaft|v8_|_v8)/.test(symbol) || symbol.includes('v8::internal')) return 'V8 runtime';
  if (/^(llhttp|llparse)/.test(symbol)) return 'Node HTTP parser';
  if (/^(uv_|uv__)/.test(symbol)) return 'libuv';
  if (/^node::/.test(symbol)) return 'Node C++';
  if (/ssl|SSL|EVP_|crypto|sha|SHA/.test(symbol)) return 'OpenSSL';
  return 'Node other';
}

function goCategory(symbol: string): string | undefined {
  const slash = symbol.lastIndexOf('/');
  const dot = symbol.indexOf('.', slash + 1);
  if (dot <= 0 || !/^[a-z]/.test(symbol)) return undefined;
  const pkg = symbol.slice(0, dot);
  if (pkg === 'runtime')
    return /^runtime\.(gc|mark|scan|sweep|bgsweep|bgscavenge|heap|wbBuf|greyobject|findObject|spanOf)/.test(
      symbol,
    )
      ? 'Go garbage collection'
      : 'Go runtime';
  const segments = pkg.split('/');
  // A module's first path segment has a dot (github.com/…); the standard library's does not.
  return `Go ${segments.slice(0, segments[0]!.includes('.') ? 3 : 2).join('/')}`;
}
