import type { AgencyId } from '../../domain/actor';
import { addDays, atLocal, bankHolidayName, isWorkingDay, localDate, slotFallsOn, weekdayOf } from '../../domain/calendar';
import { plusDuration } from '../../domain/duration';
import type { MaracRules } from '../../domain/marac';
import type { Profile } from '../../domain/profile';
import type { Instant, LocalDate } from '../../domain/time';

/**
 * When a MARAC sits and when its papers go out ([002] 3.4, 3.8), from the profile and the
 * calendar. Pure: the case, the MARAC's machine, the planner and the calendar export read the
 * same plan.
 */
export interface MaracMeetingPlan {
  kind: 'marac';
  profileId: string;
  date: LocalDate;
  /** False on a day with no MARAC (not a week of the series, or a bank holiday); `noMeetingReason` says why. */
  held: boolean;
  noMeetingReason: string | null;
  meetingAt: Instant;
  /** [002] 3.4: the papers go out by close of business on the Friday before. */
  papersBy: Instant;
  endsAt: Instant;
  /** [002] 3.10: the chair's agency. */
  chair: AgencyId | null;
  /** [002] 3.12: the MARAC before this one, whose outstanding actions are taken first; null when none is found. */
  previousMeetingAt: Instant | null;
}

/** The profile's MARAC; callers check that it has one (a referral to the MARAC is refused otherwise). */
export function maracRules(profile: Profile): MaracRules {
  if (!profile.marac) throw new Error(`${profile.id} holds no MARAC`);
  return profile.marac;
}

const slotsOn = (rules: MaracRules, date: LocalDate) => rules.slots.filter((s) => slotFallsOn(s, date)).map((s) => s.time).sort();

function noMaracReason(profile: Profile, rules: MaracRules, date: LocalDate): string | null {
  const holiday = bankHolidayName(date);
  if (holiday) return `${date} is a bank holiday (${holiday}): no MARAC`;
  if (slotsOn(rules, date).length === 0) {
    return rules.slots.some((s) => s.weekday === weekdayOf(date))
      ? `${date} is not in a week of ${profile.id}'s MARAC series: no MARAC`
      : `${profile.id} holds no MARAC on a ${weekdayOf(date)}`;
  }
  return isWorkingDay(date) ? null : `${date} is not a working day: no MARAC`;
}

/**
 * [002] 3.4: close of business on the last papers weekday before the meeting; a papers day that is
 * not a working day (Good Friday, New Year's Day) moves to the working day before it.
 */
export function maracPapersBy(rules: MaracRules, date: LocalDate): Instant {
  let day = addDays(date, -1);
  while (weekdayOf(day) !== rules.papersDue.weekday) day = addDays(day, -1);
  while (!isWorkingDay(day)) day = addDays(day, -1);
  return atLocal(day, rules.papersDue.at);
}

/** Looks back far enough to pass a missed meeting or two of an eight-weekly series. */
const searchDays = 7 * 8 * 3;

function previousMaracDate(profile: Profile, rules: MaracRules, date: LocalDate): LocalDate | null {
  for (let back = 1; back <= searchDays; back += 1) {
    const day = addDays(date, -back);
    if (noMaracReason(profile, rules, day) === null) return day;
  }
  return null;
}

export function maracMeetingPlan(profile: Profile, date: LocalDate): MaracMeetingPlan {
  const rules = maracRules(profile);
  const noMeetingReason = noMaracReason(profile, rules, date);
  const meetingAt = atLocal(date, slotsOn(rules, date)[0] ?? rules.slots[0]!.time);
  const previous = previousMaracDate(profile, rules, date);
  return {
    kind: 'marac',
    profileId: profile.id,
    date,
    held: noMeetingReason === null,
    noMeetingReason,
    meetingAt,
    papersBy: maracPapersBy(rules, date),
    endsAt: plusDuration(meetingAt, rules.outcomesBy),
    chair: rules.chair ?? null,
    previousMeetingAt: previous ? atLocal(previous, slotsOn(rules, previous)[0]!) : null,
  };
}

/**
 * The MARAC a case referred on at `referredAt` is heard at: the first held whose papers have not
 * gone out yet ([002] 3.4). Referred at or after the papers deadline, it goes to the next one.
 */
export function maracFor(profile: Profile, referredAt: Instant): MaracMeetingPlan {
  const from = localDate(referredAt);
  for (let ahead = 0; ahead <= searchDays; ahead += 1) {
    const plan = maracMeetingPlan(profile, addDays(from, ahead));
    if (plan.held && referredAt < plan.papersBy) return plan;
  }
  throw new Error(`${profile.id} holds no MARAC within ${searchDays} days of ${from}`);
}
