// @ts-check
const path = require('node:path');

/** Prints the slowest test files after a run: where the suite's time goes. */
class SlowestFilesReporter {
  /** @param {unknown} _globalConfig @param {{ count?: number }} options */
  constructor(_globalConfig, options = {}) {
    this.count = options.count ?? 15;
  }

  /** @param {unknown} _contexts @param {import('@jest/test-result').AggregatedResult} results */
  onRunComplete(_contexts, results) {
    const files = results.testResults
      .map((r) => ({
        file: path.relative(process.cwd(), r.testFilePath),
        ms: r.perfStats.end - r.perfStats.start,
      }))
      .sort((a, b) => b.ms - a.ms);
    if (files.length < 2) return;
    const total = files.reduce((sum, f) => sum + f.ms, 0);
    const lines = files
      .slice(0, this.count)
      .map((f) => `${(f.ms / 1000).toFixed(1).padStart(7)} s  ${f.file}`);
    process.stderr.write(
      `\nSlowest ${lines.length} of ${files.length} test files (${(total / 1000).toFixed(0)} s in all files, across workers):\n${lines.join('\n')}\n`,
    );
  }
}

module.exports = SlowestFilesReporter;
