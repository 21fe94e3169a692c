// Which runbooks an incident runs automatically, and with which parameters.
import type { AlertEvent, RunbookInvocation } from './incident';
import { ignoredFromAlertMessage, type RunbookMeta } from './runbook';

/** A parameter a runbook's schema refuses, by its path (`params.healthUrl`). */
export interface ParamProblem {
  field: string;
  message: string;
}

/** Checks parameters against a runbook's JSON Schema, filling in defaults; the checker lives outside the domain. */
export type CheckRunbookParams = (meta: RunbookMeta, params: Record<string, unknown>) => ParamProblem[];

function appliesTo(meta: RunbookMeta, event: AlertEvent): boolean {
  const when = meta.appliesTo;
  if (!when) return false;
  if (when.service && !when.service.includes(event.service)) return false;
  if (when.severity && !when.severity.includes(event.severity)) return false;
  for (const [label, value] of Object.entries(when.labels ?? {})) {
    if (event.labels[label] !== value) return false;
  }
  return Boolean(when.service ?? when.severity ?? when.labels);
}

/**
 * The runbooks to run automatically: the rule's first, in its order, then those
 * whose `appliesTo` matches, in registry order; each once, with parameters
 * filled from the alert (those it accepts from alerts) and checked against the runbook's schema.
 */
export function resolveRunbooks(
  fromRule: RunbookInvocation[],
  event: AlertEvent,
  metas: RunbookMeta[],
  checkParams: CheckRunbookParams,
): { runbooks: RunbookInvocation[]; warnings: string[] } {
  const wanted = [
    ...fromRule,
    ...metas.filter((m) => appliesTo(m, event)).map((m) => ({ id: m.id, params: {} })),
  ];
  const runbooks: RunbookInvocation[] = [];
  const warnings: string[] = [];
  for (const invocation of wanted) {
    if (runbooks.some((r) => r.id === invocation.id)) continue;
    const meta = metas.find((m) => m.id === invocation.id);
    if (!meta) {
      warnings.push(`runbook ${invocation.id} does not exist`);
      continue;
    }
    const { params, ignored } = paramsFromAlert(meta, invocation.params, event);
    const problems = checkParams(meta, params);
    if (problems.length > 0) {
      warnings.push(
        `runbook ${meta.id} not started: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}` +
          (ignored.length > 0 ? ` (${ignoredFromAlertMessage(ignored)})` : ''),
      );
      continue;
    }
    runbooks.push({ id: meta.id, params, ...(ignored.length > 0 ? { ignoredFromAlert: ignored } : {}) });
  }
  return { runbooks, warnings };
}

/**
 * Parameters for an automatic run: the rule's (they always win: the operator
 * wrote them), then those the runbook accepts from alerts (`meta.fromAlert`)
 * that the alert carries as an annotation or label of the same name.
 * `ignored` names the parameters the alert carried that the runbook does not
 * accept from alerts (whether or not the rule gives them): they are not used,
 * so an alert sender cannot choose what the worker connects to or reads.
 */
export function paramsFromAlert(
  meta: RunbookMeta,
  given: Record<string, unknown>,
  event: AlertEvent,
): { params: Record<string, unknown>; ignored: string[] } {
  const params = { ...given };
  const ignored: string[] = [];
  const fromAlert = new Set(meta.fromAlert ?? []);
  const properties = (meta.parameters.properties ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(properties)) {
    const value = Object.hasOwn(event.annotations, name)
      ? event.annotations[name]
      : Object.hasOwn(event.labels, name)
        ? event.labels[name]
        : undefined;
    if (value === undefined) continue;
    // Named even when the rule gives it: the sender tried to set what it may not.
    if (!fromAlert.has(name)) ignored.push(name);
    else if (params[name] === undefined) params[name] = value;
  }
  return { params, ignored };
}
