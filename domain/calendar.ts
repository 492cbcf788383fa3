/**
 * The protocol's calendar: Europe/London wall-clock time and England-and-Wales working days
 * (PROTOCOL.md, preamble). Runs inside the Temporal workflow sandbox, so everything here is
 * pure and deterministic: no clock reads, no I/O. Luxon is used only to ask the Europe/London
 * offset at an instant, always with the zone named (ECOSYSTEM.md: it is correct in the sandbox).
 *
 * Rules chosen where the protocol is silent:
 * - A wall-clock time that does not exist (clocks go forward, e.g. 01:30 on 2026-03-29) is
 *   read with the offset in force before the change, i.e. 02:30 BST; one that happens twice
 *   (clocks go back, e.g. 01:30 on 2026-10-25) is the earlier, BST, occurrence — the
 *   'compatible' rule of RFC 5545 and of JavaScript's Temporal API. Both changes happen early
 *   on a Sunday, so working-day results never meet them; only atLocal can.
 * - Working-day and working-hour counts treat time outside working days (or outside office
 *   hours) as not passing: a count that starts there starts at the next working day's start
 *   (or the next opening of the office).
 * - Anything that needs to know whether a day is a bank holiday throws CalendarRangeError
 *   for a day outside the table's coverage rather than guess.
 */
import { DateTime } from 'luxon';
import { bankHolidays, bankHolidaysCoverFrom, bankHolidaysCoverTo } from './bank-holidays';
import {
  instantSchema, localDateSchema, localTimeSchema, weekdays, weekdaySchema, weeklySlotSchema, workingHoursSchema,
  type Instant, type LocalDate, type LocalTime, type Weekday, type WeeklySlot, type WorkingHours,
} from './time';

export const calendarZone = 'Europe/London';

/** A value handed to the calendar is not in the form it expects. */
export class CalendarInputError extends Error {
  override name = 'CalendarInputError';
}

/** A question about a day the bank-holiday table does not cover. */
export class CalendarRangeError extends RangeError {
  override name = 'CalendarRangeError';
  readonly coverFrom = bankHolidaysCoverFrom;
  readonly coverTo = bankHolidaysCoverTo;

  constructor(readonly date: LocalDate) {
    super(`No bank-holiday data for ${date}: the England and Wales table covers ${bankHolidaysCoverFrom} to ${bankHolidaysCoverTo}. `
      + 'Extend it with scripts/generate-bank-holidays.ts and check the new dates against GOV.UK.');
  }
}

const msPerMinute = 60_000;
const msPerHour = 3_600_000;
const msPerDay = 86_400_000;

// Internally a date is its day number since 1970-01-01, an instant its epoch milliseconds.

function check<T>(schema: { safeParse(value: unknown): { success: boolean } }, value: T, what: string, form: string): T {
  if (!schema.safeParse(value).success) throw new CalendarInputError(`${what} must be ${form}, got ${JSON.stringify(value)}`);
  return value;
}

function dayNumber(date: LocalDate, what = 'date'): number {
  check(localDateSchema, date, what, 'a date "YYYY-MM-DD" that exists');
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  return new Date(0).setUTCFullYear(year, month - 1, day) / msPerDay;
}

/** ISO text for epoch milliseconds, or undefined outside the years 0000–9999 the formats allow. */
function isoText(ms: number): string | undefined {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

function dateOf(day: number): LocalDate {
  const iso = isoText(day * msPerDay);
  if (iso === undefined) throw new CalendarInputError(`the resulting date lies outside the years 0000–9999 (day ${day} from 1970-01-01)`);
  return iso.slice(0, 10);
}

function epochMs(instant: Instant, what = 'instant'): number {
  check(instantSchema, instant, what, 'a UTC instant like "2026-11-26T12:00:00.000Z"');
  return Date.parse(instant);
}

function instantOf(ms: number): Instant {
  const iso = isoText(ms);
  if (iso === undefined) throw new CalendarInputError(`the resulting instant lies outside the years 0000–9999 (${ms} ms from 1970-01-01)`);
  return iso;
}

function msOfDay(time: LocalTime, what = 'time'): number {
  check(localTimeSchema, time, what, 'a wall-clock time "HH:MM" (00:00–23:59)');
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * msPerHour + minutes * msPerMinute;
}

function requireInteger(n: number, what: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CalendarInputError(`${what} must be a whole number${min === 0 ? ' of at least 0' : ''}, got ${String(n)}`);
  }
  return n;
}

function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7; // day 0, 1970-01-01, was a Thursday; Monday is index 0
}

/** Europe/London's offset from UTC, in minutes, at an instant. */
function londonOffset(ms: number): number {
  const local = DateTime.fromMillis(ms, { zone: calendarZone });
  if (!local.isValid) throw new Error(`Cannot read ${calendarZone} time (${local.invalidExplanation ?? local.invalidReason}): the runtime lacks time-zone data.`);
  return local.offset;
}

/** The London wall clock at an instant, as a day number and milliseconds into that day. */
function wallClock(ms: number): { day: number; ms: number } {
  const wall = ms + londonOffset(ms) * msPerMinute;
  const day = Math.floor(wall / msPerDay);
  return { day, ms: wall - day * msPerDay };
}

/** The instant London clocks show `ms` into `day`, by the gap and overlap rules above. */
function fromWallClock(day: number, ms: number): number {
  const wall = day * msPerDay + ms;
  const offsetBefore = londonOffset(wall - msPerDay);
  const offsetAfter = londonOffset(wall + msPerDay);
  const readings = [offsetBefore, offsetAfter]
    .map((offset) => wall - offset * msPerMinute)
    .filter((instant) => instant + londonOffset(instant) * msPerMinute === wall);
  if (readings.length > 0) return Math.min(...readings);
  return wall - offsetBefore * msPerMinute;
}

function requireCovered(day: number): LocalDate {
  const date = dateOf(day);
  if (date < bankHolidaysCoverFrom || date > bankHolidaysCoverTo) throw new CalendarRangeError(date);
  return date;
}

function isWorking(day: number): boolean {
  const date = requireCovered(day);
  return weekdayIndex(day) < 5 && !Object.hasOwn(bankHolidays, date);
}

function nextWorking(day: number): number {
  let next = day + 1;
  while (!isWorking(next)) next += 1;
  return next;
}

/** The working day `n` working days after `day` (`day` itself when n is 0). */
function workingDaysAfter(day: number, n: number): number {
  let result = day;
  for (let counted = 0; counted < n; counted += 1) result = nextWorking(result);
  return result;
}

export function weekdayOf(date: LocalDate): Weekday {
  return weekdays[weekdayIndex(dayNumber(date))] as Weekday;
}

/** Whether `date` is a bank holiday in England and Wales (a weekday off, per GOV.UK). */
export function isBankHoliday(date: LocalDate): boolean {
  return bankHolidayName(date) !== undefined;
}

/** The bank holiday's name, e.g. "Boxing Day (substitute day)", or undefined on other days. */
export function bankHolidayName(date: LocalDate): string | undefined {
  const checked = requireCovered(dayNumber(date));
  return Object.hasOwn(bankHolidays, checked) ? bankHolidays[checked] : undefined;
}

/** Monday to Friday and not a bank holiday in England and Wales (PROTOCOL.md, preamble). */
export function isWorkingDay(date: LocalDate): boolean {
  return isWorking(dayNumber(date));
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(date: LocalDate): LocalDate {
  return dateOf(nextWorking(dayNumber(date)));
}

/** The calendar date `n` days after `date` (before it when n is negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  return dateOf(dayNumber(date) + requireInteger(n, 'the number of days'));
}

/** The Europe/London date at `instant`. */
export function localDate(instant: Instant): LocalDate {
  return dateOf(wallClock(epochMs(instant)).day);
}

/** The Europe/London wall-clock time at `instant`, to the minute (seconds are dropped). */
export function localTime(instant: Instant): LocalTime {
  const minutes = Math.floor(wallClock(epochMs(instant)).ms / msPerMinute);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The instant London clocks show `time` on `date`. A time skipped when the clocks go forward
 * reads as the same time after the change (01:30 → 02:30 BST); a time that happens twice when
 * they go back is its first, BST, occurrence.
 */
export function atLocal(date: LocalDate, time: LocalTime): Instant {
  return instantOf(fromWallClock(dayNumber(date), msOfDay(time)));
}

/**
 * `n` working days after `instant`, at the same wall-clock time (PROTOCOL.md §1.6: Friday
 * 16:00 + 1 working day is Monday 16:00). Office hours play no part: a working day is the
 * whole day. An instant on a non-working day counts from 00:00 on the next working day, as if
 * weekends and bank holidays did not pass — so Saturday + 1 working day is Tuesday 00:00, the
 * end of Monday; with n = 0 such an instant moves to that 00:00.
 */
export function addWorkingDays(instant: Instant, n: number): Instant {
  const start = wallClock(epochMs(instant));
  requireInteger(n, 'the number of working days', 0);
  if (isWorking(start.day)) return instantOf(fromWallClock(workingDaysAfter(start.day, n), start.ms));
  return instantOf(fromWallClock(workingDaysAfter(nextWorking(start.day), n), 0));
}

/** `hours` clock hours after `instant`: absolute time, so 24 hours across a clock change is 23 or 25 on the wall clock. */
export function addHours(instant: Instant, hours: number): Instant {
  const start = epochMs(instant);
  if (!Number.isFinite(hours)) throw new CalendarInputError(`the number of hours must be a finite number, got ${String(hours)}`);
  return instantOf(start + Math.round(hours * msPerHour));
}

/**
 * The `n`th `weekday` of a month (1–5), or counting from the month's end when n is negative
 * (-1 is the last). "The fourth Wednesday" of December 2026 is 2026-12-23 (PROTOCOL.md §1.5).
 * Bank holidays are not skipped: the fourth Wednesday of December 2024 is Christmas Day, and
 * what a meeting does then is the caller's decision. Throws when the month has no such day.
 */
export function nthWeekdayOfMonth(year: number, month: number, weekday: Weekday, n: number): LocalDate {
  requireInteger(year, 'the year');
  requireInteger(month, 'the month');
  if (year < 0 || year > 9999 || month < 1 || month > 12) {
    throw new CalendarInputError(`year and month must be 0000–9999 and 1–12, got ${year} and ${month}`);
  }
  check(weekdaySchema, weekday, 'the weekday', `one of ${weekdays.join(', ')}`);
  if (!Number.isSafeInteger(n) || n === 0 || Math.abs(n) > 5) {
    throw new CalendarInputError(`n must be 1 to 5, or -1 to -5 counting from the end of the month, got ${String(n)}`);
  }
  const monthName = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  const first = dayNumber(`${monthName}-01`);
  const last = new Date(0).setUTCFullYear(year, month, 0) / msPerDay;
  const wanted = weekdays.indexOf(weekday);
  const day = n > 0
    ? first + ((wanted - weekdayIndex(first) + 7) % 7) + 7 * (n - 1)
    : last - ((weekdayIndex(last) - wanted + 7) % 7) + 7 * (n + 1);
  if (day < first || day > last) throw new CalendarInputError(`${monthName} has no ${n > 0 ? `number ${n}` : `number ${-n} from the end`} ${weekday}`);
  return dateOf(day);
}

/** Whether `slot` is due on `day`: its weekday, and for a series every n weeks, a week of the series. */
function slotOn(slot: WeeklySlot, day: number): boolean {
  if (slot.weekday !== weekdays[weekdayIndex(day)]) return false;
  const every = slot.everyWeeks ?? 1;
  if (every === 1 || slot.from === undefined) return true;
  // Whole weeks between the two Mondays; day numbers count from 1970-01-01, a Thursday.
  const mondayOf = (d: number) => d - weekdayIndex(d);
  const weeks = (mondayOf(day) - mondayOf(dayNumber(slot.from, 'the slot\'s from date'))) / 7;
  return ((weeks % every) + every) % every === 0;
}

/** Whether `slot` is due on `date` (ignoring bank holidays: the caller decides what a holiday does). */
export function slotFallsOn(slot: WeeklySlot, date: LocalDate): boolean {
  return slotOn(slot, dayNumber(date));
}

/**
 * The first of a set of weekly slots on a working day strictly after `date` — the meeting a
 * case circulated on `date` is heard at (PROTOCOL.md §1.3: Monday, Tuesday, Thursday and
 * Friday at 12:00, none on bank holidays; "on the next day"). Two slots on one weekday: the
 * earlier time wins.
 */
export function firstSlotAfter(date: LocalDate, slots: readonly WeeklySlot[]): Instant {
  const from = dayNumber(date);
  slots.forEach((slot, index) => check(weeklySlotSchema, slot, `slot ${index}`, 'a { weekday, time: "HH:MM", everyWeeks?, from?: "YYYY-MM-DD" when everyWeeks > 1 }'));
  if (!slots.some((slot) => weekdays.indexOf(slot.weekday) < 5)) {
    throw new CalendarInputError('at least one slot must fall Monday to Friday: weekend slots are never on a working day');
  }
  for (let day = from + 1; ; day += 1) {
    const times = slots.filter((slot) => slotOn(slot, day)).map((slot) => slot.time).sort();
    if (times[0] !== undefined && isWorking(day)) return instantOf(fromWallClock(day, msOfDay(times[0])));
  }
}

/**
 * The working day on which something arriving at `instant` is dealt with, when the day's
 * intake closes at `cutoff`: that day if it is a working day and the arrival is at or before
 * the cutoff, otherwise the next working day (PROTOCOL.md §1.2, the circulation day, "by 14:00").
 */
export function workingDayFor(instant: Instant, cutoff: LocalTime): LocalDate {
  const ms = epochMs(instant);
  const { day } = wallClock(ms);
  const closes = fromWallClock(day, msOfDay(cutoff, 'the cutoff'));
  return dateOf(isWorking(day) && ms <= closes ? day : nextWorking(day));
}

/**
 * `hours` working hours after `instant`, counting only time inside `window` on working days
 * (PROTOCOL.md §2: "within 24 hours (Mon–Fri 08:30–16:30)"). A count that starts outside
 * the window starts at its next opening; a count that ends exactly as the window closes ends
 * at the close (16:30), not at the next opening.
 */
export function addWorkingHours(instant: Instant, hours: number, window: WorkingHours): Instant {
  let cursor = epochMs(instant);
  if (!Number.isFinite(hours) || hours < 0) throw new CalendarInputError(`the number of working hours must be a finite number of at least 0, got ${String(hours)}`);
  check(workingHoursSchema, window, 'the working hours', 'a { start: "HH:MM", end: "HH:MM" } with start before end');
  const opens = msOfDay(window.start);
  const closes = msOfDay(window.end);
  let remaining = Math.round(hours * msPerHour);
  for (let day = wallClock(cursor).day; ; day += 1) {
    if (isWorking(day)) {
      const from = Math.max(cursor, fromWallClock(day, opens));
      const until = fromWallClock(day, closes);
      if (from < until) {
        if (remaining <= until - from) return instantOf(from + remaining);
        remaining -= until - from;
      }
    }
    cursor = Number.NEGATIVE_INFINITY;
  }
}
