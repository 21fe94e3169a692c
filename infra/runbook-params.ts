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
 * Parameters for an automatic run: the rule's, then any the schema names that
 * the alert carries as an annotation or label of the same name.
 */
export function paramsFromAlert(
  meta: RunbookMeta,
  given: Record<string, unknown>,
  event: AlertEvent,
): Record<string, unknown> {
  const params = { ...given };
  const properties = (meta.parameters.properties ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(properties)) {
    if (params[name] !== undefined) continue;
    const value = event.annotations[name] ?? event.labels[name];
    if (value !== undefined) params[name] = value;
  }
  return params;
}
