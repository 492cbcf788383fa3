import type { AgencyId } from '../../domain/actor';
import type { MeetingKind } from '../../domain/agenda';
import { addDays, atLocal, bankHolidayName, isWorkingDay, nthWeekdayOfMonth, slotFallsOn, weekdayOf } from '../../domain/calendar';
import { agendaFreezeOn, incidentWindowOf } from '../../domain/cutoffs';
import { plusDuration, minusDuration } from '../../domain/duration';
import type { Profile } from '../../domain/profile';
import type { Instant, LocalDate, LocalTime } from '../../domain/time';
import { maracMeetingPlan, type MaracMeetingPlan } from './marac-plan';

/**
 * When a meeting sits and what happens around it, computed from the profile and the calendar
 * (PROTOCOL.md §1.3, §1.5). Pure: the meeting machines, the planner, the .ics export and the
 * client all read the same plan.
 */
export interface DailyMeetingPlan {
  kind: 'daily';
  profileId: string;
  date: LocalDate;
  /** False on a day with no meeting (a bank holiday, or a weekday with no slot); `noMeetingReason` says why. */
  held: boolean;
  noMeetingReason: string | null;
  meetingAt: Instant;
  /** The agenda freezes and the pack is circulated (Dorset: 14:00 on the last working day before). */
  freezeAt: Instant;
  /** Outcomes are taken until then; cases not heard roll over and the minutes go out. */
  endsAt: Instant;
  facilitator: AgencyId | null;
  /** The police incidents this meeting considers ([002] 2.5), for a profile that sets a window. */
  incidentWindow?: { from: Instant; to: Instant };
}

export interface MonthlyMeetingPlan {
  kind: 'monthly';
  profileId: string;
  date: LocalDate;
  held: boolean;
  noMeetingReason: string | null;
  meetingAt: Instant;
  /** The chairs' QA point and the circulation of the case summaries, a week before (PROTOCOL.md §1.5). */
  qaBy: Instant;
  endsAt: Instant;
  facilitator: AgencyId | null;
}

export type MeetingPlan = DailyMeetingPlan | MonthlyMeetingPlan | MaracMeetingPlan;

const slotTimes = (profile: Profile, date: LocalDate): LocalTime[] =>
  profile.dailyMeeting.slots.filter((s) => slotFallsOn(s, date)).map((s) => s.time).sort();

/** The working day `n` working days before `date` (`date` itself when n is 0 and it is a working day). */
function workingDaysBefore(date: LocalDate, n: number): LocalDate {
  let day = date;
  for (let counted = 0; counted < n; ) {
    day = addDays(day, -1);
    if (isWorkingDay(day)) counted += 1;
  }
  return day;
}

export function dailyMeetingPlan(profile: Profile, date: LocalDate): DailyMeetingPlan {
  const d = profile.dailyMeeting;
  const times = slotTimes(profile, date);
  const holiday = bankHolidayName(date);
  const weekday = weekdayOf(date);
  const noMeetingReason = holiday
    ? `${date} is a bank holiday (${holiday}): no meeting`
    : times.length === 0
      ? d.slots.some((s) => s.weekday === weekday)
        ? `${date} is not in a week of ${profile.id}'s ${weekday} meetings: no meeting`
        : `${profile.id} holds no daily meeting on a ${weekday}`
      : !isWorkingDay(date)
        ? `${date} is not a working day: no meeting`
        : null;
  // A day with no slot still needs an instant to name the missed meeting: the profile's first slot time.
  const meetingAt = atLocal(date, times[0] ?? d.slots[0]!.time);
  const freezeDay = workingDaysBefore(date, d.agendaFreeze.workingDaysBefore);
  const freezeAt = atLocal(freezeDay, agendaFreezeOn(profile, freezeDay));
  const incidentWindow = incidentWindowOf(profile, date);
  return {
    kind: 'daily',
    profileId: profile.id,
    date,
    held: noMeetingReason === null,
    noMeetingReason,
    meetingAt,
    freezeAt: freezeAt < meetingAt ? freezeAt : meetingAt,
    endsAt: plusDuration(meetingAt, d.outcomesBy),
    facilitator: d.facilitators[weekday] ?? null,
    ...(incidentWindow ? { incidentWindow } : {}),
  };
}

/** The profile's management meeting; callers check that it has one (a review request is refused otherwise). */
export function managementMeeting(profile: Profile): NonNullable<Profile['monthlyMeeting']> {
  if (!profile.monthlyMeeting) throw new Error(`${profile.id} holds no monthly management meeting`);
  return profile.monthlyMeeting;
}

export function monthlyMeetingPlan(profile: Profile, date: LocalDate): MonthlyMeetingPlan {
  const m = managementMeeting(profile);
  const [year, month] = date.split('-').map(Number) as [number, number];
  const expected = nthWeekdayOfMonth(year, month, m.weekday, m.nth);
  const meetingAt = atLocal(date, m.time);
  const noMeetingReason = expected === date ? null : `the ${profile.id} management meeting of ${date.slice(0, 7)} is on ${expected}, not ${date}`;
  return {
    kind: 'monthly',
    profileId: profile.id,
    date,
    held: noMeetingReason === null,
    noMeetingReason,
    meetingAt,
    qaBy: minusDuration(meetingAt, m.qaBefore),
    endsAt: plusDuration(meetingAt, m.outcomesBy),
    facilitator: m.facilitator ?? null,
  };
}

export function meetingPlan(profile: Profile, kind: MeetingKind, date: LocalDate): MeetingPlan {
  if (kind === 'marac') return maracMeetingPlan(profile, date);
  return kind === 'daily' ? dailyMeetingPlan(profile, date) : monthlyMeetingPlan(profile, date);
}

/** Every meeting held from `from` to `to` inclusive, daily, monthly and MARAC, in date order. */
export function meetingsBetween(profile: Profile, from: LocalDate, to: LocalDate): MeetingPlan[] {
  const found: MeetingPlan[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const daily = dailyMeetingPlan(profile, date);
    if (daily.held) found.push(daily);
    if (weekdayOf(date) === profile.monthlyMeeting?.weekday) {
      const monthly = monthlyMeetingPlan(profile, date);
      if (monthly.held) found.push(monthly);
    }
    if (profile.marac) {
      const marac = maracMeetingPlan(profile, date);
      if (marac.held) found.push(marac);
    }
  }
  return found.sort((a, b) => (a.meetingAt < b.meetingAt ? -1 : a.meetingAt > b.meetingAt ? 1 : 0));
}

/** Agencies that attend a meeting and receive its papers: directory agencies only. */
export function meetingAttendees(profile: Profile, kind: MeetingKind): AgencyId[] {
  const configured = kind === 'daily' ? profile.dailyMeeting.attendees : kind === 'marac' ? profile.marac?.attendees : profile.monthlyMeeting?.attendees;
  return [...new Set(configured ?? profile.infoRequest.agencies)];
}
