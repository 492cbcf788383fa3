import { DateTime, Duration } from 'luxon';
import { calendarZone } from './calendar';
import type { Instant } from './time';

function parse(iso: string): Duration {
  const d = Duration.fromISO(iso);
  if (!d.isValid) throw new Error(`"${iso}" is not an ISO-8601 duration (e.g. P3W, PT24H)`);
  return d;
}

/**
 * Adds a profile duration to an instant on the Europe/London calendar: days, weeks and months
 * keep the wall-clock time across a clock change ("three weeks after 12:00" is 12:00),
 * hours and minutes are absolute ("24 hours" is 24 clock hours, PROTOCOL.md preamble).
 */
export function plusDuration(instant: Instant, iso: string): Instant {
  return DateTime.fromISO(instant, { zone: calendarZone }).plus(parse(iso)).toUTC().toISO()!;
}

export function minusDuration(instant: Instant, iso: string): Instant {
  return DateTime.fromISO(instant, { zone: calendarZone }).minus(parse(iso)).toUTC().toISO()!;
}

export function durationMs(iso: string): number {
  return parse(iso).as('milliseconds');
}
