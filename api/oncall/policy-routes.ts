import { Router } from 'express';
import type { Guard } from '../auth';
import type { ApiDeps } from '../deps';
import { policies } from './policies';
import { newPolicyBody, policyChangeBody, policyIdParams } from './policy-body';
import { storedKindRoutes } from './stored-kind';

/**
 * Escalation policies made and changed at run time, beside the catalog
 * file's (read-only here), with revisions as schedules have. A triage rule
 * naming one pages with it from the next incident it opens; a change reaches
 * open incidents at their next step.
 */
export function policyRoutes(deps: ApiDeps, guard: Guard): Router {
  return storedKindRoutes(deps, guard, {
    base: '/v1/escalation-policies',
    list: 'policies',
    idField: 'policyId',
    idParams: policyIdParams,
    newBody: newPolicyBody,
    changeBody: policyChangeBody,
    service: policies,
  });
}
