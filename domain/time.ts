import { z } from 'zod';

/**
 * How time is written down in contexts, timelines and payloads. All of these are plain
 * strings so they survive JSON unchanged; the schemas check the exact form, including
 * that the date exists (no 2026-02-30).
 */

/**
 * A point in time: ISO-8601 in UTC with exactly three fractional digits and a `Z`,
 * e.g. "2026-11-26T12:00:00.000Z" — the form `Date.prototype.toISOString` produces.
 * One canonical form means two instants compare correctly as strings.
 */
export const instantSchema = z.iso.datetime({ precision: 3 });
export type Instant = z.infer<typeof instantSchema>;

/**
 * An instant as people and other systems send it: ISO-8601 with or without fractional seconds,
 * with `Z` or an offset ("2026-12-10T17:00:00Z", "2026-12-10T17:00:00.000+00:00"), written down
 * in the canonical form above. Every instant in the API's and the CLI's input is this one schema;
 * stored state and timelines keep `instantSchema`. An input already canonical comes out unchanged,
 * so a command recorded when an input took only the canonical form parses to the same value.
 */
export const instantInputSchema = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString())
  .pipe(instantSchema);

/** A calendar date in Europe/London, "YYYY-MM-DD". */
export const localDateSchema = z.iso.date();
export type LocalDate = z.infer<typeof localDateSchema>;

/** A Europe/London wall-clock time, "HH:MM" (00:00–23:59). */
export const localTimeSchema = z.iso.time({ precision: -1 });
export type LocalTime = z.infer<typeof localTimeSchema>;

/** In ISO order: Monday is day 1. */
export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const weekdaySchema = z.enum(weekdays);
export type Weekday = z.infer<typeof weekdaySchema>;

/**
 * A meeting that recurs on one weekday at one wall-clock time: every week (PROTOCOL.md §1.3), or
 * every `everyWeeks` weeks counted from the week of `from`, the date of one meeting of the series
 * (a MARAC "every two weeks", PROTOCOL.md §2). A fortnightly series cannot be placed without
 * knowing one of its dates, so `from` is required then.
 */
export const weeklySlotSchema = z
  .object({
    weekday: weekdaySchema,
    time: localTimeSchema,
    everyWeeks: z.number().int().min(1).max(8).optional(),
    from: localDateSchema.optional(),
  })
  .refine((slot) => (slot.everyWeeks ?? 1) === 1 || slot.from !== undefined, {
    path: ['from'],
    message: 'a slot held every two or more weeks needs `from`, the date of one of its meetings',
  });
export type WeeklySlot = z.infer<typeof weeklySlotSchema>;

/**
 * Office hours on each working day, e.g. 08:30–16:30 (PROTOCOL.md §2, trafford-marac).
 * Both ends fall on the same day; working time runs from `start` up to `end`.
 */
export const workingHoursSchema = z
  .object({ start: localTimeSchema, end: localTimeSchema })
  .refine((hours) => hours.start < hours.end, { message: 'working hours must start before they end, on the same day' });
export type WorkingHours = z.infer<typeof workingHoursSchema>;
