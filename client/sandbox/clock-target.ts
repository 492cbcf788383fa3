import { DateTime, Duration } from 'luxon';
import { z } from 'zod';
import { calendarZone } from '../../domain/calendar';

/**
 * How far one advance of the sandbox clock may go. Every timer on the way fires and every daily
 * meeting on the way runs, so a slip of the pen (2062 for 2026) would keep the sandbox busy for
 * hours; a year and a bit covers any case's lifetime.
 */
export const maxAdvanceDays = 400;

/** What to advance the clock by or to: an ISO-8601 duration (`P1D`, `PT2H30M`) or an instant (`2026-12-10T09:00`). */
export type ClockTarget = { by: string } | { to: string };

/** Where one advance takes the clock: the instant and how far that is from now. */
export interface ResolvedAdvance {
  from: Date;
  to: Date;
  ms: number;
}

/** The request body of POST /sandbox/clock/advance: exactly one of `by` and `to`. */
export const clockAdvanceBodySchema = z
  .strictObject({
    by: z.string().min(2).max(64).optional().meta({ description: 'An ISO-8601 duration, e.g. "P1D", "PT4H", "P2W". Calendar units follow Europe/London: "P1D" is the same wall-clock time tomorrow, across a clock change too.' }),
    to: z.string().min(4).max(64).optional().meta({ description: 'The instant to advance to: ISO-8601 with an offset ("2026-12-10T09:00:00Z"), or without one for Europe/London wall-clock time ("2026-12-10T09:00", "2026-12-10").' }),
  })
  .refine((b) => (b.by === undefined) !== (b.to === undefined), { message: 'give exactly one of "by" (a duration) and "to" (an instant)' })
  .meta({ id: 'SandboxClockAdvance' });

/** A command-line argument (`P1D`, `2026-12-10T09:00`) as a target: durations start with P. */
export function targetFromArgument(argument: string): ClockTarget {
  return /^[+-]?P/i.test(argument.trim()) ? { by: argument.trim() } : { to: argument.trim() };
}

/** A refused target, with a message for the person who gave it. */
export class ClockTargetError extends Error {
  override name = 'ClockTargetError';
  constructor(readonly field: 'by' | 'to', message: string) {
    super(message);
  }
}

/**
 * An instant as a person writes it: ISO-8601 with an offset, or without one for Europe/London
 * wall-clock time (as people in England read it), a date alone meaning its midnight there.
 */
export function parseInstant(text: string, field: 'by' | 'to' = 'to'): Date {
  const at = DateTime.fromISO(text.trim(), { zone: calendarZone });
  if (!at.isValid) throw new ClockTargetError(field, `"${text}" is not an ISO-8601 date or date and time (e.g. 2026-12-10T09:00, 2026-12-10T09:00:00Z)`);
  return at.toJSDate();
}

/**
 * The instant a target names, from the clock's `now`. The clock only moves forward (the test server
 * cannot go back), and at most maxAdvanceDays at once.
 */
export function resolveAdvance(target: ClockTarget, now: Date): ResolvedAdvance {
  const here = DateTime.fromJSDate(now, { zone: calendarZone });
  let to: DateTime;
  let field: 'by' | 'to';
  if ('by' in target) {
    field = 'by';
    const duration = Duration.fromISO(target.by.toUpperCase());
    if (!duration.isValid) throw new ClockTargetError(field, `"${target.by}" is not an ISO-8601 duration (e.g. P1D, PT2H, P1DT12H, P2W)`);
    to = here.plus(duration);
  } else {
    field = 'to';
    to = DateTime.fromMillis(parseInstant(target.to, field).getTime(), { zone: calendarZone });
  }
  const ms = to.toMillis() - now.getTime();
  if (ms <= 0) {
    throw new ClockTargetError(field, `the sandbox clock only moves forward, and it is already ${now.toISOString()} (${here.toFormat('ccc d LLL yyyy HH:mm')} in ${calendarZone}); ${to.toUTC().toISO()} is not after that`);
  }
  if (ms > maxAdvanceDays * 86_400_000) {
    throw new ClockTargetError(field, `at most ${maxAdvanceDays} days at once (P${maxAdvanceDays}D): ${to.toUTC().toISO()} is ${Math.ceil(ms / 86_400_000)} days ahead`);
  }
  return { from: now, to: new Date(to.toMillis()), ms };
}
