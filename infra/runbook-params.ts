import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RunbookMeta } from '../domain/runbook';
import type { ParamProblem } from '../domain/runbook-selection';

const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

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
