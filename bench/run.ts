import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { startApis, startServers, type Bench } from './environment';
import { log } from './measure';
import { alertBurst } from './scenarios/alert-burst';
import { duplicateStorms } from './scenarios/duplicate-storm';
import { groupedStorm } from './scenarios/grouped-storm';
import { incidentCost } from './scenarios/incident-cost';
import { duplicateIngestion, newIncidentIngestion } from './scenarios/ingestion';
import { massOutage } from './scenarios/mass-outage';
import { postmortemGeneration } from './scenarios/postmortem-generation';
import { runbookStepOverhead } from './scenarios/runbook-steps';
import { timerAccuracy } from './scenarios/timer-accuracy';
import { workerColdStart } from './scenarios/worker-cold-start';
import { workerMemory } from './scenarios/worker-memory';
import { benchSettings } from './settings';

/**
 * `npm run bench`: starts a throw-away Temporal dev server and MongoDB-wire
 * server, runs Fireline's worker and API as separate processes (as deployed),
 * measures each scenario of issue 6 against a raw-Temporal baseline, and
 * writes bench/RESULTS.md. Knobs: BENCH_SECONDS (sustained runs, default 60),
 * BENCH_CONCURRENCY (in-flight requests, default 32), BENCH_OPEN_INCIDENTS
 * (default 1000), BENCH_TIMER_SECONDS (default 120), BENCH_MASS_INCIDENTS
 * (default 10000); see settings.ts.
 */
async function main(): Promise<void> {
  const servers = await startServers(benchSettings(process.env));
  try {
    const bench = await startApis(servers);
    await runScenarios(bench);
    await writeResults(bench);
  } finally {
    await servers.stop();
  }
}

/**
 * The scenarios in their order: each leaves the servers
 * loaded as the next one's figures assume (the cold start brings up the
 * workers, the burst runs before any scenario leaves the worker a backlog,
 * the memory scenario opens the incidents whose timers the next one measures,
 * the post-mortems copy the runbook scenario's incident, new incidents, which
 * leave the worker a backlog, come late, and the mass outage, which leaves
 * the most open incidents, comes last).
 */
async function runScenarios(bench: Bench): Promise<void> {
  const wanted = scenarioFilter(bench.settings.only);
  await workerColdStart(bench);
  if (wanted('cost')) await incidentCost(bench);
  if (wanted('burst')) await alertBurst(bench);
  if (wanted('runbook', 'postmortem')) await runbookStepOverhead(bench);
  if (wanted('memory', 'timers')) await workerMemory(bench);
  if (wanted('timers')) await timerAccuracy(bench);
  if (wanted('postmortem')) await postmortemGeneration(bench);
  const duplicates = wanted('ingestion') ? await duplicateIngestion(bench) : undefined;
  if (wanted('storms')) await duplicateStorms(bench);
  if (wanted('grouped')) await groupedStorm(bench);
  if (duplicates) await newIncidentIngestion(bench, duplicates);
  if (wanted('mass')) await massOutage(bench);
}

/**
 * BENCH_ONLY (a comma-separated list of scenario names) runs those scenarios
 * and the ones they build on, for measuring one change; unset, all run.
 */
function scenarioFilter(only: string[] | undefined): (...names: string[]) => boolean {
  return (...names) => !only || names.some((name) => only.includes(name));
}

/** Writes bench/RESULTS.md (or RESULTS-postgresql.md): the machine, the settings, then every section. */
async function writeResults(bench: Bench): Promise<void> {
  const { settings, stack, pgTemporal, root } = bench;
  const cpu = os.cpus();
  const header = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}.`,
    `Everything on this one machine: ${pgTemporal ? pgTemporal.description : 'the Temporal CLI dev server (SQLite)'}, the MongoDB-wire server (${stack.started.find((s) => s.includes('mongo') || s.includes('ferret')) ?? stack.mongoUri}), Fireline's ${settings.workers} worker process(es) and 2 API processes, the load generator and the notification sink.`,
    `Settings: BENCH_SECONDS=${settings.seconds}, BENCH_CONCURRENCY=${settings.concurrency}, BENCH_OPEN_INCIDENTS=${settings.openIncidents}, BENCH_TIMER_SECONDS=${settings.timerSeconds}, BENCH_STORM_ALERTS=${settings.stormAlerts}, BENCH_RUNBOOK_RUNS=${settings.runbookRuns}, BENCH_MASS_INCIDENTS=${settings.massIncidents}, BENCH_MASS_TIMER_SECONDS=${settings.massTimerSeconds}.`,
    '',
  ];
  // Formatted as the repository's other Markdown, so `npm run lint` passes on a fresh result.
  const resultsPath = path.join(
    root,
    'bench',
    settings.temporal === 'postgresql' ? 'RESULTS-postgresql.md' : 'RESULTS.md',
  );
  const markdown = [...header, ...bench.results].join('\n');
  if (settings.only) {
    // Some scenarios only: printed, never written over the whole run's results.
    process.stdout.write(`${markdown}\n`);
    return;
  }
  const options = { ...(await prettier.resolveConfig(resultsPath)), filepath: resultsPath };
  writeFileSync(resultsPath, await prettier.format(markdown, options));
  log(`wrote ${path.relative(root, resultsPath)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
