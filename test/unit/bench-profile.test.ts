import { categorize, functionName, parseSample, profileLines, profiled } from '../../bench/profile';

// Lines as `perf script -F pid,ip,sym,dso` prints them (perf 6.1, Debian 12).
const perfScript = [
  '    0  ffffffff8224215b pv_native_safe_halt ([kernel.kallsyms])',
  '  101      7f052260208e Builtins_Call_ReceiverIsNullOrUndefined (/usr/bin/node)',
  '  101      7f94dc005ee0 JS:*onParserExecute node:_http_server:872:26 (/tmp/perf-101.map)',
  '  101      7f94dc005ee4 JS:*next /work/main/node_modules/express/lib/router/index.js:177:16 (/tmp/perf-101.map)',
  '  101      7f94dc005ee4 JS:*next /work/main/node_modules/express/lib/router/index.js:177:16 (/tmp/perf-101.map)',
  '  101      2145d0b v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*) (/usr/bin/node)',
  '  101  ffffffff813aecd3 finish_task_switch.isra.0 ([kernel.kallsyms])',
  '  101      7f94dc005ee4 JS:~ingest /work/main/dist/api/ingest.js:10:3 (/tmp/perf-101.map)',
  '  202      7fdce9eb8a74 malloc (/usr/lib/x86_64-linux-gnu/libc.so.6)',
  '  202      55628572bca7 go.temporal.io/server/service/history.(*historyEngineImpl).SignalWorkflowExecution (/root/.cache/fireline/bin/temporal)',
  '  202      55628572bca8 runtime.mallocgc (/root/.cache/fireline/bin/temporal)',
  '  202      55628572bca9 runtime.gcBgMarkWorker (/root/.cache/fireline/bin/temporal)',
  '  202      55628572bcaa modernc.org/sqlite/lib.Xsqlite3VdbeExec (/root/.cache/fireline/bin/temporal)',
  '  202      55628572bcab encoding/json.(*decodeState).object (/root/.cache/fireline/bin/temporal)',
  'a line perf warns with',
].join('\n');

describe('the bench profile', () => {
  it('reads the process, function and object file of a sample', () => {
    expect(
      parseSample(' 9 7f0 v8::base::ieee754::(anonymous namespace)::__ieee754_rem_pio2 (/usr/bin/node)'),
    ).toEqual({
      pid: 9,
      symbol: 'v8::base::ieee754::(anonymous namespace)::__ieee754_rem_pio2',
      dso: '/usr/bin/node',
    });
    expect(parseSample('Warning: 3 samples lost')).toBeUndefined();
  });

  it('puts each function in its package or part', () => {
    expect(categorize('JS:*next /x/node_modules/express/lib/router/index.js:1:1', '/tmp/perf-1.map')).toBe(
      'JS express',
    );
    expect(categorize('JS:*f /x/node_modules/@grpc/grpc-js/build/src/a.js:1:1', '/tmp/perf-1.map')).toBe(
      'JS @grpc/grpc-js',
    );
    expect(categorize('JS:*onParserExecute node:_http_server:872:26', '/tmp/perf-1.map')).toBe(
      'JS node:_http_server',
    );
    expect(categorize('JS:*pipe node:internal/streams/readable:1:1', '/tmp/perf-1.map')).toBe(
      'JS node:streams',
    );
    expect(categorize('JS:~ingest /work/main/dist/api/ingest.js:10:3', '/tmp/perf-1.map')).toBe(
      'JS fireline api',
    );
    expect(categorize('[unknown]', '/tmp/perf-7.map')).toBe('JavaScript (unnamed)');
    expect(categorize('Builtins_LoadIC', '/usr/bin/node')).toBe('V8 builtins (running JS)');
    expect(categorize('v8::internal::Scavenger::ScavengePage(x)', '/usr/bin/node')).toBe(
      'V8 garbage collection',
    );
    expect(categorize('v8::internal::Compiler::Compile(x)', '/usr/bin/node')).toBe('V8 runtime');
    expect(categorize('llhttp__internal_execute', '/usr/bin/node')).toBe('Node HTTP parser');
    expect(categorize('tokio::runtime::park', '/x/@temporalio/core-bridge/releases/x/index.node')).toBe(
      'Temporal core (Rust)',
    );
    expect(categorize('finish_task_switch.isra.0', '[kernel.kallsyms]')).toBe('kernel');
    expect(categorize('malloc', '/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('libc');
    expect(categorize('runtime.gcDrain', '/bin/temporal')).toBe('Go garbage collection');
    expect(categorize('runtime.futex', '/bin/temporal')).toBe('Go runtime');
    expect(categorize('modernc.org/sqlite/lib.Xsqlite3VdbeExec', '/bin/temporal')).toBe(
      'Go modernc.org/sqlite/lib',
    );
    expect(categorize('encoding/json.(*decodeState).object', '/bin/temporal')).toBe('Go encoding/json');
    expect(categorize('sync.(*Mutex).Lock', '/bin/temporal')).toBe('Go sync');
    expect(categorize('base_yyparse', '/usr/lib/postgresql/15/bin/postgres')).toBe('postgres');
  });

  it('gives each busy component its top categories, busiest first, and leaves out idle time', () => {
    const roles = new Map([
      [101, 'API'],
      [202, 'temporal'],
    ]);
    // 7 samples for the API, 6 for temporal, 1 idle, over one second at 499 Hz: both under 5 % of a CPU.
    expect(profileLines(perfScript, roles, 1)).toEqual([]);
    // Over 0.01 s both are busy: the API first, its categories as shares of its own samples.
    const lines = profileLines(perfScript, roles, 0.01);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ {2}- API \(140% CPU\): JS express 29%, /);
    expect(lines[0]).toContain('kernel 14%');
    expect(lines.join('\n')).not.toContain('pv_native_safe_halt');
    expect(lines[1]).toMatch(/^ {4}- its busiest functions: next \(express\) 29%, /);
    expect(lines[1]).toContain('v8::internal::Scavenger::ScavengePage 14%');
    expect(lines[2]).toMatch(/^ {2}- temporal \(120% CPU\): /);
    expect(lines[2]).toContain('Go garbage collection 17%');
    expect(lines[2]).toContain('Go go.temporal.io/server/service 17%');
    expect(lines[3]).toContain('runtime.gcBgMarkWorker 17%');
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
