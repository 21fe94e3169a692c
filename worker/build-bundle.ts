import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { defaultBundlePath } from './bundle';

/**
 * Bundles the workflow code once at build time, so workers start without
 * running webpack (it takes seconds and memory on every start otherwise).
 */
export async function buildWorkflowBundle(outputPath: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // Evaluated once per workflow thread and shared by its workflows, instead of once per
    // workflow: a cached incident then holds its own state only. So module scope in workflow
    // code must hold no per-workflow state (lint forbids a top-level `let` there).
    preloadModules: [require.resolve('../workflows')],
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: console.warn,
      error: console.error,
    },
  });
  await writeFile(outputPath, code);
}

if (require.main === module) {
  const output = process.argv[2] ?? defaultBundlePath();
  buildWorkflowBundle(output).then(
    () => process.stderr.write(`[fireline] workflow bundle written to ${output}\n`),
    (err: unknown) => {
      process.stderr.write(`[fireline] building the workflow bundle failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
