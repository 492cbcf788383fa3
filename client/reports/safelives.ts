import type { Client } from '@temporalio/client';
import { stringify } from 'csv-stringify/sync';
import { localDate } from '../../domain/calendar';
import {
  ageBand, ageBands, ageOn, ethnicities, genders, isDisabled, isLgbtPlus, isMale, isRaciallyMinoritised, sexualities,
  type Answer,
} from '../../domain/equality';
import type { LoadedDataConverter } from '@temporalio/common';
import type { Referral } from '../../domain/referral';
import { lawfulBases, withoutConsentOf, type LawfulBasis, type WithoutConsent } from '../../domain/sharing-without-consent';
import type { CaseView } from '../../machines/referral';
import type { Database } from '../../store/database';
import { readSafeLivesRecords, type StoredCaseRecord } from '../../store/records/read';
import { caseStateQuery } from '../../workflows/referral.messages';

/**
 * The SafeLives Marac data return for a period (issue 8 item 5), computed from the cases.
 *
 * Which cases: those discussed at a multi-agency risk meeting (the daily HRDA/MARAC) held in
 * [from, to) — the return is made per meeting date, of the cases heard there. A case is counted
 * once, at its hearing (`heardAt`); a review at the monthly management meeting is not a hearing.
 * Cases referred to the meeting in the period but not yet heard are listed apart.
 *
 * Only counts leave this module: no name, date of birth or free text of any referral.
 */
export type ReportCase = Pick<CaseView, 'caseId' | 'profile' | 'stage' | 'route' | 'repeat' | 'receivedAt' | 'heardAt' | 'referral'> & { withoutConsent?: WithoutConsent | null };

/** What the return reads of a case: a case view has it (ReportCase), and so has the case record (store/records). */
export type SafeLivesCase = Pick<CaseView, 'caseId' | 'profile' | 'stage' | 'route' | 'receivedAt' | 'heardAt'> & {
  repeat: { previousCaseId: string } | null;
  /**
   * Shared without the victim's consent, with the lawful basis (domain/sharing-without-consent.ts);
   * null when consent was given. Absent: worked out from the case view's consent, basis and "victim told".
   */
  withoutConsent?: WithoutConsent | null;
  sharingWithoutConsent?: { basis: LawfulBasis };
  maracReferral?: { told: readonly { consentToShare?: boolean }[] };
  referral: {
    victim: Pick<Referral['victim'], 'dateOfBirth' | 'equality'> & { consent?: { share: boolean } };
    perpetrator: Pick<Referral['perpetrator'], 'dateOfBirth'>;
    referrer: Pick<Referral['referrer'], 'agency'>;
    children: readonly unknown[];
  };
};

export interface Share {
  count: number;
  /** Of the cases heard in the period, to one decimal place; null when none were heard. */
  percent: number | null;
}

/** A yes/no question of the return: `count` is the yeses; the rest say how complete the data is. */
export interface Tally extends Share {
  no: number;
  declined: number;
  notRecorded: number;
}

export interface SafeLivesReport {
  from: string;
  to: string;
  /** The profile reported on, or null for every profile on the server. */
  profile: string | null;
  /** Meetings held in the period at which cases were heard, with how many. */
  meetings: { meetingAt: string; cases: number }[];
  /** Cases discussed at those meetings. */
  cases: number;
  /** Further referrals within 12 months of the previous one (the profile's repeat window). */
  repeats: Share;
  /** Children in the households of the cases heard. */
  children: { total: number; casesWithChildren: Share };
  referrals: {
    /** Cases heard, by the referring agency (the profile's agency identifiers). */
    byAgency: Record<string, number>;
    police: Share;
    /** Referrals by any agency other than the police ("partner agency referrals"). */
    partnerAgencies: Share;
  };
  victims: {
    male: Tally;
    raciallyMinoritised: Tally;
    lgbtPlus: Tally;
    disability: Tally;
    /** Aged 16 or 17 when the referral was received (from the date of birth every referral carries). */
    aged16to17: Share;
    byGender: Record<string, number>;
    byEthnicity: Record<string, number>;
    bySexuality: Record<string, number>;
    byAgeBand: Record<string, number>;
  };
  perpetrators: {
    /** Aged 17 or below when the referral was received; not recorded when no date of birth was given. */
    aged17OrUnder: Tally;
  };
  /**
   * Cases heard that were shared without the victim's consent (absent on the referral, or refused
   * when the victim was told), by the lawful basis recorded; "not recorded" for a case from before
   * bases were asked for. Every basis is listed, zeros included.
   */
  withoutConsent: { cases: Share; byBasis: Record<string, number> };
  /** Referred to the meeting (received) in the period: heard (in the period or after), awaiting a hearing, or closed without one. */
  referredInPeriod: { cases: number; heard: number; awaitingHearing: number; closedWithoutHearing: number };
}

const notRecorded = 'not recorded';

const percentOf = (count: number, total: number) => (total === 0 ? null : Math.round((count / total) * 1000) / 10);
const share = (count: number, total: number): Share => ({ count, percent: percentOf(count, total) });

function tally(answers: Answer[]): Tally {
  const n = (a: Answer) => answers.filter((x) => x === a).length;
  return { ...share(n('yes'), answers.length), no: n('no'), declined: n('declined'), notRecorded: n('not-recorded') };
}

/** Counts by category, every known category present (zero included) so that periods compare line by line. */
function breakdown(values: (string | undefined)[], categories: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries([...categories, notRecorded].map((c) => [c, 0]));
  for (const v of values) out[v ?? notRecorded] = (out[v ?? notRecorded] ?? 0) + 1;
  return out;
}

const byKey = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});

/** A case's consent as the return counts it: as the record says, or from the case view. */
function withoutConsentOfCase(c: SafeLivesCase): WithoutConsent | null {
  if (c.withoutConsent !== undefined) return c.withoutConsent;
  const consent = c.referral.victim.consent;
  if (!consent) return null;
  return withoutConsentOf({
    referral: { victim: { consent } },
    ...(c.sharingWithoutConsent ? { sharingWithoutConsent: c.sharingWithoutConsent } : {}),
    ...(c.maracReferral ? { maracReferral: c.maracReferral } : {}),
  });
}

export function buildSafeLivesReport(all: readonly SafeLivesCase[], from: string, to: string, opts: { profile?: string } = {}): SafeLivesReport {
  const ofProfile = all.filter((c) => c.route === 'hrda' && (!opts.profile || c.profile === opts.profile));
  const heard = ofProfile
    .filter((c) => c.heardAt !== null && c.heardAt >= from && c.heardAt < to)
    .sort((a, b) => a.heardAt!.localeCompare(b.heardAt!) || a.caseId.localeCompare(b.caseId));
  const total = heard.length;
  const victimAge = (c: SafeLivesCase) => ageOn(c.referral.victim.dateOfBirth, localDate(c.receivedAt));
  const perpetratorAge = (c: SafeLivesCase) => {
    const dob = c.referral.perpetrator.dateOfBirth;
    return dob === undefined ? undefined : ageOn(dob, localDate(c.receivedAt));
  };
  const equality = (c: SafeLivesCase) => c.referral.victim.equality;
  const police = heard.filter((c) => c.referral.referrer.agency === 'police').length;
  const withChildren = heard.filter((c) => c.referral.children.length > 0).length;
  const referred = ofProfile.filter((c) => c.receivedAt >= from && c.receivedAt < to);
  const withoutConsent = heard.flatMap((c) => withoutConsentOfCase(c) ?? []);

  return {
    from,
    to,
    profile: opts.profile ?? null,
    meetings: Object.entries(byKey(heard.map((c) => c.heardAt!)))
      .map(([meetingAt, cases]) => ({ meetingAt, cases }))
      .sort((a, b) => a.meetingAt.localeCompare(b.meetingAt)),
    cases: total,
    repeats: share(heard.filter((c) => c.repeat !== null).length, total),
    children: { total: heard.reduce((n, c) => n + c.referral.children.length, 0), casesWithChildren: share(withChildren, total) },
    referrals: {
      byAgency: byKey(heard.map((c) => c.referral.referrer.agency)),
      police: share(police, total),
      partnerAgencies: share(total - police, total),
    },
    victims: {
      male: tally(heard.map((c) => isMale(equality(c)))),
      raciallyMinoritised: tally(heard.map((c) => isRaciallyMinoritised(equality(c)))),
      lgbtPlus: tally(heard.map((c) => isLgbtPlus(equality(c)))),
      disability: tally(heard.map((c) => isDisabled(equality(c)))),
      aged16to17: share(heard.filter((c) => ageBand(victimAge(c)) === '16-17').length, total),
      byGender: breakdown(heard.map((c) => equality(c)?.gender), genders),
      byEthnicity: breakdown(heard.map((c) => equality(c)?.ethnicity), ethnicities),
      bySexuality: breakdown(heard.map((c) => equality(c)?.sexuality), sexualities),
      byAgeBand: breakdown(heard.map((c) => ageBand(victimAge(c))), ageBands),
    },
    perpetrators: {
      aged17OrUnder: tally(heard.map((c) => {
        const age = perpetratorAge(c);
        return age === undefined ? 'not-recorded' : age <= 17 ? 'yes' : 'no';
      })),
    },
    withoutConsent: {
      cases: share(withoutConsent.length, total),
      byBasis: breakdown(withoutConsent.map((w) => w.basis ?? undefined), lawfulBases),
    },
    referredInPeriod: {
      cases: referred.length,
      heard: referred.filter((c) => c.heardAt !== null).length,
      awaitingHearing: referred.filter((c) => c.heardAt === null && c.stage !== 'closed').length,
      closedWithoutHearing: referred.filter((c) => c.heardAt === null && c.stage === 'closed').length,
    },
  };
}

/** One line of the return: what the table and the CSV both print. */
export interface ReturnRow {
  section: string;
  measure: string;
  count: number;
  percent: number | null;
  /** For yes/no questions: how many cases were answered "no", declined, or not recorded. */
  no?: number;
  declined?: number;
  notRecorded?: number;
}

export function safeLivesRows(r: SafeLivesReport): ReturnRow[] {
  const rows: ReturnRow[] = [];
  const add = (section: string, measure: string, s: Share | Tally | number) => {
    if (typeof s === 'number') rows.push({ section, measure, count: s, percent: percentOf(s, r.cases) });
    else rows.push({ section, measure, ...s });
  };
  rows.push({ section: 'cases', measure: 'cases discussed', count: r.cases, percent: null });
  add('cases', 'repeat cases', r.repeats);
  rows.push({ section: 'cases', measure: 'meetings held with cases heard', count: r.meetings.length, percent: null });
  for (const m of r.meetings) rows.push({ section: 'meetings', measure: m.meetingAt, count: m.cases, percent: percentOf(m.cases, r.cases) });
  rows.push({ section: 'children', measure: 'children in the households', count: r.children.total, percent: null });
  add('children', 'cases with children', r.children.casesWithChildren);
  add('referrals', 'police', r.referrals.police);
  add('referrals', 'partner agencies', r.referrals.partnerAgencies);
  for (const [agency, n] of Object.entries(r.referrals.byAgency).sort(([a], [b]) => a.localeCompare(b))) add('referrals by agency', agency, n);
  add('victims', 'male', r.victims.male);
  add('victims', 'Black, Asian or racially minoritised', r.victims.raciallyMinoritised);
  add('victims', 'LGBT+', r.victims.lgbtPlus);
  add('victims', 'with a disability', r.victims.disability);
  add('victims', 'aged 16-17', r.victims.aged16to17);
  add('perpetrators', 'aged 17 or below', r.perpetrators.aged17OrUnder);
  for (const [section, counts] of [
    ['victims by gender', r.victims.byGender],
    ['victims by ethnicity', r.victims.byEthnicity],
    ['victims by sexuality', r.victims.bySexuality],
    ['victims by age', r.victims.byAgeBand],
  ] as const) {
    for (const [k, n] of Object.entries(counts)) add(section, k, n);
  }
  add('shared without consent', 'cases shared without consent', r.withoutConsent.cases);
  for (const [basis, n] of Object.entries(r.withoutConsent.byBasis)) add('shared without consent by lawful basis', basis, n);
  rows.push({ section: 'referred in period', measure: 'referred to the meeting', count: r.referredInPeriod.cases, percent: null });
  rows.push({ section: 'referred in period', measure: 'heard', count: r.referredInPeriod.heard, percent: null });
  rows.push({ section: 'referred in period', measure: 'awaiting a hearing', count: r.referredInPeriod.awaitingHearing, percent: null });
  rows.push({ section: 'referred in period', measure: 'closed without a hearing', count: r.referredInPeriod.closedWithoutHearing, percent: null });
  return rows;
}

/**
 * RFC 4180 CSV, one row per measure, with the period on every row so that returns can be concatenated.
 * A line break alone is quoted too (csv-stringify quotes only its own record delimiter by default).
 */
export function renderSafeLivesCsv(r: SafeLivesReport): string {
  const rows = safeLivesRows(r).map((row) => [r.from, r.to, r.profile ?? 'all', row.section, row.measure, row.count, row.percent, row.no, row.declined, row.notRecorded]);
  return stringify(rows, {
    header: true,
    columns: ['from', 'to', 'profile', 'section', 'measure', 'count', 'percent_of_cases', 'no', 'declined', 'not_recorded'],
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
  });
}

export function renderSafeLivesReport(r: SafeLivesReport): string {
  const pct = (p: number | null) => (p === null ? '' : `${p.toFixed(1)}%`);
  const rows = safeLivesRows(r);
  const width = Math.max(...rows.map((x) => x.measure.length), 10) + 2;
  const out = [`SafeLives Marac data return${r.profile ? ` (${r.profile})` : ''}: cases heard ${r.from} to ${r.to}`];
  let section = '';
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      out.push('', section[0]!.toUpperCase() + section.slice(1));
    }
    const quality = row.notRecorded === undefined ? '' : `   no ${row.no}, declined ${row.declined}, not recorded ${row.notRecorded}`;
    out.push(`  ${row.measure.padEnd(width)}${String(row.count).padStart(5)}  ${pct(row.percent).padStart(6)}${quality}`.trimEnd());
  }
  return out.join('\n');
}

/** Quotes escaped (as client/case-list.ts does), so no value can alter the query. */
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query for the cases that may have been heard in the period: search attributes only. */
export function safeLivesQuery(from: string, opts: { profile?: string } = {}): string {
  const clauses = [`HrdaKind = 'case'`, `HrdaRoute = 'hrda'`, `(ExecutionStatus = 'Running' OR CloseTime >= '${new Date(from).toISOString()}')`];
  if (opts.profile) clauses.push(`HrdaProfile = ${quote(opts.profile)}`);
  return clauses.join(' AND ');
}

/**
 * Every case that may count in a period starting at `from`, read from the case record (store/records):
 * one query on the store, each record's personal facts decrypted under its case's data key. A case
 * whose personal data was destroyed at the end of its retention has none left to count, and is left out.
 */
export async function readSafeLivesCases(db: Database, converter: LoadedDataConverter, from: string, opts: { profile?: string } = {}): Promise<SafeLivesCase[]> {
  const records = await readSafeLivesRecords(db, converter, from, opts);
  return records.flatMap((r) => safeLivesCaseOf(r) ?? []);
}

/** What the return reads of one case record; null when its personal facts were destroyed (nothing left to count). */
export function safeLivesCaseOf(r: Pick<StoredCaseRecord, 'caseId' | 'profile' | 'stage' | 'route' | 'repeat' | 'receivedAt' | 'heardAt' | 'referrerAgency' | 'children' | 'personal'>): SafeLivesCase | null {
  if (!r.personal) return null;
  const p = r.personal;
  return {
    caseId: r.caseId, profile: r.profile, stage: r.stage as SafeLivesCase['stage'], route: r.route, repeat: r.repeat, receivedAt: r.receivedAt, heardAt: r.heardAt,
    withoutConsent: p.withoutConsent ?? null,
    referral: {
      victim: { dateOfBirth: p.victimDateOfBirth, ...(p.equality ? { equality: p.equality } : {}) },
      perpetrator: p.perpetratorDateOfBirth !== undefined ? { dateOfBirth: p.perpetratorDateOfBirth } : {},
      referrer: { agency: r.referrerAgency },
      children: Array.from({ length: r.children }),
    },
  };
}

/**
 * The same cases read the way the return was read before the case record (and as `npm run bench`
 * compares): listed by visibility (a case heard in the period
 * was running then, so it is still running or closed since `from`), then each case's state,
 * a few at a time. A case that continued as new is listed once per run and read once.
 */
export async function collectSafeLivesCases(client: Client, from: string, opts: { profile?: string; concurrency?: number } = {}): Promise<ReportCase[]> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: safeLivesQuery(from, opts) })) ids.add(wf.workflowId);
  const queue = [...ids].sort();
  const views: ReportCase[] = [];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const v = await client.workflow.getHandle(id).query(caseStateQuery);
      views.push({ caseId: v.caseId, profile: v.profile, stage: v.stage, route: v.route, repeat: v.repeat, receivedAt: v.receivedAt, heardAt: v.heardAt, referral: v.referral, withoutConsent: withoutConsentOf(v) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  return views;
}
