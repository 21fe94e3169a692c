import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

/** Worker for the raw-Temporal baseline workflow (task queue `bench-baseline`). */
async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: 'bench-baseline',
    workflowsPath: require.resolve('./baseline-workflows'),
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `baseline worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
