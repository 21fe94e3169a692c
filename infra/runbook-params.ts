import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { AlertEvent } from '../domain/incident';
import type { RunbookMeta } from '../domain/runbook';

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

export interface ParamProblem {
  /** `params.healthUrl` */
  field: string;
  message: string;
}

/** Checks parameters against the runbook's JSON Schema (defaults filled in); returns the problems. */
export function checkRunbookParams(meta: RunbookMeta, params: Record<string, unknown>): ParamProblem[] {
  let validate = compiled.get(`${meta.id}@${meta.version}`);
  if (!validate) {
    validate = ajv.compile(meta.parameters);
    compiled.set(`${meta.id}@${meta.version}`, validate);
  }
  if (validate(params)) return [];
  return (validate.errors ?? []).map((e) => {
    const missing =
      e.keyword === 'required' ? `/${String((e.params as { missingProperty: string }).missingProperty)}` : '';
    const pointer = `${e.instancePath}${missing}`;
    return {
      field: ['params', ...pointer.split('/').filter(Boolean)].join('.'),
      message: e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid'),
    };
  });
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
