import { readFileSync } from 'node:fs';
import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { bankHolidays, bankHolidaysCoverFrom, bankHolidaysCoverTo } from '../../domain/bank-holidays';
import {
  CalendarInputError, CalendarRangeError, addDays, addHours, addWorkingDays, addWorkingHours, atLocal, bankHolidayName,
  firstSlotAfter, isBankHoliday, isWorkingDay, localDate, localTime, nextWorkingDay, nthWeekdayOfMonth, weekdayOf,
  workingDayFor,
} from '../../domain/calendar';
import type { WeeklySlot, WorkingHours } from '../../domain/time';

/** Dorset HRDA: Monday, Tuesday, Thursday and Friday at 12:00 (PROTOCOL.md §1.3). */
const dorsetDailyMeeting: WeeklySlot[] = [
  { weekday: 'monday', time: '12:00' },
  { weekday: 'tuesday', time: '12:00' },
  { weekday: 'thursday', time: '12:00' },
  { weekday: 'friday', time: '12:00' },
];
/** Trafford First Response: Mon–Fri 08:30–16:30 (PROTOCOL.md §2). */
const traffordOfficeHours: WorkingHours = { start: '08:30', end: '16:30' };

function* datesBetween(from: string, to: string): Generator<string> {
  for (let date = from; date <= to; date = addDays(date, 1)) yield date;
}

describe('PROTOCOL.md §3 worked examples', () => {
  it('a referral received Tuesday 2026-11-24 10:00 circulates that day and is heard Thursday 2026-11-26 12:00, there being no Wednesday meeting', () => {
    const circulationDay = workingDayFor('2026-11-24T10:00:00.000Z', '14:00');
    expect(circulationDay).toBe('2026-11-24');
    expect(atLocal(circulationDay, '14:00')).toBe('2026-11-24T14:00:00.000Z');
    expect(firstSlotAfter(circulationDay, dorsetDailyMeeting)).toBe('2026-11-26T12:00:00.000Z');
  });

  it('a referral received Thursday 2026-12-24 15:30 circulates Tuesday 2026-12-29, after Christmas and the Boxing Day substitute, and is heard Thursday 2026-12-31 12:00', () => {
    const circulationDay = workingDayFor('2026-12-24T15:30:00.000Z', '14:00');
    expect(circulationDay).toBe('2026-12-29');
    expect(firstSlotAfter(circulationDay, dorsetDailyMeeting)).toBe('2026-12-31T12:00:00.000Z');
  });

  it('HRDAP in December 2026 meets on the fourth Wednesday, 2026-12-23 09:00, with QA and circulation a week before', () => {
    const meetingDay = nthWeekdayOfMonth(2026, 12, 'wednesday', 4);
    expect(atLocal(meetingDay, '09:00')).toBe('2026-12-23T09:00:00.000Z');
    expect(atLocal(addDays(meetingDay, -7), '09:00')).toBe('2026-12-16T09:00:00.000Z');
  });

  it('a dispute raised Friday 2026-11-27 16:00 is due with the practitioners Monday 16:00 and with line managers 24 hours later', () => {
    const practitioners = addWorkingDays('2026-11-27T16:00:00.000Z', 1);
    expect(practitioners).toBe('2026-11-30T16:00:00.000Z');
    expect(addHours(practitioners, 24)).toBe('2026-12-01T16:00:00.000Z');
  });
});

describe('the bank-holiday table', () => {
  it('equals what date-holidays lists for England (public and bank) 2024–2032, weekend dates giving way to their substitute days', () => {
    const source = new Holidays('GB', 'ENG', { types: ['public', 'bank'] });
    const expected: Record<string, string> = {};
    for (let year = 2024; year <= 2032; year += 1) {
      for (const holiday of source.getHolidays(year, 'en')) {
        const date = holiday.date.slice(0, 10);
        // GOV.UK lists only the weekday off: Boxing Day on Saturday 2026-12-26 is Monday 28th.
        if (weekdayOf(date) !== 'saturday' && weekdayOf(date) !== 'sunday') expected[date] = holiday.name;
      }
    }
    expect(bankHolidays).toEqual(expected);
  });

  it('covers 2024-01-01 to 2032-12-31 with the eight England and Wales bank holidays each year', () => {
    expect([bankHolidaysCoverFrom, bankHolidaysCoverTo]).toEqual(['2024-01-01', '2032-12-31']);
    for (let year = 2024; year <= 2032; year += 1) {
      expect(Object.keys(bankHolidays).filter((date) => date.startsWith(`${year}-`)), String(year)).toHaveLength(8);
    }
  });

  it('has the GOV.UK dates checked by hand', () => {
    const checked: [string, string][] = [
      ['2024-05-06', 'Early May bank holiday'],
      ['2025-08-25', 'Summer bank holiday'],
      ['2026-04-03', 'Good Friday'],
      ['2026-04-06', 'Easter Monday'],
      ['2026-05-04', 'Early May bank holiday'],
      ['2026-05-25', 'Spring bank holiday'],
      ['2026-08-31', 'Summer bank holiday'],
      ['2026-12-25', 'Christmas Day'],
      ['2026-12-28', 'Boxing Day (substitute day)'],
      ['2027-03-26', 'Good Friday'],
      ['2027-12-27', 'Christmas Day (substitute day)'],
      ['2027-12-28', 'Boxing Day (substitute day)'],
      ['2028-01-03', "New Year's Day (substitute day)"],
      ['2028-05-01', 'Early May bank holiday'],
      ['2029-03-30', 'Good Friday'],
      ['2030-04-19', 'Good Friday'],
      ['2032-12-27', 'Christmas Day (substitute day)'],
      ['2032-12-28', 'Boxing Day (substitute day)'],
    ];
    for (const [date, name] of checked) expect(bankHolidays[date], date).toBe(name);
  });

  it('puts Good Friday and Easter Monday either side of Easter Sunday as the Gregorian computus gives it', () => {
    for (let year = 2024; year <= 2032; year += 1) {
      const easter = gregorianEaster(year);
      expect(bankHolidays[addDays(easter, -2)], `${year}`).toBe('Good Friday');
      expect(bankHolidays[addDays(easter, 1)], `${year}`).toBe('Easter Monday');
    }
  });

  it('lists no Saturday or Sunday', () => {
    const weekendDates = Object.keys(bankHolidays).filter((date) => ['saturday', 'sunday'].includes(weekdayOf(date)));
    expect(weekendDates).toEqual([]);
  });

  it('is generated code, never edited by hand: it says where it comes from', () => {
    const text = readFileSync(new URL('../../domain/bank-holidays.ts', import.meta.url), 'utf8');
    expect(text).toContain('Generated by scripts/generate-bank-holidays.ts');
    expect(text).toContain('https://www.gov.uk/bank-holidays');
  });
});

describe('working days', () => {
  it('are Monday to Friday', () => {
    expect(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map(isWorkingDay)).toEqual([true, true, true, true, true]);
    expect(['2026-11-28', '2026-11-29'].map(isWorkingDay)).toEqual([false, false]);
  });

  it('exclude the bank-holiday Mondays', () => {
    for (const monday of ['2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2024-05-06', '2025-08-25']) {
      expect(weekdayOf(monday)).toBe('monday');
      expect(isBankHoliday(monday), monday).toBe(true);
      expect(isWorkingDay(monday), monday).toBe(false);
    }
  });

  it('exclude substitute days, while the weekend day they replace is not itself a bank holiday', () => {
    for (const date of ['2026-12-28', '2027-12-27', '2027-12-28', '2028-01-03']) expect(isWorkingDay(date), date).toBe(false);
    expect(bankHolidayName('2026-12-28')).toBe('Boxing Day (substitute day)');
    expect(isBankHoliday('2026-12-26')).toBe(false);
    expect(bankHolidayName('2026-12-26')).toBeUndefined();
    expect(isWorkingDay('2026-12-29')).toBe(true);
  });

  it('names a bank holiday and nothing on an ordinary day', () => {
    expect(bankHolidayName('2027-03-26')).toBe('Good Friday');
    expect(bankHolidayName('2026-11-24')).toBeUndefined();
    expect(isBankHoliday('2026-11-24')).toBe(false);
  });

  it('the next working day is strictly after the date and skips weekends and bank holidays', () => {
    expect(nextWorkingDay('2026-11-24')).toBe('2026-11-25');
    expect(nextWorkingDay('2026-11-27')).toBe('2026-11-30');
    expect(nextWorkingDay('2026-11-28')).toBe('2026-11-30');
    expect(nextWorkingDay('2026-04-02')).toBe('2026-04-07');
    expect(nextWorkingDay('2026-12-24')).toBe('2026-12-29');
    expect(nextWorkingDay('2027-12-24')).toBe('2027-12-29');
    expect(nextWorkingDay('2027-12-31')).toBe('2028-01-04');
  });

  it('weekdays are named for any date, inside the table or not', () => {
    expect(weekdayOf('2026-11-24')).toBe('tuesday');
    expect(weekdayOf('2026-12-23')).toBe('wednesday');
    expect(weekdayOf('2040-01-01')).toBe('sunday');
    expect(weekdayOf('1970-01-01')).toBe('thursday');
    expect(weekdayOf('1969-12-31')).toBe('wednesday');
  });

  it('calendar days add across month, year and leap-day boundaries, and subtract', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-23', -7)).toBe('2026-12-16');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-11-24', 0)).toBe('2026-11-24');
  });
});

describe('Europe/London wall-clock time', () => {
  it('is UTC in winter (GMT) and an hour ahead in summer (BST)', () => {
    expect(atLocal('2026-11-26', '12:00')).toBe('2026-11-26T12:00:00.000Z');
    expect(atLocal('2026-06-15', '12:00')).toBe('2026-06-15T11:00:00.000Z');
    expect(localTime('2026-06-15T11:00:00.000Z')).toBe('12:00');
    expect(localDate('2026-06-15T11:00:00.000Z')).toBe('2026-06-15');
  });

  it('moves to BST at 01:00 UTC on Sunday 2026-03-29', () => {
    expect(atLocal('2026-03-28', '12:00')).toBe('2026-03-28T12:00:00.000Z');
    expect(atLocal('2026-03-29', '00:30')).toBe('2026-03-29T00:30:00.000Z');
    expect(atLocal('2026-03-29', '03:00')).toBe('2026-03-29T02:00:00.000Z');
    expect(atLocal('2026-03-29', '12:00')).toBe('2026-03-29T11:00:00.000Z');
    expect(atLocal('2026-03-30', '09:00')).toBe('2026-03-30T08:00:00.000Z');
    expect(localTime('2026-03-29T00:59:00.000Z')).toBe('00:59');
    expect(localTime('2026-03-29T01:00:00.000Z')).toBe('02:00');
  });

  it('reads a wall-clock time skipped by the spring change as the same time after it (01:30 → 02:30 BST)', () => {
    const instant = atLocal('2026-03-29', '01:30');
    expect(instant).toBe('2026-03-29T01:30:00.000Z');
    expect(localTime(instant)).toBe('02:30');
    expect(atLocal('2026-03-29', '01:00')).toBe(atLocal('2026-03-29', '02:00'));
  });

  it('moves back to GMT at 01:00 UTC on Sunday 2026-10-25', () => {
    expect(atLocal('2026-10-24', '12:00')).toBe('2026-10-24T11:00:00.000Z');
    expect(atLocal('2026-10-25', '00:30')).toBe('2026-10-24T23:30:00.000Z');
    expect(atLocal('2026-10-25', '12:00')).toBe('2026-10-25T12:00:00.000Z');
    expect(atLocal('2026-10-26', '09:00')).toBe('2026-10-26T09:00:00.000Z');
  });

  it('reads a wall-clock time repeated by the autumn change as its first, BST, occurrence', () => {
    expect(localTime('2026-10-25T00:30:00.000Z')).toBe('01:30');
    expect(localTime('2026-10-25T01:30:00.000Z')).toBe('01:30');
    expect(atLocal('2026-10-25', '01:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(atLocal('2026-10-25', '02:00')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('puts a late UTC evening in summer on the next London day', () => {
    expect(localDate('2026-06-15T23:30:00.000Z')).toBe('2026-06-16');
    expect(localTime('2026-06-15T23:30:00.000Z')).toBe('00:30');
    expect(localDate('2026-12-15T23:30:00.000Z')).toBe('2026-12-15');
  });

  it('gives wall-clock times to the minute, dropping seconds', () => {
    expect(localTime('2026-11-26T16:00:59.999Z')).toBe('16:00');
  });

  it('round-trips noon and midnight on every day of 2026, clock-change days included', () => {
    for (const date of datesBetween('2026-01-01', '2026-12-31')) {
      for (const time of ['00:00', '12:00', '23:59']) {
        const instant = atLocal(date, time);
        expect([localDate(instant), localTime(instant)], `${date} ${time}`).toEqual([date, time]);
      }
    }
  });

  it('does not depend on the time zone of the machine', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(atLocal('2026-06-15', '12:00')).toBe('2026-06-15T11:00:00.000Z');
      expect(localDate('2026-06-15T23:30:00.000Z')).toBe('2026-06-16');
      expect(addWorkingDays('2026-10-23T11:00:00.000Z', 1)).toBe('2026-10-26T12:00:00.000Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('adding working days', () => {
  it('keeps the wall-clock time and skips the weekend', () => {
    expect(addWorkingDays('2026-11-27T16:00:00.000Z', 1)).toBe('2026-11-30T16:00:00.000Z');
    expect(addWorkingDays('2026-11-23T09:00:00.000Z', 5)).toBe('2026-11-30T09:00:00.000Z');
    expect(addWorkingDays('2026-11-24T10:00:00.000Z', 1)).toBe('2026-11-25T10:00:00.000Z');
  });

  it('keeps the wall-clock time across the clock changes', () => {
    expect(addWorkingDays('2026-03-27T09:00:00.000Z', 1)).toBe('2026-03-30T08:00:00.000Z');
    expect(addWorkingDays('2026-10-23T11:00:00.000Z', 1)).toBe('2026-10-26T12:00:00.000Z');
  });

  it('skips bank holidays, substitute days included', () => {
    expect(addWorkingDays('2026-08-28T09:00:00.000Z', 1)).toBe('2026-09-01T09:00:00.000Z');
    expect(addWorkingDays('2026-12-24T15:30:00.000Z', 1)).toBe('2026-12-29T15:30:00.000Z');
    expect(addWorkingDays('2027-12-24T10:00:00.000Z', 2)).toBe('2027-12-30T10:00:00.000Z');
  });

  it('ignores office hours: a Friday-evening start still counts from Friday', () => {
    expect(addWorkingDays('2026-11-27T22:00:00.000Z', 1)).toBe('2026-11-30T22:00:00.000Z');
  });

  it('keeps seconds and milliseconds', () => {
    expect(addWorkingDays('2026-11-27T16:00:12.345Z', 1)).toBe('2026-11-30T16:00:12.345Z');
  });

  it('returns a working-day start unchanged for zero days', () => {
    expect(addWorkingDays('2026-11-24T10:00:00.000Z', 0)).toBe('2026-11-24T10:00:00.000Z');
  });

  it('counts a start on a weekend from 00:00 on the next working day, so one working day ends with that day', () => {
    expect(addWorkingDays('2026-11-28T10:00:00.000Z', 0)).toBe('2026-11-30T00:00:00.000Z');
    expect(addWorkingDays('2026-11-28T10:00:00.000Z', 1)).toBe('2026-12-01T00:00:00.000Z');
    expect(addWorkingDays('2026-11-29T23:59:00.000Z', 1)).toBe(addWorkingDays('2026-11-30T00:00:00.000Z', 1));
  });

  it('counts a start on a bank holiday from 00:00 on the next working day, in BST where it applies', () => {
    expect(addWorkingDays('2026-08-31T09:00:00.000Z', 1)).toBe('2026-09-01T23:00:00.000Z');
    expect(localTime('2026-09-01T23:00:00.000Z')).toBe('00:00');
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays('2026-11-27T16:00:00.000Z', -1)).toThrow(CalendarInputError);
    expect(() => addWorkingDays('2026-11-27T16:00:00.000Z', 1.5)).toThrow(/whole number/);
  });
});

describe('adding clock hours', () => {
  it('adds absolute time, so 24 hours across the autumn change is 11:00 on the next day\'s wall clock', () => {
    expect(addHours('2026-11-30T16:00:00.000Z', 24)).toBe('2026-12-01T16:00:00.000Z');
    expect(addHours('2026-10-24T11:00:00.000Z', 24)).toBe('2026-10-25T11:00:00.000Z');
    expect(localTime(addHours(atLocal('2026-10-24', '12:00'), 24))).toBe('11:00');
  });

  it('ignores weekends and bank holidays', () => {
    expect(addHours('2026-12-24T15:30:00.000Z', 72)).toBe('2026-12-27T15:30:00.000Z');
  });

  it('accepts fractions and negative hours and refuses non-numbers', () => {
    expect(addHours('2026-11-30T16:00:00.000Z', 1.5)).toBe('2026-11-30T17:30:00.000Z');
    expect(addHours('2026-11-30T16:00:00.000Z', -24)).toBe('2026-11-29T16:00:00.000Z');
    expect(() => addHours('2026-11-30T16:00:00.000Z', Number.NaN)).toThrow(CalendarInputError);
  });
});

describe('the nth weekday of a month', () => {
  it('finds the fourth Wednesday of every month of 2026 between the 22nd and the 28th', () => {
    for (let month = 1; month <= 12; month += 1) {
      const date = nthWeekdayOfMonth(2026, month, 'wednesday', 4);
      expect(weekdayOf(date)).toBe('wednesday');
      expect(Number(date.slice(8))).toBeGreaterThanOrEqual(22);
      expect(Number(date.slice(8))).toBeLessThanOrEqual(28);
      expect(date.slice(0, 7)).toBe(`2026-${String(month).padStart(2, '0')}`);
    }
    expect(nthWeekdayOfMonth(2026, 1, 'wednesday', 4)).toBe('2026-01-28');
  });

  it('counts from the end of the month when n is negative', () => {
    expect(nthWeekdayOfMonth(2026, 12, 'wednesday', -1)).toBe('2026-12-30');
    expect(nthWeekdayOfMonth(2026, 2, 'saturday', -1)).toBe('2026-02-28');
    expect(nthWeekdayOfMonth(2028, 2, 'tuesday', -1)).toBe('2028-02-29');
  });

  it('finds a fifth weekday only in a month that has one', () => {
    expect(nthWeekdayOfMonth(2026, 12, 'wednesday', 5)).toBe('2026-12-30');
    expect(() => nthWeekdayOfMonth(2026, 11, 'wednesday', 5)).toThrow(/2026-11 has no number 5 wednesday/);
  });

  it('does not skip bank holidays: the fourth Wednesday of December 2024 is Christmas Day', () => {
    const date = nthWeekdayOfMonth(2024, 12, 'wednesday', 4);
    expect(date).toBe('2024-12-25');
    expect(isBankHoliday(date)).toBe(true);
  });

  it('refuses a month, weekday or n that does not make sense', () => {
    expect(() => nthWeekdayOfMonth(2026, 13, 'wednesday', 4)).toThrow(CalendarInputError);
    expect(() => nthWeekdayOfMonth(2026, 12, 'Wednesday' as never, 4)).toThrow(/weekday/);
    expect(() => nthWeekdayOfMonth(2026, 12, 'wednesday', 0)).toThrow(CalendarInputError);
    expect(() => nthWeekdayOfMonth(2026, 12, 'wednesday', 6)).toThrow(CalendarInputError);
  });
});

describe('the first weekly slot after a date', () => {
  it('is strictly after the date, never on it', () => {
    expect(firstSlotAfter('2026-11-23', dorsetDailyMeeting)).toBe('2026-11-24T12:00:00.000Z');
    expect(firstSlotAfter('2026-11-27', dorsetDailyMeeting)).toBe('2026-11-30T12:00:00.000Z');
    expect(firstSlotAfter('2026-11-28', dorsetDailyMeeting)).toBe('2026-11-30T12:00:00.000Z');
  });

  it('skips a weekday with no slot', () => {
    expect(firstSlotAfter('2026-11-24', dorsetDailyMeeting)).toBe('2026-11-26T12:00:00.000Z');
  });

  it('skips bank holidays, in BST where it applies', () => {
    expect(firstSlotAfter('2026-05-22', dorsetDailyMeeting)).toBe('2026-05-26T11:00:00.000Z');
    expect(firstSlotAfter('2026-04-02', dorsetDailyMeeting)).toBe('2026-04-07T11:00:00.000Z');
    expect(firstSlotAfter('2027-12-24', dorsetDailyMeeting)).toBe('2027-12-30T12:00:00.000Z');
  });

  it('takes each weekday\'s own time, and the earlier of two slots on one day', () => {
    const kirkleesDramm: WeeklySlot[] = [
      { weekday: 'monday', time: '13:00' },
      ...(['tuesday', 'wednesday', 'thursday', 'friday'] as const).map((weekday) => ({ weekday, time: '11:30' })),
    ];
    expect(firstSlotAfter('2026-11-27', kirkleesDramm)).toBe('2026-11-30T13:00:00.000Z');
    expect(firstSlotAfter('2026-11-30', kirkleesDramm)).toBe('2026-12-01T11:30:00.000Z');
    const twice: WeeklySlot[] = [{ weekday: 'monday', time: '15:00' }, { weekday: 'monday', time: '09:30' }];
    expect(firstSlotAfter('2026-11-27', twice)).toBe('2026-11-30T09:30:00.000Z');
  });

  it('places a fortnightly series by the week of its `from` date, before and after it', () => {
    // A MARAC "every two weeks" on Tuesday at 09:30, one of whose meetings is 2026-11-24.
    const marac: WeeklySlot[] = [{ weekday: 'tuesday', time: '09:30', everyWeeks: 2, from: '2026-11-24' }];
    expect(firstSlotAfter('2026-11-20', marac)).toBe('2026-11-24T09:30:00.000Z');
    expect(firstSlotAfter('2026-11-24', marac)).toBe('2026-12-08T09:30:00.000Z');
    expect(firstSlotAfter('2026-11-30', marac)).toBe('2026-12-08T09:30:00.000Z');
    expect(firstSlotAfter('2026-11-05', marac)).toBe('2026-11-10T09:30:00.000Z');
    // In BST: 2027-06-15 is 29 weeks after 2026-11-24, off the series; 2027-06-22 is 30 weeks after, on it.
    expect(firstSlotAfter('2027-06-14', marac)).toBe('2027-06-22T08:30:00.000Z');
  });

  it('moves a fortnightly meeting that falls on a bank holiday to the next of its series', () => {
    const mondays: WeeklySlot[] = [{ weekday: 'monday', time: '10:00', everyWeeks: 2, from: '2026-12-14' }];
    // Monday 2026-12-28 is the substitute day for Boxing Day: the series meets next on 2027-01-11.
    expect(firstSlotAfter('2026-12-15', mondays)).toBe('2027-01-11T10:00:00.000Z');
  });

  it('refuses a fortnightly slot without the date of one of its meetings', () => {
    expect(() => firstSlotAfter('2026-11-27', [{ weekday: 'tuesday', time: '09:30', everyWeeks: 2 }])).toThrow(/slot 0/);
  });

  it('refuses slots that can never fall on a working day, or are malformed', () => {
    expect(() => firstSlotAfter('2026-11-27', [])).toThrow(CalendarInputError);
    expect(() => firstSlotAfter('2026-11-27', [{ weekday: 'saturday', time: '10:00' }])).toThrow(/Monday to Friday/);
    expect(() => firstSlotAfter('2026-11-27', [{ weekday: 'monday', time: '12.00' }])).toThrow(/slot 0/);
  });
});

describe('the working day an arrival is dealt with', () => {
  it('is the day itself up to and including the cutoff', () => {
    expect(workingDayFor('2026-11-24T10:00:00.000Z', '14:00')).toBe('2026-11-24');
    expect(workingDayFor('2026-11-24T14:00:00.000Z', '14:00')).toBe('2026-11-24');
  });

  it('is the next working day after the cutoff', () => {
    expect(workingDayFor('2026-11-24T14:00:00.001Z', '14:00')).toBe('2026-11-25');
    expect(workingDayFor('2026-11-27T15:00:00.000Z', '14:00')).toBe('2026-11-30');
  });

  it('reads the cutoff on the London wall clock in summer', () => {
    expect(workingDayFor('2026-06-15T12:30:00.000Z', '14:00')).toBe('2026-06-15');
    expect(workingDayFor('2026-06-15T13:30:00.000Z', '14:00')).toBe('2026-06-16');
  });

  it('is the next working day for an arrival on a weekend or bank holiday, whatever the time', () => {
    expect(workingDayFor('2026-11-28T09:00:00.000Z', '14:00')).toBe('2026-11-30');
    expect(workingDayFor('2026-12-28T09:00:00.000Z', '14:00')).toBe('2026-12-29');
  });
});

describe('adding working hours', () => {
  it('counts only office hours on working days: Monday 10:00 + 24 working hours of 08:30–16:30 is Thursday 10:00', () => {
    expect(addWorkingHours('2026-11-23T10:00:00.000Z', 24, traffordOfficeHours)).toBe('2026-11-26T10:00:00.000Z');
  });

  it('starts a count that begins outside office hours at the next opening', () => {
    expect(addWorkingHours('2026-11-23T07:00:00.000Z', 8, traffordOfficeHours)).toBe('2026-11-23T16:30:00.000Z');
    expect(addWorkingHours('2026-11-27T18:00:00.000Z', 1, traffordOfficeHours)).toBe('2026-11-30T09:30:00.000Z');
    expect(addWorkingHours('2026-11-28T12:00:00.000Z', 0, traffordOfficeHours)).toBe('2026-11-30T08:30:00.000Z');
  });

  it('ends a count that runs out exactly at closing time at the close', () => {
    expect(addWorkingHours('2026-11-27T18:00:00.000Z', 24, traffordOfficeHours)).toBe('2026-12-02T16:30:00.000Z');
  });

  it('carries what is left at closing time to the next working day\'s opening', () => {
    expect(addWorkingHours('2026-11-27T16:00:00.000Z', 1.5, traffordOfficeHours)).toBe('2026-11-30T09:30:00.000Z');
  });

  it('skips bank holidays and reads office hours on the BST wall clock', () => {
    expect(addWorkingHours('2026-08-28T14:30:00.000Z', 2, traffordOfficeHours)).toBe('2026-09-01T08:30:00.000Z');
    expect(localTime('2026-09-01T08:30:00.000Z')).toBe('09:30');
  });

  it('returns an instant inside office hours unchanged for zero hours', () => {
    expect(addWorkingHours('2026-11-24T10:00:00.000Z', 0, traffordOfficeHours)).toBe('2026-11-24T10:00:00.000Z');
  });

  it('refuses negative hours and office hours that do not open before they close', () => {
    expect(() => addWorkingHours('2026-11-24T10:00:00.000Z', -1, traffordOfficeHours)).toThrow(CalendarInputError);
    expect(() => addWorkingHours('2026-11-24T10:00:00.000Z', 1, { start: '16:30', end: '08:30' })).toThrow(/start before end/);
  });
});

describe('days outside the bank-holiday table', () => {
  it('are refused with a CalendarRangeError naming the date and the covered range', () => {
    expect(() => isBankHoliday('2023-12-29')).toThrow(CalendarRangeError);
    expect(() => isWorkingDay('2033-01-03')).toThrow('No bank-holiday data for 2033-01-03: the England and Wales table covers 2024-01-01 to 2032-12-31');
    try {
      bankHolidayName('2033-06-01');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarRangeError);
      expect(error).toMatchObject({ name: 'CalendarRangeError', date: '2033-06-01', coverFrom: '2024-01-01', coverTo: '2032-12-31' });
    }
  });

  it('are refused when a calculation runs past the end of the table, not guessed', () => {
    expect(() => nextWorkingDay('2032-12-31')).toThrow(CalendarRangeError);
    expect(() => addWorkingDays('2032-12-30T10:00:00.000Z', 2)).toThrow(CalendarRangeError);
    expect(() => firstSlotAfter('2032-12-31', dorsetDailyMeeting)).toThrow(CalendarRangeError);
    expect(() => addWorkingHours('2032-12-31T10:00:00.000Z', 24, traffordOfficeHours)).toThrow(CalendarRangeError);
    expect(() => workingDayFor('2023-12-31T10:00:00.000Z', '14:00')).toThrow(CalendarRangeError);
  });

  it('still convert and count calendar days, which need no holiday data', () => {
    expect(atLocal('2040-06-01', '12:00')).toBe('2040-06-01T11:00:00.000Z');
    expect(localDate('2040-06-01T23:30:00.000Z')).toBe('2040-06-02');
    expect(addDays('2032-12-31', 1)).toBe('2033-01-01');
    expect(nthWeekdayOfMonth(2040, 1, 'wednesday', 4)).toBe('2040-01-25');
  });
});

describe('malformed input', () => {
  it('is refused with a CalendarInputError that shows the value', () => {
    for (const bad of ['2026-02-30', '2026-2-3', '27/11/2026', '', '2026-11-24T10:00:00.000Z']) {
      expect(() => isWorkingDay(bad), bad).toThrow(CalendarInputError);
    }
    expect(() => weekdayOf('2026-02-29')).toThrow('date must be a date "YYYY-MM-DD" that exists, got "2026-02-29"');
    for (const bad of ['24:00', '9:00', '12:00:00', 'noon']) expect(() => atLocal('2026-11-24', bad), bad).toThrow(CalendarInputError);
    for (const bad of ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000+00:00', '2026-11-24 10:00:00.000Z', '2026-11-24']) {
      expect(() => localDate(bad), bad).toThrow(CalendarInputError);
    }
    expect(() => addDays('2026-11-24', 0.5)).toThrow(CalendarInputError);
  });

  it('includes results that would leave the years 0000–9999', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(CalendarInputError);
    expect(() => addHours('9999-12-31T23:00:00.000Z', 2)).toThrow(CalendarInputError);
  });
});

describe('the calendar code', () => {
  it('reads no clock, no randomness and no I/O, as the workflow sandbox requires', () => {
    for (const file of ['calendar.ts', 'time.ts', 'bank-holidays.ts']) {
      const source = readFileSync(new URL(`../../domain/${file}`, import.meta.url), 'utf8');
      expect(source, file).not.toMatch(/Date\.now|new Date\(\)|Math\.random|from 'node:|@temporalio|@date-fns/);
    }
  });
});

/** Easter Sunday by the anonymous Gregorian algorithm, to check the table independently. */
function gregorianEaster(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
