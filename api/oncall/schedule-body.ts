import { z } from 'zod';
import { weekdays } from '../../domain/oncall';
import { isLocalDate, isTimeZone } from '../../domain/oncall-schedule';

/** Limits on a schedule made at run time, so one stays small enough to read before every page. */
export const SCHEDULE_LIMITS = { layers: 20, participants: 100, restrictions: 50 };

export const scheduleIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const scheduleIdParams = z.object({
  id: z.string().regex(scheduleIdPattern, 'must be a schedule id'),
});
const localTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM (00:00 to 23:59)');
const localDate = z.string().refine(isLocalDate, 'must be a date YYYY-MM-DD');
const weekday = z.enum(weekdays);

const restriction = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('time-of-day'), start: localTime, end: localTime })
    .strict()
    .describe('every day from start to end (an end not after the start runs past midnight)'),
  z
    .object({
      type: z.literal('weekday-and-time'),
      startDay: weekday,
      start: localTime,
      endDay: weekday,
      end: localTime,
    })
    .strict()
    .describe('each week from startDay start to endDay end'),
]);

const layer = z
  .object({
    name: z.string().min(1).max(100).optional(),
    participants: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/, 'must be a person id'))
      .min(1)
      .max(SCHEDULE_LIMITS.participants)
      .describe('person ids, in rotation order'),
    rotation: z
      .object({ every: z.number().int().min(1).max(1000), unit: z.enum(['hour', 'day', 'week']) })
      .strict(),
    start: localDate.describe("local date of the first shift, in the schedule's time zone"),
    handoffTime: localTime.describe('local time of each hand-off'),
    restrictions: z
      .array(restriction)
      .max(SCHEDULE_LIMITS.restrictions)
      .optional()
      .describe('when the layer has someone on call; none: always'),
  })
  .strict();

const importSource = z
  .object({ system: z.enum(['pagerduty', 'opsgenie', 'grafana-oncall']), id: z.string().min(1).max(200) })
  .strict()
  .describe('where an imported object came from; importing again updates the one with this source');

/** The fields every on-call object made at run time has, schedules and escalation policies alike. */
export const storedObjectFields = {
  source: importSource.optional(),
  managedBy: z
    .enum(['api', 'config'])
    .optional()
    .describe('config: applied from a configuration file (fireline config apply), and changed only that way'),
};
/** The revision a change was read at. */
export const revisionField = z.number().int().min(1).describe('the revision you read; another is a 409');
/** A delete's query: the revision read, and whether `fireline config apply` deletes it. */
export const revisionQuery = z.object({
  revision: z.coerce.number().int().min(1).describe('the revision you read; another is a 409'),
  managedBy: z.enum(['config']).optional().describe('config: a delete by fireline config apply'),
});

const definition = {
  ...storedObjectFields,
  name: z.string().min(1).max(200),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London'),
  layers: z
    .array(layer)
    .min(1)
    .max(SCHEDULE_LIMITS.layers)
    .describe('later layers win where they have someone on call'),
};

/** A new schedule: its id and its definition. */
export const newScheduleBody = z
  .object({
    id: z.string().regex(scheduleIdPattern, 'must be a schedule id (letters, digits, . _ -)'),
    ...definition,
  })
  .strict();

/** A schedule's new definition, with the revision it was read at (a stale one is refused). */
export const scheduleChangeBody = z
  .object({
    revision: revisionField,
    ...definition,
  })
  .strict();
