import { addDays, addHours, atLocal, isWorkingDay, localDate, slotFallsOn, weekdayOf, workingDayFor } from './calendar';
import type { Profile } from './profile';
import type { Instant, LocalDate, LocalTime } from './time';

/**
 * The day's cut-offs, where a protocol sets a different one on some weekdays ([002] 2.14: cases
 * are shared by 10:00, by 11:00 on a Monday). A profile without per-weekday times has one cut-off
 * every day, and these read exactly as `infoRequest.cutoff` and `dailyMeeting.agendaFreeze.at`.
 */

/** The information-request (sharing) cut-off on `date`. */
export function sharingCutoffOn(profile: Profile, date: LocalDate): LocalTime {
  return profile.infoRequest.cutoffByWeekday?.[weekdayOf(date)] ?? profile.infoRequest.cutoff;
}

/** The time the agenda of a meeting freezes on `date` (the freeze day, not the meeting's). */
export function agendaFreezeOn(profile: Profile, date: LocalDate): LocalTime {
  const freeze = profile.dailyMeeting.agendaFreeze;
  return freeze.byWeekday?.[weekdayOf(date)] ?? freeze.at;
}

/**
 * PROTOCOL.md §1.2: the circulation day is the day of receipt when the referral arrives on a
 * working day by that day's cut-off, otherwise the next working day.
 */
export function circulationDayFor(profile: Profile, receivedAt: Instant): LocalDate {
  return workingDayFor(receivedAt, sharingCutoffOn(profile, localDate(receivedAt)));
}

/**
 * [002] 1.2, 2.5: the police incidents a daily meeting considers are those of the `hours` before
 * its sharing cut-off (24, or 72 on a Monday to take in the weekend). Decision: the window reaches
 * back to the previous meeting's cut-off where that is earlier, so that no incident falls between
 * two meetings — after a bank holiday, or in the hour between Friday's 10:00 and Monday's 11:00
 * cut-offs. Undefined for a profile that sets no window.
 */
export function incidentWindowOf(profile: Profile, meetingDate: LocalDate): { from: Instant; to: Instant } | undefined {
  const window = profile.dailyMeeting.incidentWindow;
  if (!window) return undefined;
  const to = atLocal(meetingDate, sharingCutoffOn(profile, meetingDate));
  const byHours = addHours(to, -(window.byWeekday?.[weekdayOf(meetingDate)] ?? window.hours));
  const previous = previousMeetingDay(profile, meetingDate);
  const sincePrevious = previous ? atLocal(previous, sharingCutoffOn(profile, previous)) : byHours;
  return { from: sincePrevious < byHours ? sincePrevious : byHours, to };
}

/** The last working day before `date` with a daily meeting, looking back a few weeks at most. */
function previousMeetingDay(profile: Profile, date: LocalDate): LocalDate | undefined {
  for (let back = 1; back <= 28; back += 1) {
    const day = addDays(date, -back);
    if (isWorkingDay(day) && profile.dailyMeeting.slots.some((s) => slotFallsOn(s, day))) return day;
  }
  return undefined;
}
