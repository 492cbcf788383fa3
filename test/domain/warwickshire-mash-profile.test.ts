import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../domain/profile';
import { getProfile, profiles } from '../../domain/profiles';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { warwickshireMash } from '../../domain/profiles/warwickshire-mash';

/** The warwickshire-mash profile as data (docs/profiles.md), and dorset-hrda left as it was. */
describe('the warwickshire-mash profile', () => {
  it('is registered, and names only agencies of its own directory', () => {
    expect(getProfile('warwickshire-mash')).toBe(warwickshireMash);
    const known = new Set(warwickshireMash.agencies.map((a) => a.id));
    const p = warwickshireMash;
    const m = p.mash!;
    const named = [
      p.administrator.agency, ...p.infoRequest.agencies, p.leads.victim, p.leads.children, p.leads.perpetratorByMappa.agency,
      ...Object.values(p.routing.offers), ...Object.values(p.dailyMeeting.facilitators), p.dvds.signOffBy, p.restriction.leadAgency,
      ...m.screening.shareWith, ...Object.keys(m.lead.byReferrer), ...Object.values(m.lead.byReferrer), m.lead.otherwise,
      ...m.teamManager.agencies, ...m.triage.agencies, ...m.triage.spocAgencies, ...m.outcomes.flatMap((o) => o.notify),
    ];
    expect(named.filter((a) => !known.has(a))).toEqual([]);
  });

  it('holds 003\'s numbers: 72 hours, 24 hours, 12 months, a sample of 15, "TRIAGE RESPONSE"', () => {
    const m = warwickshireMash.mash!;
    expect(m.screening.completeWithin).toEqual({ standard: 'PT72H' });
    expect(m.meeting.recordWithin).toBe('PT24H');
    expect(warwickshireMash.routing.repeatWindow).toBe('P12M');
    expect(m.audit).toEqual({ sampleSize: 15, risks: ['standard', 'medium'] });
    expect(m.triage.responseMarking).toBe('TRIAGE RESPONSE');
    expect(m.marac).toEqual({ risks: ['high'], repeat: true, flags: ['escalation'] });
    expect(new Set(m.outcomes.map((o) => o.id)).size).toBe(m.outcomes.length);
  });

  it('leaves dorset-hrda without a MASH stage, with the lead wording it always had', () => {
    expect(dorsetHrda.mash).toBeUndefined();
    expect(dorsetHrda.leads.victimBasis).toBe('the Domestic Abuse Advisor leads for the victim');
    expect(Object.keys(profiles)).toEqual(expect.arrayContaining(['dorset-hrda', 'warwickshire-mash']));
  });

  it('names each field at fault in a broken MASH section', () => {
    const broken = { ...warwickshireMash, mash: { ...warwickshireMash.mash, rag: { timescales: { red: '4 hours' } }, triage: { agencies: [] } } };
    const result = profileSchema.safeParse(broken);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['mash.rag.timescales.red', 'mash.rag.timescales.amber', 'mash.triage.agencies', 'mash.triage.responseMarking']));
  });
});
