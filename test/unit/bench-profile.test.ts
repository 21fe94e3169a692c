import { PERF_HZ, categorize, functionName, parseSamples, profileLines, profiled } from '../../bench/profile';

// Samples as `perf script -F pid,ip,sym,dso` prints them from `perf record -a -g` (perf 6.1, Debian 12):
// the process, then its call chain, innermost first.
const sample = (pid: number, ...frames: string[]) =>
  [`${pid} `, ...frames.map((frame) => `\t    7f052260208e ${frame}`), ''].join('\n');
const express = 'JS:*next /work/main/node_modules/express/lib/router/index.js:177:16 (/tmp/perf-101.map)';
const grpc =
  'JS:~sendMessage /work/main/node_modules/@grpc/grpc-js/build/src/call.js:10:3 (/tmp/perf-101.map)';
const temporal = '(/root/.cache/fireline/bin/temporal)';
const perfScript = [
  sample(0, 'pv_native_safe_halt ([kernel.kallsyms])'),
  sample(101, 'Builtins_LoadIC (/usr/bin/node)', express),
  sample(101, 'JS:*onParserExecute node:_http_server:872:26 (/tmp/perf-101.map)'),
  sample(101, express),
  sample(101, express, 'JS:~handle /work/main/dist/api/app.js:1:1 (/tmp/perf-101.map)'),
  sample(
    101,
    'v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*) (/usr/bin/node)',
    'v8::internal::Heap::Scavenge() (/usr/bin/node)',
    grpc,
  ),
  sample(101, 'finish_task_switch.isra.0 ([kernel.kallsyms])', 'uv__io_poll (/usr/bin/node)'),
  sample(101, 'JS:~ingest /work/main/dist/api/ingest.js:10:3 (/tmp/perf-101.map)'),
  sample(202, 'malloc (/usr/lib/x86_64-linux-gnu/libc.so.6)'),
  sample(
    202,
    `go.temporal.io/server/service/history.(*historyEngineImpl).SignalWorkflowExecution ${temporal}`,
  ),
  sample(202, `runtime.mallocgc ${temporal}`),
  sample(202, `runtime.gcBgMarkWorker ${temporal}`),
  sample(202, `modernc.org/sqlite/lib.Xsqlite3VdbeExec ${temporal}`),
  sample(202, `encoding/json.(*decodeState).object ${temporal}`),
  'a line perf warns with',
].join('\n');

describe('the bench profile', () => {
  it('reads each sample: its process and its call chain', () => {
    const samples = parseSamples(perfScript);
    expect(samples).toHaveLength(14);
    expect(samples[5]).toEqual({
      pid: 101,
      frames: [
        {
          symbol: 'v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*)',
          dso: '/usr/bin/node',
        },
        { symbol: 'v8::internal::Heap::Scavenge()', dso: '/usr/bin/node' },
        {
          symbol: 'JS:~sendMessage /work/main/node_modules/@grpc/grpc-js/build/src/call.js:10:3',
          dso: '/tmp/perf-101.map',
        },
      ],
    });
    expect(parseSamples('Warning: 3 samples lost\n')).toEqual([]);
  });

  it.each([
    ['JS:*next /x/node_modules/express/lib/router/index.js:1:1', '/tmp/perf-1.map', 'JS express'],
    ['JS:*f /x/node_modules/@grpc/grpc-js/build/src/a.js:1:1', '/tmp/perf-1.map', 'JS @grpc/grpc-js'],
    ['JS:*onParserExecute node:_http_server:872:26', '/tmp/perf-1.map', 'JS node:_http_server'],
    ['JS:*pipe node:internal/streams/readable:1:1', '/tmp/perf-1.map', 'JS node:streams'],
    ['JS:~ingest /work/main/dist/api/ingest.js:10:3', '/tmp/perf-1.map', 'JS fireline api'],
    ['[unknown]', '/tmp/perf-7.map', 'JavaScript (unnamed)'],
    ['Builtins_LoadIC', '/usr/bin/node', 'V8 builtins (running JS)'],
    ['v8::internal::Scavenger::ScavengePage(x)', '/usr/bin/node', 'V8 garbage collection'],
    ['v8::internal::Compiler::Compile(x)', '/usr/bin/node', 'V8 runtime'],
    ['llhttp__internal_execute', '/usr/bin/node', 'Node HTTP parser'],
    ['tokio::runtime::park', '/x/@temporalio/core-bridge/releases/x/index.node', 'Temporal core (Rust)'],
    ['finish_task_switch.isra.0', '[kernel.kallsyms]', 'kernel'],
    ['malloc', '/usr/lib/x86_64-linux-gnu/libc.so.6', 'libc'],
    ['runtime.gcDrain', '/bin/temporal', 'Go garbage collection'],
    ['runtime.futex', '/bin/temporal', 'Go runtime'],
    ['modernc.org/sqlite/lib.Xsqlite3VdbeExec', '/bin/temporal', 'Go modernc.org/sqlite/lib'],
    ['encoding/json.(*decodeState).object', '/bin/temporal', 'Go encoding/json'],
    ['sync.(*Mutex).Lock', '/bin/temporal', 'Go sync'],
    ['base_yyparse', '/usr/lib/postgresql/15/bin/postgres', 'postgres'],
  ])('puts %s (in %s) in its package or part: %s', (symbol, dso, category) => {
    expect(categorize(symbol, dso)).toBe(category);
  });

  it('gives each busy component its top categories, busiest first, and leaves out idle time', () => {
    const components = new Map([
      [101, 'API'],
      [202, 'temporal'],
    ]);
    // 7 samples for the API, 6 for temporal, 1 idle, over one second: both under 5 % of the machine.
    expect(profileLines(perfScript, components, 1)).toEqual([]);
    // Over ten samples' time both are busy: the API first, its categories as shares of its own samples.
    const lines = profileLines(perfScript, components, 10 / PERF_HZ);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^ {2}- API \(70% CPU\): JS express 29%, /);
    expect(lines[0]).toContain('kernel 14%');
    expect(lines.join('\n')).not.toContain('pv_native_safe_halt');
    // The lookup and both express samples count for express; the collection for grpc-js, which allocated.
    expect(lines[1]).toBe(
      '    - by the JavaScript that ran it: express 43%, node:_http_server 14%, @grpc/grpc-js 14%, no JavaScript: kernel 14%, fireline api 14%',
    );
    expect(lines[2]).toMatch(/^ {4}- its busiest functions: next \(express\) 29%, /);
    expect(lines[2]).toContain('v8::internal::Scavenger::ScavengePage 14%');
    // Go has no JavaScript: no line for it.
    expect(lines[3]).toMatch(/^ {2}- temporal \(60% CPU\): /);
    expect(lines[3]).toContain('Go garbage collection 17%');
    expect(lines[3]).toContain('Go go.temporal.io/server/service 17%');
    expect(lines[4]).toContain('runtime.gcBgMarkWorker 17%');
  });

  it('names a function as people read it', () => {
    expect(
      functionName('JS:*next /x/node_modules/express/lib/router/index.js:177:16', '/tmp/perf-1.map'),
    ).toBe('next (express)');
    expect(functionName('JS:~ /work/main/dist/api/app.js:3:1', '/tmp/perf-1.map')).toBe(
      '(anonymous) (fireline api)',
    );
    expect(
      functionName(
        'v8::internal::Isolate::CaptureSimpleStackTrace(v8::internal::Handle<x>)',
        '/usr/bin/node',
      ),
    ).toBe('v8::internal::Isolate::CaptureSimpleStackTrace');
    expect(functionName('[unknown]', '/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('[unknown] in libc.so.6');
    expect(functionName('runtime.mallocgc', '/bin/temporal')).toBe('runtime.mallocgc');
  });

  it('adds nothing to a section when the bench ran without a profile', () => {
    expect(profiled([])).toEqual([]);
    expect(profiled(['  - API (50% CPU): kernel 100%'], 'while it ran')).toEqual([
      '- while it ran:',
      '  - API (50% CPU): kernel 100%',
    ]);
  });
});
