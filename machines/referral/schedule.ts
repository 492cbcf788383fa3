import { addDays, atLocal, firstSlotAfter, localDate, nextWorkingDay, nthWeekdayOfMonth } from '../../domain/calendar';
import { circulationDayFor, sharingCutoffOn } from '../../domain/cutoffs';
import { minusDuration, plusDuration } from '../../domain/duration';
import type { Profile } from '../../domain/profile';
import { dailyMeetingPlan, managementMeeting } from '../meeting/plan';
import type { Instant, LocalDate } from '../../domain/time';

export interface DailySchedule {
  circulationDay: LocalDate;
  /** The protocol's deadline for sending the information request. */
  circulateBy: Instant;
  meetingAt: Instant;
  /** Reminder to agencies without a summary, on the meeting day. */
  summaryReminderAt: Instant;
}

/**
 * PROTOCOL.md §1.2–1.3: the circulation day is the day of receipt when the referral arrives on
 * a working day by the cut-off, otherwise the next working day; the case is heard at the first
 * meeting on a working day after the circulation day ("on the next day") — or, for a profile
 * that hears cases on the circulation day ([002] 2.14, 2.17), the first meeting from its cut-off.
 */
export function dailySchedule(profile: Profile, receivedAt: Instant): DailySchedule {
  return meetingAfter(profile, circulationDayFor(profile, receivedAt));
}

export function meetingAfter(profile: Profile, circulationDay: LocalDate): DailySchedule {
  const circulateBy = atLocal(circulationDay, sharingCutoffOn(profile, circulationDay));
  let meetingAt = profile.dailyMeeting.heardOnCirculationDay ? firstMeetingFrom(profile, circulationDay, circulateBy) : firstSlotAfter(circulationDay, profile.dailyMeeting.slots);
  // A meeting whose agenda froze before the case was circulated cannot take it: the next one does
  // (a MARAC whose papers go out days ahead). Dorset's agenda freezes at the cut-off of the working
  // day before, never before a circulation, so its cases are always heard "on the next day"; a
  // profile heard on the circulation day freezes at that day's cut-off, the circulation's own.
  while (dailyMeetingPlan(profile, localDate(meetingAt)).freezeAt < circulateBy) {
    meetingAt = firstSlotAfter(localDate(meetingAt), profile.dailyMeeting.slots);
  }
  return {
    circulationDay,
    circulateBy,
    meetingAt,
    summaryReminderAt: atLocal(localDate(meetingAt), profile.dailyMeeting.summaryReminderAt),
  };
}

function firstMeetingFrom(profile: Profile, day: LocalDate, from: Instant): Instant {
  const sameDayOrLater = firstSlotAfter(addDays(day, -1), profile.dailyMeeting.slots);
  return sameDayOrLater >= from ? sameDayOrLater : firstSlotAfter(day, profile.dailyMeeting.slots);
}

/**
 * The meeting a case goes to when the one at `missedMeetingAt` did not hear it: the first on a
 * later day, its papers circulated again by that day's cut-off where cases are heard on the day.
 */
export function meetingAfterMissed(profile: Profile, missedMeetingAt: Instant): DailySchedule {
  const day = localDate(missedMeetingAt);
  return meetingAfter(profile, profile.dailyMeeting.heardOnCirculationDay ? nextWorkingDay(day) : day);
}

export interface MonthlySlot {
  meetingAt: Instant;
  qaBy: Instant;
}

/**
 * PROTOCOL.md §1.5: the management meeting of the month (e.g. the fourth Wednesday 09:00).
 * A request made less than the QA period before a meeting goes to the following month's.
 */
export function monthlyMeetingFor(profile: Profile, requestedAt: Instant): MonthlySlot {
  const { weekday, nth, time, qaBefore } = managementMeeting(profile);
  const date = localDate(requestedAt);
  let [year, month] = date.split('-').map(Number) as [number, number];
  for (;;) {
    const meetingAt = atLocal(nthWeekdayOfMonth(year, month, weekday, nth), time);
    const qaBy = minusDuration(meetingAt, qaBefore);
    if (requestedAt < qaBy) return { meetingAt, qaBy };
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}

/** When an action's update is due, and when its owner is reminded (PROTOCOL.md §1.4). */
export function actionDeadlines(profile: Profile, from: Instant, dueAt?: Instant): { dueAt: Instant; reminderAt: Instant } {
  const due = dueAt ?? plusDuration(from, profile.actions.updateWithin);
  return { dueAt: due, reminderAt: minusDuration(due, profile.actions.reminderBefore) };
}
