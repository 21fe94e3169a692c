// The runbook SDK: what a runbook declares and what its body calls. A runbook is
// workflow code — it runs in Temporal's sandbox, so a run resumes at the step it
// was on after a crash. The engine behind `rb` is in workflows/runbook/.
import type { Duration, RetryPolicy } from '@temporalio/common';
import { inWorkflowContext } from '@temporalio/workflow';
// The one package a runbook uses besides the workflow SDK: see eslint.config.mjs for why it may.
import { z } from 'zod';
import { runbookMetaProblems, type JsonSchema } from '../domain/runbook';
import type { HttpStepRequest, RunbookIncident, RunbookMeta } from '../domain/runbook';

export type { HttpStepRequest, RunbookIncident, RunbookMeta } from '../domain/runbook';

/** Per-step timeout and retries; defaults: 30 seconds, 3 attempts. */
export interface StepOptions {
  timeout?: Duration;
  retry?: RetryPolicy;
}

/** Options of an `rb.http` step. */
export interface HttpStepOptions extends StepOptions {
  /**
   * For a POST, PUT, PATCH or DELETE: the target honours the `Idempotency-Key`
   * header (or repeating the request is harmless), so an attempt after one whose
   * outcome is unknown re-sends it with the same key. Otherwise (the default)
   * the step ends `outcome_unknown` and a person is paged to check.
   */
  idempotent?: boolean;
}

export interface ActionStep {
  /** Registered action: `webhook`, `command`, or one registered in actions/index.ts. */
  action: string;
  input: Record<string, unknown>;
  /**
   * The target honours the `Idempotency-Key` header (or repeating the action is harmless).
   * Then an attempt after one that died mid-call re-sends with the same key; otherwise
   * (the default) the step ends `outcome_unknown` and a person is paged to check.
   */
  idempotent?: boolean;
  /** Undoes this step if a later step fails or the run is cancelled (saga, newest first). */
  compensate?: { action: string; input: Record<string, unknown>; idempotent?: boolean };
}

export interface ApprovalStep {
  prompt: string;
  /**
   * Actors allowed to decide, e.g. `user:alice`. Default: the people the incident's
   * escalation policy reaches when the run starts whose rights let them decide approvals on
   * it. Nobody but the requester (without self-approval) = the step fails at once.
   */
  approvers?: string[];
  /** The actor who started the run may decide too (default: `meta.allowSelfApproval`, else false). */
  allowSelfApproval?: boolean;
  /** How long to wait; default 30 minutes. */
  timeout?: Duration;
  /** On timeout: `reject` fails the run; `escalate` also fails it, and the incident escalates. Default reject. */
  onTimeout?: 'reject' | 'escalate';
}

export interface VerifyStep {
  check: HttpStepRequest;
  /** Time between checks; default 5 seconds. */
  interval?: Duration;
  /** Give up after this long; default 2 minutes. */
  deadline?: Duration;
}

/** What a runbook body works with. Every step is recorded in the incident's timeline. */
export interface RunbookContext<P extends Record<string, unknown>> {
  /** The run's parameters, checked against the runbook's `params` (defaults filled in). */
  readonly params: P;
  readonly incident: RunbookIncident;
  /** True in a drill: side effects are replaced by recorded no-ops. */
  readonly dryRun: boolean;
  /**
   * An HTTP check or call; fails the step unless the expectation holds (after
   * retries). A POST, PUT, PATCH or DELETE is sent at most once, with an
   * `Idempotency-Key` header, through the action ledger like an action: a
   * timeout, reset or 5xx after it was sent ends the step `outcome_unknown`
   * unless `options.idempotent`.
   */
  http(
    name: string,
    request: HttpStepRequest,
    options?: HttpStepOptions,
  ): Promise<{ status: number; body: string }>;
  /** A registered remediation action (an activity); its compensation runs if the run later fails. */
  action(name: string, step: ActionStep, options?: StepOptions): Promise<Record<string, unknown> | undefined>;
  /** A human gate: waits for approve or reject through the API. */
  approval(name: string, step: ApprovalStep): Promise<void>;
  /** Polls a check until it passes or the deadline; a pass marks the run verified. */
  verify(name: string, step: VerifyStep): Promise<void>;
  /** Waits (a durable timer). */
  wait(name: string, duration: Duration): Promise<void>;
  /** Sends a message through the incident's notification channels (its current escalation level). */
  notify(name: string, message: string): Promise<void>;
  /** Adds a note to the incident's timeline. */
  note(text: string): Promise<void>;
}

/** What a runbook file declares: its metadata, its parameters and its body. */
export interface RunbookDeclaration<S extends z.ZodObject> {
  meta: Omit<RunbookMeta, 'parameters'>;
  /**
   * The parameters, declared once: `rb.params` is typed from this schema, and its
   * JSON Schema (`meta.parameters`) is what the API, the web UI's form and triage
   * check a run's parameters against. Parameters it does not declare are refused.
   */
  params: S;
  run(rb: RunbookContext<z.output<S>>): Promise<void>;
}

/** A declared runbook: `meta.parameters` holds the JSON Schema of its `params`. */
export interface Runbook<P extends Record<string, unknown> = Record<string, unknown>> {
  meta: RunbookMeta;
  run(rb: RunbookContext<P>): Promise<void>;
}

/**
 * Declares a runbook: metadata, parameters and a body that uses the context's
 * steps. Throws when the metadata lets alerts supply a URL, host or environment
 * variable name, so such a runbook stops the worker and the API at start.
 */
export function defineRunbook<S extends z.ZodObject>(
  declaration: RunbookDeclaration<S>,
): Runbook<z.output<S>> {
  let parameters: JsonSchema | undefined;
  const meta: RunbookMeta = {
    ...declaration.meta,
    get parameters() {
      return (parameters ??= checkedParameters(declaration));
    },
  };
  // Every workflow of the worker loads this module, and no workflow reads the parameters' JSON
  // Schema: it is built there only if read. Anywhere else (the worker's and the API's own modules)
  // it is built and checked at once, so a runbook that fails the checks stops them at start.
  if (!inWorkflowContext()) void meta.parameters;
  return { meta, run: (rb) => declaration.run(rb) };
}

/** The JSON Schema of a declaration's parameters, once its metadata passes the checks. */
function checkedParameters(declaration: RunbookDeclaration<z.ZodObject>): JsonSchema {
  let parameters: JsonSchema;
  try {
    parameters = parametersJsonSchema(declaration.params);
  } catch (err) {
    throw new Error(
      `runbook ${declaration.meta.id}: params: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const problems = runbookMetaProblems({ ...declaration.meta, parameters });
  if (problems.length > 0) throw new Error(`runbook ${declaration.meta.id}: ${problems.join('; ')}`);
  return parameters;
}

/**
 * The JSON Schema the API checks with Ajv: draft 7, as Ajv's default; the input
 * side, so a parameter with a default may be left out; and closed to parameters
 * the schema does not declare. Only that JSON Schema is checked, so a schema it
 * cannot express throws, and so does a transform (the output side): the body
 * would be typed with values no run is given.
 */
function parametersJsonSchema(params: z.ZodObject): JsonSchema {
  z.toJSONSchema(params, { target: 'draft-07', io: 'output', unrepresentable: 'throw' });
  const { $schema: _, ...schema } = z.toJSONSchema(params, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'throw',
  });
  return { ...schema, additionalProperties: false };
}
