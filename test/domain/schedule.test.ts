import { describe, expect, it } from 'vitest';
import { weekdayOf } from '../../domain/calendar';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { actionDeadlines, dailySchedule, meetingAfter, monthlyMeetingFor } from '../../machines/referral/schedule';

const profile = dorsetHrda;

describe('dailySchedule: PROTOCOL.md §3 worked examples', () => {
  it('Tuesday 2026-11-24 10:00 → request by Tuesday 14:00 → heard Thursday 2026-11-26 12:00 (no Wednesday meeting)', () => {
    expect(dailySchedule(profile, '2026-11-24T10:00:00.000Z')).toEqual({
      circulationDay: '2026-11-24',
      circulateBy: '2026-11-24T14:00:00.000Z',
      meetingAt: '2026-11-26T12:00:00.000Z',
      summaryReminderAt: '2026-11-26T09:00:00.000Z',
    });
  });

  it('Thursday 2026-12-24 15:30 → circulated Tuesday 2026-12-29 (25th and the 28th substitute are bank holidays) → heard Thursday 2026-12-31 12:00', () => {
    expect(dailySchedule(profile, '2026-12-24T15:30:00.000Z')).toEqual({
      circulationDay: '2026-12-29',
      circulateBy: '2026-12-29T14:00:00.000Z',
      meetingAt: '2026-12-31T12:00:00.000Z',
      summaryReminderAt: '2026-12-31T09:00:00.000Z',
    });
  });
});

describe('dailySchedule: the circulation day and the meeting "on the next day"', () => {
  it('takes a Tuesday arrival after 14:00 on Wednesday, to be heard Thursday', () => {
    const s = dailySchedule(profile, '2026-11-24T14:30:00.000Z');
    expect(s).toMatchObject({ circulationDay: '2026-11-25', circulateBy: '2026-11-25T14:00:00.000Z', meetingAt: '2026-11-26T12:00:00.000Z' });
  });

  it('takes an arrival at 14:00 exactly the same day, and one a millisecond later the next working day', () => {
    expect(dailySchedule(profile, '2026-11-24T14:00:00.000Z').circulationDay).toBe('2026-11-24');
    expect(dailySchedule(profile, '2026-11-24T14:00:00.001Z').circulationDay).toBe('2026-11-25');
  });

  it('takes a Friday 15:00 arrival on Monday, to be heard Tuesday', () => {
    const s = dailySchedule(profile, '2026-11-27T15:00:00.000Z');
    expect(s).toMatchObject({ circulationDay: '2026-11-30', circulateBy: '2026-11-30T14:00:00.000Z', meetingAt: '2026-12-01T12:00:00.000Z' });
    expect(weekdayOf(s.circulationDay)).toBe('monday');
  });

  it('takes a weekend arrival on Monday, whatever the time', () => {
    expect(dailySchedule(profile, '2026-11-28T09:00:00.000Z')).toMatchObject({ circulationDay: '2026-11-30', meetingAt: '2026-12-01T12:00:00.000Z' });
  });

  it('hears a case circulated on Thursday on Friday, and one circulated on Friday on Monday', () => {
    expect(dailySchedule(profile, '2026-11-26T10:00:00.000Z').meetingAt).toBe('2026-11-27T12:00:00.000Z');
    expect(dailySchedule(profile, '2026-11-27T10:00:00.000Z').meetingAt).toBe('2026-11-30T12:00:00.000Z');
  });

  it('reads 14:00 and 12:00 on the London clock in summer (BST)', () => {
    const s = dailySchedule(profile, '2026-06-15T12:30:00.000Z'); // Monday 13:30 BST
    expect(s).toEqual({
      circulationDay: '2026-06-15',
      circulateBy: '2026-06-15T13:00:00.000Z',
      meetingAt: '2026-06-16T11:00:00.000Z',
      summaryReminderAt: '2026-06-16T08:00:00.000Z',
    });
    expect(dailySchedule(profile, '2026-06-15T13:30:00.000Z').circulationDay).toBe('2026-06-16'); // 14:30 BST
  });

  it('puts the case on a meeting strictly after its circulation day, and the reminder on that meeting\'s day', () => {
    expect(meetingAfter(profile, '2026-11-30')).toEqual({
      circulationDay: '2026-11-30',
      circulateBy: '2026-11-30T14:00:00.000Z',
      meetingAt: '2026-12-01T12:00:00.000Z',
      summaryReminderAt: '2026-12-01T09:00:00.000Z',
    });
  });
});

describe('monthlyMeetingFor: the HRDAP on the fourth Wednesday at 09:00, QA a week before (PROTOCOL.md §1.5)', () => {
  it('December 2026: meeting 2026-12-23 09:00, QA and circulation 2026-12-16 09:00', () => {
    expect(monthlyMeetingFor(profile, '2026-12-01T10:00:00.000Z')).toEqual({ meetingAt: '2026-12-23T09:00:00.000Z', qaBy: '2026-12-16T09:00:00.000Z' });
    expect(monthlyMeetingFor(profile, '2026-12-16T08:59:59.999Z').meetingAt).toBe('2026-12-23T09:00:00.000Z');
  });

  it('sends a request made at or after the QA point to the following month', () => {
    expect(monthlyMeetingFor(profile, '2026-12-16T09:00:00.000Z')).toEqual({ meetingAt: '2027-01-27T09:00:00.000Z', qaBy: '2027-01-20T09:00:00.000Z' });
    expect(monthlyMeetingFor(profile, '2026-12-17T10:00:00.000Z').meetingAt).toBe('2027-01-27T09:00:00.000Z');
  });

  it('sends a request made after the month\'s meeting to the next month\'s', () => {
    expect(monthlyMeetingFor(profile, '2026-12-24T10:00:00.000Z').meetingAt).toBe('2027-01-27T09:00:00.000Z');
    expect(monthlyMeetingFor(profile, '2026-11-30T10:00:00.000Z').meetingAt).toBe('2026-12-23T09:00:00.000Z');
  });

  it('keeps 09:00 on the London clock across the October clock change', () => {
    // Fourth Wednesday of October 2026 is the 28th, after the clocks go back on the 25th;
    // the QA point a week before is 09:00 BST.
    expect(monthlyMeetingFor(profile, '2026-10-01T10:00:00.000Z')).toEqual({ meetingAt: '2026-10-28T09:00:00.000Z', qaBy: '2026-10-21T08:00:00.000Z' });
  });
});

describe('actionDeadlines (PROTOCOL.md §1.4)', () => {
  it('makes an update due three weeks after the hearing, with a reminder one week before', () => {
    expect(actionDeadlines(profile, '2026-11-26T12:00:00.000Z')).toEqual({ dueAt: '2026-12-17T12:00:00.000Z', reminderAt: '2026-12-10T12:00:00.000Z' });
  });

  it('keeps an agreed due date, reminding a week before it', () => {
    expect(actionDeadlines(profile, '2026-11-26T12:00:00.000Z', '2027-01-08T12:00:00.000Z')).toEqual({ dueAt: '2027-01-08T12:00:00.000Z', reminderAt: '2027-01-01T12:00:00.000Z' });
  });

  it('keeps the wall-clock time across a clock change: three weeks after 12:00 BST is 12:00 GMT', () => {
    expect(actionDeadlines(profile, '2026-10-15T11:00:00.000Z').dueAt).toBe('2026-11-05T12:00:00.000Z');
  });
});
