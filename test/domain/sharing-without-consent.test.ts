import { describe, expect, it } from 'vitest';
import { buildSafeLivesReport, renderSafeLivesCsv, safeLivesCaseOf, type SafeLivesCase } from '../../client/reports/safelives';
import { caseRecordOf } from '../../domain/case-record';
import { profileSchema } from '../../domain/profile';
import { profiles } from '../../domain/profiles';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { validateReferral } from '../../domain/referral-validation';
import { lawfulBases, lawfulBasisWording, withoutConsentOf } from '../../domain/sharing-without-consent';
import { exampleReferral, noConsentToShare, parsedReferral } from '../support/referrals';

/** Issue 21 item 5: sharing without the victim's consent needs a lawful basis from a closed list and who decided. */
const now = '2026-11-24T10:00:00.000Z';
const withConsent = (consent: object) => exampleReferral({ victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent: consent as never } });
const issuesOf = (input: unknown, profile = dorsetHrda) => {
  const r = validateReferral(input, profile, now);
  return r.ok ? [] : r.issues;
};

describe('the lawful basis on a referral without consent to share', () => {
  it('is asked for by every profile, each naming the bases it accepts from the closed list', () => {
    for (const p of Object.values(profiles)) {
      expect(p.sharingWithoutConsent?.bases.length, p.id).toBeGreaterThan(0);
      for (const b of p.sharingWithoutConsent!.bases) expect(lawfulBases).toContain(b);
    }
    // The statute each basis rests on, in its own words.
    expect(lawfulBasisWording['safeguarding-individuals-at-risk']).toContain('DPA 2018 Sch. 1 para 18');
    expect(lawfulBasisWording['prevention-or-detection-of-crime']).toContain('DPA 2018 Sch. 1 para 10');
    expect(lawfulBasisWording['vital-interests']).toContain('Art. 6(1)(d)');
    expect(lawfulBasisWording['legal-obligation']).toContain('Art. 6(1)(c)');
  });

  it('refuses a referral without consent and without a basis, naming the field and the bases allowed', () => {
    const issues = issuesOf(withConsent({ share: false, contact: true }));
    expect(issues.map((i) => i.path)).toEqual(['victim.consent.sharingWithoutConsent']);
    expect(issues[0]!.message).toContain('"vital-interests", "safeguarding-individuals-at-risk", "prevention-or-detection-of-crime", "legal-obligation"');
  });

  it('accepts it with a basis and who decided, and keeps them on the referral', () => {
    const r = validateReferral(withConsent(noConsentToShare), dorsetHrda, now);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.referral.victim.consent.sharingWithoutConsent).toEqual(noConsentToShare.sharingWithoutConsent);
  });

  it('refuses a basis outside the list, a decider of an unknown agency or without a role, and a basis beside given consent', () => {
    expect(issuesOf(withConsent({ ...noConsentToShare, sharingWithoutConsent: { ...noConsentToShare.sharingWithoutConsent, basis: 'consent' } })).map((i) => i.path))
      .toEqual(['victim.consent.sharingWithoutConsent.basis']);
    expect(issuesOf(withConsent({ ...noConsentToShare, sharingWithoutConsent: { basis: 'vital-interests', decidedBy: { role: 'Duty manager', agency: 'nowhere' } } })).map((i) => i.path))
      .toEqual(['victim.consent.sharingWithoutConsent.decidedBy.agency']);
    expect(issuesOf(withConsent({ ...noConsentToShare, sharingWithoutConsent: { basis: 'vital-interests', decidedBy: { agency: 'police' } } })).map((i) => i.path))
      .toEqual(['victim.consent.sharingWithoutConsent.decidedBy.role']);
    const beside = issuesOf(withConsent({ ...noConsentToShare, share: true }));
    expect(beside.map((i) => i.path)).toEqual(['victim.consent.sharingWithoutConsent']);
    expect(beside[0]!.message).toContain('only when consent is absent');
  });

  it("refuses a basis the profile does not accept, and asks for none under a profile without the section", () => {
    const narrow = profileSchema.parse({ ...dorsetHrda, sharingWithoutConsent: { bases: ['vital-interests'] } });
    const issues = issuesOf(withConsent(noConsentToShare), narrow);
    expect(issues.map((i) => i.path)).toEqual(['victim.consent.sharingWithoutConsent.basis']);
    expect(issues[0]!.message).toBe('dorset-hrda does not accept "safeguarding-individuals-at-risk" as a basis for sharing without consent; one of "vital-interests"');
    const { sharingWithoutConsent: _none, ...without } = dorsetHrda;
    expect(issuesOf(withConsent({ share: false, contact: true }), profileSchema.parse(without))).toEqual([]);
  });
});

describe('the SafeLives return counts cases shared without consent by basis', () => {
  const heardAt = '2026-11-26T12:00:00.000Z';
  const aCase = (caseId: string, withoutConsent: SafeLivesCase['withoutConsent']): SafeLivesCase => ({
    caseId, profile: 'dorset-hrda', stage: 'monitoring', route: 'hrda', repeat: null, receivedAt: now, heardAt, withoutConsent,
    referral: { victim: { dateOfBirth: '1990-04-01' }, perpetrator: {}, referrer: { agency: 'police' }, children: [] },
  });

  it('lists every basis, zeros included, and "not recorded" for a case from before bases were asked', () => {
    const r = buildSafeLivesReport([
      aCase('a', { basis: 'vital-interests' }), aCase('b', { basis: 'vital-interests' }), aCase('c', { basis: 'safeguarding-individuals-at-risk' }),
      aCase('d', { basis: null }), aCase('e', null), aCase('f', undefined),
    ], '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(r.withoutConsent).toEqual({
      cases: { count: 4, percent: 66.7 },
      byBasis: { 'vital-interests': 2, 'safeguarding-individuals-at-risk': 1, 'prevention-or-detection-of-crime': 0, 'legal-obligation': 0, 'not recorded': 1 },
    });
    const csv = renderSafeLivesCsv(r);
    expect(csv).toContain(',all,shared without consent,cases shared without consent,4,66.7,,,\r\n');
    expect(csv).toContain(',all,shared without consent by lawful basis,vital-interests,2,33.3,,,\r\n');
  });

  it('reads the basis from the case (referral, or the victim refusing when told) into the record the return reads', () => {
    const referral = parsedReferral({ victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent: noConsentToShare } });
    expect(withoutConsentOf({ referral, sharingWithoutConsent: { basis: 'safeguarding-individuals-at-risk' } })).toEqual({ basis: 'safeguarding-individuals-at-risk' });
    const consented = parsedReferral();
    expect(withoutConsentOf({ referral: consented })).toBeNull();
    expect(withoutConsentOf({ referral: consented, maracReferral: { told: [{ consentToShare: false }] } })).toEqual({ basis: null });
    const view = {
      caseId: 'x', profile: 'dorset-hrda', stage: 'monitoring', risk: 'high' as const, route: 'hrda' as const, repeat: null, receivedAt: now, referral,
      meetingAt: heardAt, heardAt, actions: [], review: null, reviewsHeld: [], disputes: [], openDisputes: [], nextDeadline: null, closed: null,
      sharingWithoutConsent: { basis: 'legal-obligation' as const },
    };
    const record = caseRecordOf(view, { version: 3, agencies: [], startedAt: now, status: 'running' });
    expect(record.personal.withoutConsent).toEqual({ basis: 'legal-obligation' });
    expect(caseRecordOf({ ...view, referral: consented, sharingWithoutConsent: undefined }, { version: 3, agencies: [], startedAt: now, status: 'running' }).personal).not.toHaveProperty('withoutConsent');
    const stored = { ...record, repeat: null, personal: record.personal };
    expect(safeLivesCaseOf(stored)?.withoutConsent).toEqual({ basis: 'legal-obligation' });
  });
});
