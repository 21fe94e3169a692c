import { z } from 'zod';
import { revisionField, scheduleIdPattern, storedObjectFields } from './schedule-body';

/** Limits on a policy made at run time. */
export const POLICY_LIMITS = { levels: 20, targets: 20, repeat: 10, delaySeconds: 86_400 };

const target = z
  .object({
    type: z.enum(['person', 'schedule', 'team', 'channel']),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'must be an id'),
  })
  .strict();

const definition = {
  ...storedObjectFields,
  name: z.string().min(1).max(200),
  levels: z
    .array(
      z
        .object({
          delaySeconds: z
            .number()
            .int()
            .min(0)
            .max(POLICY_LIMITS.delaySeconds)
            .describe('how long the level waits for an acknowledgement before the next'),
          targets: z.array(target).min(1).max(POLICY_LIMITS.targets),
          roundRobin: z
            .boolean()
            .optional()
            .describe('page one of the people the targets reach, the next one for each incident'),
        })
        .strict(),
    )
    .min(1)
    .max(POLICY_LIMITS.levels),
  repeat: z
    .number()
    .int()
    .min(0)
    .max(POLICY_LIMITS.repeat)
    .optional()
    .describe('how many more times the levels run'),
  fallback: z
    .array(target)
    .max(POLICY_LIMITS.targets)
    .optional()
    .describe('who is told when every level went unanswered'),
};

export const policyIdParams = z.object({ id: z.string().regex(scheduleIdPattern, 'must be a policy id') });
export const newPolicyBody = z
  .object({
    id: z.string().regex(scheduleIdPattern, 'must be a policy id (letters, digits, . _ -)'),
    ...definition,
  })
  .strict();
export const policyChangeBody = z
  .object({
    revision: revisionField,
    ...definition,
  })
  .strict();
