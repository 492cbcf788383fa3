import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildSafeLivesReport, renderSafeLivesCsv, renderSafeLivesReport, safeLivesQuery, type ReportCase } from '../../client/reports/safelives';
import { ageOn, isLgbtPlus, isRaciallyMinoritised } from '../../domain/equality';
import { getProfile } from '../../domain/profiles';
import { referralSchema, type Referral, type ReferralInput } from '../../domain/referral';
import { arbitraries } from '../fuzz/support/arbitraries';
import { parsedReferral } from '../support/referrals';

/** A case as the state query reports it, with only what the return reads. */
const aCase = (caseId: string, over: { heardAt?: string | null; receivedAt?: string; route?: ReportCase['route']; repeat?: boolean; profile?: string; stage?: ReportCase['stage'] } & Partial<ReferralInput> = {}): ReportCase => {
  const { heardAt = '2026-11-26T12:00:00.000Z', receivedAt = '2026-11-24T10:00:00.000Z', route = 'hrda', repeat = false, profile = 'dorset-hrda', stage = heardAt ? 'monitoring' : 'preparing', ...referral } = over;
  return {
    caseId,
    profile,
    stage,
    route,
    repeat: repeat ? { previousCaseId: 'earlier', previousReceivedAt: '2026-06-01T10:00:00.000Z' } : null,
    receivedAt,
    heardAt,
    referral: parsedReferral({ receivedAt, ...referral }),
  };
};
const victim = (equality: NonNullable<ReferralInput['victim']['equality']> | undefined, dateOfBirth = '1990-04-01') => ({
  victim: { name: 'Alex Example', dateOfBirth, consent: { share: true, contact: true }, ...(equality ? { equality } : {}) },
});
const perpetrator = (dateOfBirth?: string) => ({ perpetrator: { name: 'Blake Example', ...(dateOfBirth ? { dateOfBirth } : {}) } });

const from = '2026-11-01T00:00:00.000Z';
const to = '2026-12-01T00:00:00.000Z';

describe('the referral carries equality monitoring as optional data (CONTRACT.md §1 stays compatible)', () => {
  it('accepts a referral without it, and one with it, and refuses unknown categories by path', () => {
    expect(referralSchema.safeParse(parsedReferral()).success).toBe(true);
    const withIt = referralSchema.parse(parsedReferral(victim({ gender: 'male', ethnicity: 'white-roma', sexuality: 'bisexual', transgender: false, disability: 'prefer-not-to-say' })));
    expect(withIt.victim.equality).toEqual({ gender: 'male', ethnicity: 'white-roma', sexuality: 'bisexual', transgender: false, disability: 'prefer-not-to-say' });
    const bad = referralSchema.safeParse({ ...parsedReferral(), victim: { ...parsedReferral().victim, equality: { gender: 'm', disability: 'yes' } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['victim.equality.disability', 'victim.equality.gender']);
  });

  it('works out ages in whole years, and the answers the return needs', () => {
    expect(ageOn('2009-11-24', '2026-11-24')).toBe(17);
    expect(ageOn('2009-11-25', '2026-11-24')).toBe(16);
    expect(ageOn('2008-11-24', '2026-11-24')).toBe(18);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(isRaciallyMinoritised({ ethnicity: 'white-gypsy-or-irish-traveller' })).toBe('yes');
    expect(isRaciallyMinoritised({ ethnicity: 'white-irish' })).toBe('no');
    expect(isRaciallyMinoritised({})).toBe('not-recorded');
    expect(isLgbtPlus({ sexuality: 'heterosexual' })).toBe('not-recorded');
    expect(isLgbtPlus({ sexuality: 'heterosexual', transgender: false })).toBe('no');
    expect(isLgbtPlus({ sexuality: 'heterosexual', transgender: true })).toBe('yes');
    expect(isLgbtPlus({ gender: 'non-binary' })).toBe('yes');
    expect(isLgbtPlus({ sexuality: 'prefer-not-to-say', transgender: false })).toBe('declined');
  });
});

describe('the SafeLives Marac data return', () => {
  const cases: ReportCase[] = [
    // Heard 26 November: a police referral with two children; male, Asian, gay, disabled.
    aCase('c1', { ...victim({ gender: 'male', ethnicity: 'asian', sexuality: 'gay-or-lesbian', transgender: false, disability: true }), children: [{ name: 'C One', dateOfBirth: '2019-06-30' }, { name: 'C Two', dateOfBirth: '2021-01-01' }] }),
    // Heard 26 November: a repeat referred by health; female, White British, heterosexual, not trans, declined disability; no children.
    aCase('c2', { repeat: true, referrer: { agency: 'health', name: 'Dr Example', contact: 'gp@example.org' }, ...victim({ gender: 'female', ethnicity: 'white-british', sexuality: 'heterosexual', transgender: false, disability: 'prefer-not-to-say' }), children: [] }),
    // Heard 30 November: a 17-year-old victim (birthday the day before receipt) with a 17-year-old perpetrator; nothing else recorded.
    aCase('c3', { heardAt: '2026-11-30T12:00:00.000Z', receivedAt: '2026-11-27T09:00:00.000Z', referrer: { agency: 'domestic-abuse-advisor', name: 'DAA Example', contact: 'daa@example.org' }, ...victim(undefined, '2009-11-26'), ...perpetrator('2009-06-01'), children: [{ name: 'C Three', dateOfBirth: '2025-01-01' }] }),
    // Heard 30 November: age 18 on the day (birthday on the day of receipt); perpetrator's date of birth not given.
    aCase('c4', { heardAt: '2026-11-30T12:00:00.000Z', receivedAt: '2026-11-27T09:00:00.000Z', ...victim({ gender: 'prefer-not-to-say', ethnicity: 'prefer-not-to-say' }, '2008-11-27'), ...perpetrator(undefined), children: [] }),
    // Not counted: heard before the period, heard on its end (exclusive), routed to an offer, not yet heard.
    aCase('before', { heardAt: '2026-10-29T12:00:00.000Z', receivedAt: '2026-10-27T09:00:00.000Z' }),
    aCase('at-end', { heardAt: to, receivedAt: '2026-11-27T09:00:00.000Z' }),
    aCase('offer', { route: 'medium-risk-offer', heardAt: null }),
    aCase('waiting', { heardAt: null, receivedAt: '2026-11-30T13:00:00.000Z' }),
    aCase('closed-early', { heardAt: null, stage: 'closed', receivedAt: '2026-11-30T14:00:00.000Z' }),
  ];
  const report = buildSafeLivesReport(cases, from, to);

  it('counts the cases heard in the period, meeting by meeting, with repeats, children and referrers', () => {
    expect(report.cases).toBe(4);
    expect(report.meetings).toEqual([{ meetingAt: '2026-11-26T12:00:00.000Z', cases: 2 }, { meetingAt: '2026-11-30T12:00:00.000Z', cases: 2 }]);
    expect(report.repeats).toEqual({ count: 1, percent: 25 });
    expect(report.children).toEqual({ total: 3, casesWithChildren: { count: 2, percent: 50 } });
    expect(report.referrals).toEqual({ byAgency: { police: 2, health: 1, 'domestic-abuse-advisor': 1 }, police: { count: 2, percent: 50 }, partnerAgencies: { count: 2, percent: 50 } });
    // Received in the period: c1–c4 and at-end (heard), waiting, closed-early; the offer is not a meeting referral.
    expect(report.referredInPeriod).toEqual({ cases: 7, heard: 5, awaitingHearing: 1, closedWithoutHearing: 1 });
  });

  it('counts the equality questions with declined and not-recorded kept apart', () => {
    expect(report.victims.male).toEqual({ count: 1, percent: 25, no: 1, declined: 1, notRecorded: 1 });
    expect(report.victims.raciallyMinoritised).toEqual({ count: 1, percent: 25, no: 1, declined: 1, notRecorded: 1 });
    expect(report.victims.lgbtPlus).toEqual({ count: 1, percent: 25, no: 1, declined: 0, notRecorded: 2 });
    expect(report.victims.disability).toEqual({ count: 1, percent: 25, no: 0, declined: 1, notRecorded: 2 });
    expect(report.victims.aged16to17).toEqual({ count: 1, percent: 25 });
    expect(report.victims.byAgeBand).toMatchObject({ '16-17': 1, '18-24': 1, '35-44': 2, 'not recorded': 0 });
    expect(report.victims.byGender).toMatchObject({ male: 1, female: 1, 'prefer-not-to-say': 1, 'not recorded': 1, 'non-binary': 0 });
    expect(report.perpetrators.aged17OrUnder).toEqual({ count: 1, percent: 25, no: 2, declined: 0, notRecorded: 1 });
  });

  it('reports one profile when asked, and an empty period without dividing by zero', () => {
    const other = aCase('kirklees', { profile: 'kirklees-dramm-marac' });
    expect(buildSafeLivesReport([...cases, other], from, to, { profile: 'dorset-hrda' }).cases).toBe(4);
    expect(buildSafeLivesReport([...cases, other], from, to).cases).toBe(5);
    const empty = buildSafeLivesReport(cases, '2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z');
    expect(empty).toMatchObject({ cases: 0, repeats: { count: 0, percent: null }, victims: { male: { count: 0, percent: null } } });
    expect(renderSafeLivesReport(empty)).toMatch(/cases discussed +0$/m);
  });

  it('prints a table and RFC 4180 CSV with the same numbers, and no personal data', () => {
    const table = renderSafeLivesReport(report);
    expect(table).toMatch(/^ {2}cases discussed +4$/m);
    expect(table).toMatch(/^ {2}repeat cases +1 +25\.0%$/m);
    expect(table).toMatch(/^ {2}male +1 +25\.0% +no 1, declined 1, not recorded 1$/m);
    expect(table).toMatch(/^ {2}children in the households +3$/m);
    const csv = renderSafeLivesCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('from,to,profile,section,measure,count,percent_of_cases,no,declined,not_recorded');
    expect(lines).toContain(`${from},${to},all,victims,"Black, Asian or racially minoritised",1,25,1,1,1`);
    expect(lines).toContain(`${from},${to},all,referrals by agency,health,1,25,,,`);
    expect(lines).toContain(`${from},${to},all,meetings,2026-11-30T12:00:00.000Z,2,50,,,`);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).every((l) => l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).length === 10)).toBe(true);
    for (const text of [table, csv, JSON.stringify(report)]) {
      for (const secret of ['Alex Example', 'Blake Example', 'C One', '1990-04-01', '2009-11-26', 'Dr Example', 'sru@example.org']) expect(text).not.toContain(secret);
    }
  });

  it('lists cases by search attributes only, and cannot be steered by the profile given', () => {
    expect(safeLivesQuery(from)).toBe(`HrdaKind = 'case' AND HrdaRoute = 'hrda' AND (ExecutionStatus = 'Running' OR CloseTime >= '${from}')`);
    expect(safeLivesQuery(from, { profile: "x' OR HrdaKind = 'dispute" })).toMatch(/AND HrdaProfile = 'x\\' OR HrdaKind = \\'dispute'$/);
  });
});

describe('the return over arbitrary cases (fast-check, test/fuzz/support/arbitraries.ts)', () => {
  const arb = arbitraries(getProfile('dorset-hrda'));
  const reportCase = fc.record({
    referral: arb.referral.filter((r) => referralSchema.safeParse(r).success),
    heardAt: fc.option(fc.constantFrom('2026-11-26T12:00:00.000Z', '2026-11-30T12:00:00.000Z', '2026-12-03T12:00:00.000Z'), { nil: null }),
    route: fc.constantFrom('hrda' as const, 'medium-risk-offer' as const),
    repeat: fc.boolean(),
  });

  it('accounts for every case heard in every question: yes, no, declined and not recorded add up, and so do the breakdowns', () => {
    fc.assert(fc.property(fc.array(reportCase, { maxLength: 12 }), (drawn) => {
      const all: ReportCase[] = drawn.map((d, i) => {
        const referral = referralSchema.parse(d.referral) as Referral;
        const receivedAt = referral.receivedAt ?? '2026-11-24T10:00:00.000Z';
        return { caseId: `c${i}`, profile: 'dorset-hrda', stage: d.heardAt ? 'monitoring' : 'preparing', route: d.route, receivedAt, heardAt: d.route === 'hrda' ? d.heardAt : null,
          repeat: d.repeat ? { previousCaseId: 'p', previousReceivedAt: receivedAt } : null, referral: { ...referral, receivedAt } };
      });
      const r = buildSafeLivesReport(all, from, to);
      const heard = all.filter((c) => c.route === 'hrda' && c.heardAt !== null && c.heardAt < to);
      expect(r.cases).toBe(heard.length);
      expect(r.meetings.reduce((n, m) => n + m.cases, 0)).toBe(r.cases);
      for (const t of [r.victims.male, r.victims.raciallyMinoritised, r.victims.lgbtPlus, r.victims.disability, r.perpetrators.aged17OrUnder]) {
        expect(t.count + t.no + t.declined + t.notRecorded).toBe(r.cases);
      }
      for (const b of [r.victims.byGender, r.victims.byEthnicity, r.victims.bySexuality, r.victims.byAgeBand]) {
        expect(Object.values(b).reduce((n, x) => n + x, 0)).toBe(r.cases);
      }
      expect(Object.values(r.referrals.byAgency).reduce((n, x) => n + x, 0)).toBe(r.cases);
      expect(r.referrals.police.count + r.referrals.partnerAgencies.count).toBe(r.cases);
      expect(r.children.total).toBe(heard.reduce((n, c) => n + c.referral.children.length, 0));
      expect(r.victims.byAgeBand['16-17']).toBe(r.victims.aged16to17.count);
      // No name on a referral reaches the CSV (checked for names with a character the CSV's own words never use).
      const csv = renderSafeLivesCsv(r);
      for (const c of heard) {
        for (const name of [c.referral.victim.name, c.referral.perpetrator.name]) if (/[^A-Za-z0-9 ,.:+"_\r\n-]/.test(name)) expect(csv).not.toContain(name);
      }
    }), { numRuns: 200 });
  });
});
