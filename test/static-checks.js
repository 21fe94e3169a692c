// @ts-check
// The checks `npm test` runs before Jest (type check, lint, import cycles, the Go tests), side by
// side: each is mostly one process on one core. Each check's output is printed when it ends, so the
// outputs do not interleave; the exit code is non-zero if any check failed.
const { spawn } = require('node:child_process');

// ESLint first: it takes longest. Prettier is a check of its own so it runs beside ESLint, not after it.
const checks = ['lint:code', 'typecheck', 'lint:format', 'check:cycles', 'test:go'];

/** @param {string} script @returns {Promise<{ script: string; code: number; seconds: number; output: string }>} */
function run(script) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const result = { script, code: code ?? 1, seconds: (Date.now() - started) / 1000, output };
      process.stdout.write(
        `== ${script}: ${result.code === 0 ? 'passed' : `failed (exit ${result.code})`} in ${result.seconds.toFixed(1)} s\n${output}`,
      );
      resolve(result);
    });
  });
}

process.stdout.write(`== running ${checks.join(', ')} side by side\n`);
Promise.all(checks.map(run)).then((results) => {
  const failed = results.filter((r) => r.code !== 0).map((r) => r.script);
  if (failed.length > 0) {
    process.stdout.write(`== failed: ${failed.join(', ')}\n`);
    process.exit(1);
  }
});
