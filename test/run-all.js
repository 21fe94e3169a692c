// @ts-check
// `npm test`: the static checks (test/static-checks.js) and the Jest suite side by side. The checks
// run at a lower CPU priority: Jest's tests spend much of their time waiting on servers and timers,
// and the checks use what the tests leave, instead of holding the suite up for a minute first.
// The checks' output is printed when they end; the exit code is non-zero if either failed.
const { spawn } = require('node:child_process');

/** @param {string} command @param {string[]} args @param {boolean} buffered */
function run(command, args, buffered) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', buffered ? 'pipe' : 'inherit', buffered ? 'pipe' : 'inherit'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      if (buffered) process.stdout.write(output);
      resolve(code ?? 1);
    });
  });
}

const jestArgs = process.argv.slice(2);
Promise.all([
  run('nice', ['-n', '15', 'node', 'test/static-checks.js'], true),
  run('npx', ['jest', ...jestArgs], false),
]).then(([checks, jest]) => {
  if (checks !== 0) process.stdout.write('== the static checks failed (their output is above)\n');
  process.exit(checks !== 0 || jest !== 0 ? 1 : 0);
});
