import ical from 'ical-generator';

/** A shift as a feed shows it. */
export interface CalendarShift {
  scheduleId: string;
  scheduleName: string;
  personId: string;
  person: { name: string };
  start: string;
  end: string;
  overrideId?: string;
}

/** The window a feed covers: the past month and the next three. */
export const FEED_DAYS = { before: 31, after: 93 };

/**
 * An RFC 5545 calendar of on-call shifts, for calendar apps to subscribe to.
 * Times are in UTC (calendar apps show them in the reader's zone); each
 * shift's UID is stable across refreshes, so an app updates rather than duplicates it.
 */
export function shiftsCalendar(
  name: string,
  shifts: CalendarShift[],
  options: { describe: (shift: CalendarShift) => string; url?: string },
): string {
  const calendar = ical({
    name,
    prodId: { company: 'Fireline', product: 'on-call', language: 'EN' },
    ttl: 15 * 60,
  });
  for (const shift of shifts) {
    calendar.createEvent({
      id: `${shift.scheduleId}/${shift.personId}/${shift.start}@fireline`,
      start: new Date(shift.start),
      end: new Date(shift.end),
      stamp: new Date(shift.start),
      summary: options.describe(shift),
      description: shift.overrideId
        ? `${shift.person.name} covers ${shift.scheduleName} (override ${shift.overrideId}).`
        : `${shift.person.name} is on call for ${shift.scheduleName}.`,
      ...(options.url ? { url: options.url } : {}),
    });
  }
  return calendar.toString();
}
