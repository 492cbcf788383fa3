import { DateTime } from 'luxon';
import { calendarZone } from '../../../domain/calendar';
import type { Profile } from '../../../domain/profile';
import type { StoredCaseRecord } from '../../../store/records/read';
import { buildSafeLivesReport, safeLivesCaseOf, type SafeLivesReport, type Share } from '../safelives';
import { nationalFigures } from './national';

/**
 * The dashboard's figures for a period (issue 21 item 8), from the case record alone: the SafeLives
 * return's counts (cases heard, repeats, referrals, equality) with what a Marac reviews beside them —
 * cases by month, the rate per 10,000 adult women, time per stage and overdue actions by agency.
 * Only counts, medians and agency identifiers leave this module.
 */
export type DashboardRecord = Pick<
  StoredCaseRecord,
  'caseId' | 'profile' | 'stage' | 'route' | 'repeat' | 'receivedAt' | 'heardAt' | 'closedAt' | 'actions' | 'referrerAgency' | 'children' | 'personal'
>;

export interface Median {
  /** Days, to one decimal place; null when no case measured. */
  days: number | null;
  cases: number;
}

export interface DashboardFigures {
  from: string;
  to: string;
  profile: string | null;
  generatedAt: string;
  /** Each month of the period (Europe/London), zero included: cases heard and cases referred to the meeting. */
  byMonth: { month: string; heard: number; referred: number }[];
  cases: number;
  repeats: Share;
  partnerAgencies: Share;
  rate: {
    /** The population used, or null when a profile reported on has none configured. */
    population: { adultWomen: number; source: string } | null;
    /** Cases heard per 10,000 adult women in the period, and that rate over a year (SafeLives' figure is yearly). */
    per10k: number | null;
    perYear: number | null;
  };
  timePerStage: { referralToMeeting: Median; meetingToClosure: Median };
  /** Open actions past their due date when the dashboard was made, by owning agency. */
  overdueActions: { asOf: string; total: number; byAgency: Record<string, number> };
  safeLives: SafeLivesReport;
  national: typeof nationalFigures;
}

const dayMs = 86_400_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const share = (count: number, total: number): Share => ({ count, percent: total === 0 ? null : Math.round((count / total) * 1000) / 10 });
const daysBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / dayMs;
const medianDays = (spans: number[]): Median => {
  const m = median(spans);
  return { days: m === null ? null : round1(m), cases: spans.length };
};

/** The months (yyyy-MM, Europe/London) that [from, to) touches. */
export function monthsOf(from: string, to: string): string[] {
  const end = DateTime.fromISO(to, { zone: calendarZone });
  const months: string[] = [];
  for (let m = DateTime.fromISO(from, { zone: calendarZone }).startOf('month'); m < end; m = m.plus({ months: 1 })) months.push(m.toFormat('yyyy-MM'));
  return months;
}
const monthOf = (at: string) => DateTime.fromISO(at, { zone: calendarZone }).toFormat('yyyy-MM');

/**
 * The population a rate is per: the profile's, or for every profile together their sum when each has
 * one (a deployment's rate over all its areas); null when any is missing.
 */
export function populationOf(profiles: readonly Pick<Profile, 'population'>[]): DashboardFigures['rate']['population'] {
  if (profiles.length === 0 || profiles.some((p) => !p.population)) return null;
  if (profiles.length === 1) return profiles[0]!.population!;
  return {
    adultWomen: profiles.reduce((n, p) => n + p.population!.adultWomen, 0),
    source: `sum over ${profiles.length} profiles: ${profiles.map((p) => p.population!.source).join('; ')}`,
  };
}

export function buildDashboard(
  records: readonly DashboardRecord[],
  period: { from: string; to: string; profile?: string; generatedAt: string },
  population: DashboardFigures['rate']['population'],
): DashboardFigures {
  const { from, to, generatedAt } = period;
  const scope = period.profile ? { profile: period.profile } : {};
  const ofScope = records.filter((r) => r.route === 'hrda' && (!period.profile || r.profile === period.profile));
  const inPeriod = (at: string | null): at is string => at !== null && at >= from && at < to;
  const safeLives = buildSafeLivesReport(ofScope.flatMap((r) => safeLivesCaseOf(r) ?? []), from, to, scope);

  // Counted from the records, not only those with personal facts left: a case whose personal data was
  // destroyed was still heard. Only the equality figures (safeLives) need the personal facts.
  const heard = ofScope.filter((r) => inPeriod(r.heardAt));
  const byMonth = monthsOf(from, to).map((month) => ({
    month,
    heard: heard.filter((r) => monthOf(r.heardAt!) === month).length,
    referred: ofScope.filter((r) => inPeriod(r.receivedAt) && monthOf(r.receivedAt) === month).length,
  }));

  const years = daysBetween(from, to) / 365.25;
  const per10k = population ? (heard.length / population.adultWomen) * 10_000 : null;

  const overdue = ofScope.flatMap((r) => r.actions.filter((a) => (a.status === 'open' || a.status === 'in-progress') && (a.overdue || Date.parse(a.dueAt) < Date.parse(generatedAt))));
  const byAgency: Record<string, number> = {};
  for (const a of overdue) byAgency[a.owner] = (byAgency[a.owner] ?? 0) + 1;

  return {
    from, to, profile: period.profile ?? null, generatedAt,
    byMonth,
    cases: heard.length,
    // From the records, as the cases are: neither needs a case's personal facts.
    repeats: share(heard.filter((r) => r.repeat !== null).length, heard.length),
    partnerAgencies: share(heard.filter((r) => r.referrerAgency !== 'police').length, heard.length),
    rate: {
      population,
      per10k: per10k === null ? null : round1(per10k),
      perYear: per10k === null || years <= 0 ? null : round1(per10k / years),
    },
    timePerStage: {
      referralToMeeting: medianDays(heard.map((r) => daysBetween(r.receivedAt, r.heardAt!))),
      meetingToClosure: medianDays(ofScope.filter((r) => r.heardAt !== null && inPeriod(r.closedAt)).map((r) => daysBetween(r.heardAt!, r.closedAt!))),
    },
    overdueActions: {
      asOf: generatedAt,
      total: overdue.length,
      byAgency: Object.fromEntries(Object.entries(byAgency).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))),
    },
    safeLives,
    national: nationalFigures,
  };
}
