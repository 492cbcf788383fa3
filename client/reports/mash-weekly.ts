import { addDays, atLocal, weekdayOf } from '../../domain/calendar';
import type { MashProfile } from '../../domain/mash';
import type { Risk } from '../../domain/referral';
import type { LocalDate } from '../../domain/time';
import type { MashIncident } from './mash-incidents';

/**
 * The MASH's weekly report (003 §7.3.1(9)–(10)): the incidents of the report's risk levels (standard)
 * completed in the week and those outstanding at its end, "to ensure all incidents are processed and
 * not outstanding by the end of each week", with what held completion up. "Completed" is the
 * screening decision (§7.3.1(3)); it is computed from the instants the cases recorded, so the report
 * for a past week reads the same whenever it is run. A report of the week still running is as it
 * stands at `asOf` (now): what is outstanding and overdue so far.
 */
export interface MashWeeklyReport {
  profile: string;
  /** The week: [weekStart, weekEnd), ending at the profile's weekday and time (Europe/London). */
  weekStart: string;
  weekEnd: string;
  /** The instant the report speaks for: the end of the week, or now if the week has not ended. */
  asOf: string;
  risks: Risk[];
  completed: { caseId: string; receivedAt: string; completedAt: string; outcome: string; completeBy: string | null; late: boolean }[];
  outstanding: { caseId: string; receivedAt: string; completeBy: string | null; overdue: boolean }[];
  counts: { completed: number; completedLate: number; outstanding: number; outstandingOverdue: number };
  /** What impacts on completion (§7.3.1(10)), in words. */
  issues: string[];
}

/** The week that ends on `weekEnding` (a date that must fall on the profile's weekday). */
export function mashReportWeek(mash: MashProfile, weekEnding: LocalDate): { weekStart: string; weekEnd: string } {
  const { weekday, time } = mash.weeklyReport.weekEnds;
  if (weekdayOf(weekEnding) !== weekday) throw new Error(`the week ends on a ${weekday} (${time}); ${weekEnding} is a ${weekdayOf(weekEnding)}`);
  return { weekStart: atLocal(addDays(weekEnding, -7), time), weekEnd: atLocal(weekEnding, time) };
}

export function buildMashWeeklyReport(profileId: string, mash: MashProfile, incidents: readonly MashIncident[], weekEnding: LocalDate, now?: string): MashWeeklyReport {
  const { weekStart, weekEnd } = mashReportWeek(mash, weekEnding);
  const asOf = now !== undefined && now < weekEnd ? now : weekEnd;
  const risks = mash.weeklyReport.risks;
  const counted = incidents.filter((i) => i.profile === profileId && risks.includes(i.risk) && i.receivedAt < asOf);
  const completed = counted
    .filter((i) => i.screening && i.screening.at >= weekStart && i.screening.at < asOf)
    .map((i) => ({ caseId: i.caseId, receivedAt: i.receivedAt, completedAt: i.screening!.at, outcome: i.screening!.outcome, completeBy: i.completeBy, late: i.screening!.late }));
  // Not screened by the end of the week, and not closed otherwise (an administrator's closure) before it.
  const outstanding = counted
    .filter((i) => !(i.screening && i.screening.at < asOf) && !(i.closedAt && i.closedAt < asOf))
    .map((i) => ({ caseId: i.caseId, receivedAt: i.receivedAt, completeBy: i.completeBy, overdue: i.completeBy !== null && i.completeBy <= asOf }));
  const counts = {
    completed: completed.length,
    completedLate: completed.filter((c) => c.late).length,
    outstanding: outstanding.length,
    outstandingOverdue: outstanding.filter((o) => o.overdue).length,
  };
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const issues = [
    ...(counts.completedLate ? [`${plural(counts.completedLate, 'incident was', 'incidents were')} completed after the timescale: ${completed.filter((c) => c.late).map((c) => c.caseId).join(', ')}`] : []),
    ...(counts.outstandingOverdue ? [`${plural(counts.outstandingOverdue, 'incident is', 'incidents are')} outstanding past the timescale: ${outstanding.filter((o) => o.overdue).map((o) => o.caseId).join(', ')}`] : []),
    ...(counts.outstanding > counts.outstandingOverdue ? [`${plural(counts.outstanding - counts.outstandingOverdue, 'incident is', 'incidents are')} outstanding ${asOf < weekEnd ? 'so far' : 'at the end of the week'}, within the timescale`] : []),
  ];
  return { profile: profileId, weekStart, weekEnd, asOf, risks, completed, outstanding, counts, issues };
}

export function renderMashWeeklyReport(r: MashWeeklyReport): string {
  const out = [
    `MASH weekly report (${r.profile}): ${r.risks.join(' and ')} incidents, week ${r.weekStart} to ${r.weekEnd}${r.asOf < r.weekEnd ? `, as it stands at ${r.asOf}` : ''}`,
    '',
    `Completed in the week: ${r.counts.completed} (${r.counts.completedLate} after their timescale)`,
    ...r.completed.map((c) => `  ${c.caseId}  received ${c.receivedAt}  completed ${c.completedAt}  ${c.outcome}${c.late ? `  LATE (due ${c.completeBy})` : ''}`),
    '',
    `Outstanding ${r.asOf < r.weekEnd ? 'now' : 'at the end of the week'}: ${r.counts.outstanding} (${r.counts.outstandingOverdue} past their timescale)`,
    ...r.outstanding.map((o) => `  ${o.caseId}  received ${o.receivedAt}  due ${o.completeBy ?? '-'}${o.overdue ? '  OVERDUE' : ''}`),
    '',
    'Issues impacting on completion:',
    ...(r.issues.length ? r.issues.map((i) => `  - ${i}`) : ['  none: every incident was completed within its timescale']),
  ];
  return out.join('\n');
}
