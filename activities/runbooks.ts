import { ApplicationFailure } from '@temporalio/common';
import type { ActionImpl } from './actions';
import type { ActionRequest, ActionResponse, RunbookMeta, RunbookResult } from '../domain/runbook';
import type { EgressPolicy } from '../infra/egress';
import type { Models } from '../infra/models';
import { createActionLedger, type LedgerClaim } from './action-ledger';
import { activityInfo } from './heartbeats';
import { createRunbookHttp, fetchTransport, type HttpTransport } from './runbook-http';

export interface RunbookActivityDeps {
  models: Pick<Models, 'ActionLedger' | 'DrillReport'>;
  actions: Record<string, ActionImpl>;
  /** The worker's environment; each action sees only what its runbook declares. */
  secrets: Record<string, string | undefined>;
  /** Metadata of the runbooks, for the secrets each one declares. */
  runbookMetas: RunbookMeta[];
  /** Where HTTP steps and actions may connect (FIRELINE_EGRESS_ALLOW). */
  egress: EgressPolicy;
  /** How HTTP steps reach the network; default fetch through `egress`. The runbook test kit swaps in its mocks. */
  httpTransport?: HttpTransport;
  /** How long an attempt that finds another one holding its action waits for that one's report; default 10 s. */
  ledgerWaitMs?: number;
}

/** The variables a runbook declares, and only those (undefined when unset). */
function declaredSecrets(
  meta: RunbookMeta,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries((meta.secrets ?? []).map((name) => [name, env[name]]));
}

/** Where a person checks whether an action happened, named without secrets (a URL's variable, a command's id). */
export function actionTarget(request: Pick<ActionRequest, 'action' | 'input'>): string {
  const { urlEnv, command } = request.input;
  if (typeof urlEnv === 'string') return `the receiver of ${urlEnv}`;
  if (typeof command === 'string') return `the effect of command ${command} on the worker host`;
  return `the target of action ${request.action}`;
}

export function createRunbookActivities(deps: RunbookActivityDeps) {
  const actOnce = createActionLedger(deps.models.ActionLedger, deps.ledgerWaitMs ?? 10_000);
  return {
    runbookHttp: createRunbookHttp(deps.httpTransport ?? fetchTransport(deps.egress), actOnce),

    /**
     * Runs a registered action at most once per idempotency key (see
     * createActionLedger): the ledger in MongoDB remembers completed actions,
     * so a retry after a crash returns the earlier result instead of acting
     * again; an attempt whose outcome is unknown is not repeated unless the
     * action is declared idempotent.
     */
    async runAction(request: ActionRequest): Promise<ActionResponse> {
      const { attempt, signal } = activityInfo();
      const impl = deps.actions[request.action];
      if (!impl)
        throw ApplicationFailure.nonRetryable(`no action ${request.action} is registered`, 'UnknownAction');
      const meta = deps.runbookMetas.find((m) => m.id === request.runbookId);
      if (!meta)
        throw ApplicationFailure.nonRetryable(
          `no runbook ${request.runbookId} is registered`,
          'UnknownRunbook',
        );
      const claim: LedgerClaim = {
        idempotencyKey: request.idempotencyKey,
        action: request.action,
        label: request.action,
        target: actionTarget(request),
        idempotent: request.idempotent === true,
      };
      const done = await actOnce(claim, attempt, signal, () =>
        impl(request.input, {
          idempotencyKey: request.idempotencyKey,
          runbookId: request.runbookId,
          secrets: declaredSecrets(meta, deps.secrets),
          signal,
          fetch: deps.egress.fetch,
        }),
      );
      return { summary: done.summary, output: done.output, attempt, replayed: done.replayed };
    },

    /** Stores a drill's report (keyed by its run id). */
    async saveDrillReport(report: RunbookResult): Promise<void> {
      const { runId, startedAt, endedAt, ...rest } = report;
      await deps.models.DrillReport.updateOne(
        { _id: runId },
        {
          $set: {
            ...rest,
            startedAt: new Date(startedAt),
            endedAt: new Date(endedAt),
            durationMs: Date.parse(endedAt) - Date.parse(startedAt),
          },
        },
        { upsert: true },
      );
    },
  };
}
