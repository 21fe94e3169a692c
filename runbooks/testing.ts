// The runbook author's test kit. Not workflow code: it runs in the test
// process (a worker, a client, MongoDB) and is never imported by a runbook or
// by runbooks/index.ts, so the workflow bundle does not contain it.
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { ActionImpl } from '../activities/actions';
import { createActivities } from '../activities';
import type { HttpTransport } from '../activities/runbook-http';
import { loadConfig } from '../config';
import type {
  ApprovalRequest,
  HttpStepRequest,
  RunbookIncident,
  RunbookMeta,
  RunbookResult,
  StepRecord,
} from '../domain/runbook';
import { connectMongo } from '../infra/mongo';
import { checkRunbookParams } from '../infra/runbook-params';
import { createModels } from '../infra/models';
import { defaultActivityDeps } from '../worker';
import { runbookWorkflow } from '../workflows/runbook';
import { decideApprovalUpdate, runbookProgressQuery } from '../workflows/runbook/messages';
import { runbooks } from './index';
import { durationToMs } from '../domain/duration';

/** What an HTTP mock answers: a status and, optionally, a body. */
export interface HttpMockResponse {
  status: number;
  body?: string;
}

/** A request as the runbook's step made it (method filled in). */
export type HttpMockRequest = HttpStepRequest & { method: NonNullable<HttpStepRequest['method']> };

/**
 * Answers one request; `undefined` means it has no answer for it (the request
 * is unmocked). Throwing stands for a network error: the step sees its message.
 */
export type HttpMock = (
  request: HttpMockRequest,
) => HttpMockResponse | undefined | Promise<HttpMockResponse | undefined>;

export interface RunbookTestOptions {
  runbookId: string;
  /** Checked against the runbook's `params` as the API checks them (a refusal throws); defaults filled in. */
  params: Record<string, unknown>;
  /** Your mocks for the actions the runbook calls (`webhook`, `command`, your own). */
  actions: Record<string, ActionImpl>;
  /**
   * Mocks for the runbook's HTTP checks and calls (`rb.http`, `rb.verify`): one
   * function for every request, or answers by exact URL (a response, or a
   * function of the request). When set, nothing goes to the network, and an
   * unmocked request makes runRunbookForTest throw at once, naming the step.
   * When unset, requests really are sent.
   */
  http?: HttpMock | Record<string, HttpMockResponse | HttpMock>;
  incident?: Partial<RunbookIncident>;
  /** Answers each approval; default approve. */
  decide?: (approval: ApprovalRequest) => 'approve' | 'reject';
  dryRun?: boolean;
  /** Environment variables visible to actions (URLs named by `urlEnv`). */
  secrets?: Record<string, string>;
  /**
   * How long the run may take (default 15 seconds). Past it the kit stops the
   * run and throws, naming the step it was on and the last failed HTTP check.
   * The runbook's own intervals, retries and deadlines are never shortened:
   * raise this (and Jest's timeout) for a runbook that really waits longer.
   */
  timeout?: Duration;
}

/** A run the kit stopped: an unmocked HTTP request, or the kit's timeout. */
export class RunbookTestError extends Error {
  override readonly name = 'RunbookTestError';
  constructor(
    message: string,
    /** The steps as far as the run got. */
    readonly steps: StepRecord[],
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT = '15 seconds';

let runtimeInstalled = false;

/** Only errors from the SDK: failed attempts are what runbook tests provoke, and their result reports them. */
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      // Core's own logs too: its warnings about stopped runs' late completions are noise here.
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Installed already (by Fireline's test helpers, or a connection made earlier).
  }
}

/** The transport the mocks answer through; unmocked requests are reported and then held. */
function mockTransport(
  mocks: NonNullable<RunbookTestOptions['http']>,
  onUnmocked: (request: HttpMockRequest) => void,
): HttpTransport {
  const lookup: HttpMock =
    typeof mocks === 'function'
      ? mocks
      : (request) => {
          const answer = Object.hasOwn(mocks, request.url) ? mocks[request.url] : undefined;
          return typeof answer === 'function' ? answer(request) : answer;
        };
  return async (request, signal) => {
    const answer = await lookup(request);
    if (answer) return { status: answer.status, body: answer.body ?? '' };
    onUnmocked(request);
    // Held until the kit stops the run, so the step that asked is still the running one.
    return new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () =>
        reject(new Error(`no HTTP mock for ${request.method} ${request.url}`)),
      );
    });
  };
}

function runningSteps(steps: StepRecord[]): string {
  const running = steps.filter((s) => s.outcome === 'running');
  return running.length > 0
    ? running.map((s) => `step "${s.name}" (${s.kind})`).join(', ')
    : steps.length > 0
      ? `after step "${steps[steps.length - 1]!.name}"`
      : 'before its first step';
}

/** The parameters checked and completed with the schema's defaults, as the API and triage do before a real run. */
function checkedParams(meta: RunbookMeta, given: Record<string, unknown>): Record<string, unknown> {
  const params = { ...given };
  const problems = checkRunbookParams(meta, params);
  if (problems.length > 0) {
    throw new Error(
      `runbook "${meta.id}" would refuse these parameters: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    );
  }
  return params;
}

/**
 * Runs one runbook to its end on the real Temporal dev server, with your
 * actions (and, with `http`, its HTTP checks) mocked and approvals answered by
 * `decide`, and returns its result: status, `reason` (for a run that did not
 * succeed: `step "<name>" failed: <why>`), steps, verified. Throws a
 * RunbookTestError when a request has no HTTP mock or the run outlasts
 * `timeout`. Needs TEMPORAL_ADDRESS, MONGODB_URI and
 * FIRELINE_TEST_WORKFLOW_BUNDLE, which Fireline's Jest global setup provides.
 */
export async function runRunbookForTest(options: RunbookTestOptions): Promise<RunbookResult> {
  const address = process.env.TEMPORAL_ADDRESS;
  const mongoUri = process.env.MONGODB_URI;
  const bundlePath = process.env.FIRELINE_TEST_WORKFLOW_BUNDLE;
  if (!address || !mongoUri || !bundlePath) {
    throw new Error('runRunbookForTest needs the test stack: run it under `npm test` / `npx jest`');
  }
  const runbook = runbooks.get(options.runbookId);
  if (!runbook) {
    throw new Error(
      `no runbook "${options.runbookId}": add it to runbooks/index.ts (known: ${[...runbooks.keys()].join(', ')})`,
    );
  }
  const params = checkedParams(runbook.meta, options.params);
  const timeoutMs = durationToMs(options.timeout ?? DEFAULT_TIMEOUT);
  installQuietRuntime();

  const unmocked: HttpMockRequest[] = [];
  let lastHttpFailure: string | undefined;
  const taskQueue = `runbook-test-${randomUUID().slice(0, 8)}`;
  const mongo = await connectMongo(mongoUri);
  try {
    const connection = await NativeConnection.connect({ address });
    try {
      const clientConnection = await Connection.connect({ address });
      try {
        const activities = createActivities({
          ...defaultActivityDeps(loadConfig(), createModels(mongo)),
          secrets: options.secrets ?? {},
          actions: options.actions,
          ...(options.http
            ? { httpTransport: mockTransport(options.http, (request) => unmocked.push(request)) }
            : {}),
        });
        const worker = await Worker.create({
          connection,
          taskQueue,
          workflowBundle: { codePath: bundlePath },
          activities: {
            ...activities,
            // Remembered so that a run stopped by the timeout can say why its checks failed.
            runbookHttp: async (request: HttpStepRequest) => {
              try {
                return await activities.runbookHttp(request);
              } catch (err) {
                lastHttpFailure = err instanceof Error ? err.message : String(err);
                throw err;
              }
            },
          },
        });
        const client = new Client({ connection: clientConnection });
        const runId = `TEST-${randomUUID().slice(0, 8)}`;
        // runUntil shuts the worker down and waits for it before returning or
        // throwing, so nothing polls the server once the test is over.
        return await worker.runUntil(async () => {
          const handle = await client.workflow.start(runbookWorkflow, {
            taskQueue,
            workflowId: `runbook-test:${runId}`,
            args: [
              {
                runbookId: options.runbookId,
                runId,
                incident: {
                  incidentId: runId,
                  service: 'test-service',
                  severity: 'SEV3',
                  title: 'Runbook test',
                  labels: {},
                  ...options.incident,
                },
                params,
                dryRun: options.dryRun ?? false,
                realHttpInDryRun: false,
                // Another actor decides: a requester may not approve their own run.
                requestedBy: 'user:test-requester',
                policyApprovers: ['user:test-approver'],
              },
            ],
          });
          const started = Date.now();
          const result = handle.result();
          let finished = false;
          void result.finally(() => (finished = true)).catch(() => undefined);
          const answered = new Set<string>();
          let steps: StepRecord[] = [];
          const stop = async (why: string): Promise<never> => {
            await handle.terminate(`runbook test: ${why}`).catch(() => undefined);
            throw new RunbookTestError(`runbook "${options.runbookId}" ${why}`, steps);
          };
          const stopIfUnmocked = async () => {
            const request = unmocked[0];
            if (!request) return;
            const mocked =
              typeof options.http === 'function'
                ? ''
                : ` (mocked: ${Object.keys(options.http ?? {}).join(', ') || 'none'})`;
            await stop(
              `${runningSteps(steps)} sent ${request.method} ${request.url}, which has no HTTP mock${mocked}`,
            );
          };
          while (!finished) {
            const progress = await handle.query(runbookProgressQuery).catch(() => undefined);
            if (progress) steps = progress.steps;
            await stopIfUnmocked();
            if (Date.now() - started > timeoutMs) {
              await stop(
                `did not finish within ${Math.round(timeoutMs / 1000)}s (the kit's timeout): ` +
                  `${runningSteps(steps)} still running` +
                  (lastHttpFailure ? `; last failed HTTP check: ${lastHttpFailure}` : ''),
              );
            }
            for (const approval of progress?.approvals ?? []) {
              if (approval.status !== 'pending' || answered.has(approval.approvalId)) continue;
              answered.add(approval.approvalId);
              const decision = options.decide?.(approval) ?? 'approve';
              await handle.executeUpdate(decideApprovalUpdate, {
                args: [{ approvalId: approval.approvalId, decision, actor: 'user:test-approver' }],
              });
            }
            await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 100))]);
          }
          await stopIfUnmocked();
          try {
            return await result;
          } catch (err) {
            const cause = err instanceof WorkflowFailedError && err.cause ? err.cause.message : String(err);
            throw new RunbookTestError(`runbook "${options.runbookId}" did not run: ${cause}`, steps);
          }
        });
      } finally {
        await clientConnection.close();
      }
    } finally {
      await connection.close();
    }
  } finally {
    await mongo.close();
  }
}
