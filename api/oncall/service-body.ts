import { z } from 'zod';
import { integrationIdPattern, integrationTypes } from '../../domain/runtime-services';
import { revisionField, scheduleIdPattern, storedObjectFields } from './schedule-body';

const definition = {
  ...storedObjectFields,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  team: z.string().regex(scheduleIdPattern, 'must be a team id').optional().describe('the owning team'),
  escalationPolicy: z
    .string()
    .regex(scheduleIdPattern, 'must be an escalation policy id')
    .optional()
    .describe('what its alerts page with when no triage rule matches them'),
};

export const serviceIdParams = z.object({ id: z.string().regex(scheduleIdPattern, 'must be a service id') });
export const newServiceBody = z
  .object({
    id: z
      .string()
      .regex(scheduleIdPattern, 'must be a service id (letters, digits, . _ -), as alerts name it'),
    ...definition,
  })
  .strict();
export const serviceChangeBody = z.object({ revision: revisionField, ...definition }).strict();

export const newIntegrationBody = z
  .object({
    type: z
      .enum(integrationTypes)
      .describe('pagerduty: a routing key for /v2/enqueue; alertmanager, grafana: a token'),
    name: z.string().min(1).max(100).optional(),
    origin: z
      .string()
      .regex(/^[a-z-]+:[A-Za-z0-9._-]{1,100}$/, 'must be system:id, as pagerduty:PABC123')
      .optional()
      .describe("the imported tool's integration it replaces (fireline import finds it again by this)"),
  })
  .strict();
export const integrationParams = serviceIdParams.extend({
  integrationId: z.string().regex(integrationIdPattern, 'must be an integration id (INT-…)'),
});
