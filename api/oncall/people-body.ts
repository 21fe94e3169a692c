import { z } from 'zod';
import { isTimeZone } from '../../domain/oncall-schedule';
import { roles } from '../../domain/rights';
import { revisionField, scheduleIdPattern, storedObjectFields } from './schedule-body';

/** Limits on people and teams made at run time, so the model stays small enough to read before every page. */
export const PEOPLE_LIMITS = { channels: 10, rights: 20, scopeEntries: 50, members: 200 };

const personIdPattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const name = z.string().min(1).max(100);

const right = z
  .object({
    role: z.enum(roles),
    teams: z.array(name).max(PEOPLE_LIMITS.scopeEntries).optional(),
    services: z.array(name).max(PEOPLE_LIMITS.scopeEntries).optional(),
  })
  .strict()
  .describe('a role on the incidents of some teams or services (none listed: every incident)');

const personDefinition = {
  ...storedObjectFields,
  name: z.string().min(1).max(200),
  email: z.email().max(320).optional().describe('importers match other tools’ users by it'),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London').optional(),
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,20}$/, 'must be a Slack member id (U…)')
    .optional(),
  channels: z
    .array(z.string().regex(scheduleIdPattern, 'must be a channel id'))
    .max(PEOPLE_LIMITS.channels)
    .optional()
    .describe('channels of the catalog that reach this person directly'),
  rights: z
    .array(right)
    .max(PEOPLE_LIMITS.rights)
    .optional()
    .describe('what they may do; none: an observer. Only an admin may give or change rights'),
};

export const personIdParams = z.object({ id: z.string().regex(personIdPattern, 'must be a person id') });
export const newPersonBody = z
  .object({
    id: z.string().regex(personIdPattern, 'must be a person id (letters, digits, . _ @ -)'),
    ...personDefinition,
  })
  .strict();
export const personChangeBody = z.object({ revision: revisionField, ...personDefinition }).strict();

const teamDefinition = {
  ...storedObjectFields,
  name: z.string().min(1).max(200),
  members: z
    .array(
      z
        .object({
          personId: z.string().regex(personIdPattern, 'must be a person id'),
          role: z.enum(['member', 'manager']).default('member'),
        })
        .strict(),
    )
    .max(PEOPLE_LIMITS.members)
    .describe('who a `team` target pages'),
};

export const teamIdParams = z.object({ id: z.string().regex(scheduleIdPattern, 'must be a team id') });
export const newTeamBody = z
  .object({
    id: z.string().regex(scheduleIdPattern, 'must be a team id (letters, digits, . _ -)'),
    ...teamDefinition,
  })
  .strict();
export const teamChangeBody = z.object({ revision: revisionField, ...teamDefinition }).strict();
