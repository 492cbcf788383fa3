import { describe, expect, it } from 'vitest';
import type { IncidentFacts } from '../../domain/incident-facts';
import {
  conditionSchema, decideSharing, factsReadBy, informationSharingSchema, sharingDeadlines, type SharedIncident,
} from '../../domain/information-sharing';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { traffordMarac } from '../../domain/profiles/trafford-marac';
import { validateReferral } from '../../domain/referral-validation';
import { exampleReferral } from '../support/referrals';

/**
 * The police information-sharing criteria of the Trafford protocol (001, "Police — Information
 * Sharing") as trafford-marac's data, read by one pure function; and the deadlines that follow.
 */
const section = traffordMarac.informationSharing!;

/** An incident that meets no criterion: every question answered "no". */
const noFacts: Required<IncidentFacts> = {
  crimeRecorded: false, childResident: false, previousIncidentsIn12Months: 0, victimOrInformantPregnant: false,
  childActivelyInvolved: false, childCalledPolice: false, childAbuseMarker: false, deemedSerious: false,
  followsPreviousSharing: false, perpetratorOnLicenceOrOrder: false,
};

const incident = (facts: Partial<IncidentFacts>, flags: string[] = [], times: Partial<Pick<SharedIncident, 'occurredAt' | 'receivedAt'>> = {}): SharedIncident => ({
  referrer: 'police',
  occurredAt: times.occurredAt ?? '2026-11-27T21:30:00.000Z',
  receivedAt: times.receivedAt ?? '2026-11-28T09:00:00.000Z',
  facts: { ...noFacts, ...facts },
  flags,
});
const met = (facts: Partial<IncidentFacts>, flags: string[] = []) => decideSharing(section, incident(facts, flags)).criteria.map((c) => c.id);

describe('the police information-sharing criteria (trafford-marac)', () => {
  it('lists the document’s nine cases, the first above the bulleted eight, in its order', () => {
    expect(section.criteria.map((c) => c.id)).toEqual([
      'crime-child-resident', 'third-incident-child-resident', 'pregnant', 'child-involved', 'child-called-police',
      'child-abuse-marker', 'deemed-serious', 'previous-sharing', 'perpetrator-on-licence-or-order',
    ]);
    expect(section.criteria[1]!.text).toContain('third reported domestic abuse incident within the previous 12 months');
  });

  it.each([
    [{ crimeRecorded: true, childResident: true }, 'crime-child-resident'],
    [{ childResident: true, previousIncidentsIn12Months: 2 }, 'third-incident-child-resident'],
    [{ victimOrInformantPregnant: true }, 'pregnant'],
    [{ childActivelyInvolved: true }, 'child-involved'],
    [{ childCalledPolice: true }, 'child-called-police'],
    [{ childAbuseMarker: true }, 'child-abuse-marker'],
    [{ deemedSerious: true }, 'deemed-serious'],
    [{ followsPreviousSharing: true }, 'previous-sharing'],
    [{ perpetratorOnLicenceOrOrder: true }, 'perpetrator-on-licence-or-order'],
  ] as const)('%o meets exactly %s, and the incident goes to First Response and health', (facts, id) => {
    const decision = decideSharing(section, incident(facts));
    expect(decision.criteria.map((c) => c.id)).toEqual([id]);
    expect(decision.shareWith).toEqual(['childrens-social-care', 'health']);
  });

  it('shares nothing when no criterion is met', () => {
    expect(decideSharing(section, incident({}))).toEqual({ criteria: [], shareWith: [] });
    // A crime with no child living there, and a child living there with no crime, are not enough alone.
    expect(met({ crimeRecorded: true })).toEqual([]);
    expect(met({ childResident: true })).toEqual([]);
  });

  it('the third incident in 12 months with a child resident: the third or later, only without a recorded crime', () => {
    expect(met({ childResident: true, previousIncidentsIn12Months: 1 })).toEqual([]);
    expect(met({ childResident: true, previousIncidentsIn12Months: 2 })).toEqual(['third-incident-child-resident']);
    expect(met({ childResident: true, previousIncidentsIn12Months: 7 })).toEqual(['third-incident-child-resident']);
    // No child at the address: however many incidents, not this criterion.
    expect(met({ childResident: false, previousIncidentsIn12Months: 7 })).toEqual([]);
    // With a crime recorded the first criterion applies instead.
    expect(met({ crimeRecorded: true, childResident: true, previousIncidentsIn12Months: 7 })).toEqual(['crime-child-resident']);
  });

  it('takes the referral’s own flags as well as the facts for pregnancy and a perpetrator on licence', () => {
    expect(met({}, ['pregnancy'])).toEqual(['pregnant']);
    expect(met({}, ['perpetrator-on-licence'])).toEqual(['perpetrator-on-licence-or-order']);
    expect(met({}, ['strangulation', 'separation'])).toEqual([]);
  });

  it('lists every criterion met, in the profile’s order', () => {
    expect(met({ childCalledPolice: true, crimeRecorded: true, childResident: true, deemedSerious: true })).toEqual(['crime-child-resident', 'child-called-police', 'deemed-serious']);
  });

  it('reads each fact of the list, so a referral must answer all of them', () => {
    expect(factsReadBy(section).sort()).toEqual(Object.keys(noFacts).sort());
  });

  it('is data the schema checks: an unknown fact, or two criteria with one id, are refused', () => {
    expect(conditionSchema.safeParse({ fact: 'childAtSchool' }).success).toBe(false);
    expect(conditionSchema.safeParse({ all: [{ fact: 'crimeRecorded' }, { atLeast: { fact: 'previousIncidentsIn12Months', value: 2 } }] }).success).toBe(true);
    const twice = informationSharingSchema.safeParse({ ...section, criteria: [section.criteria[0], section.criteria[0]] });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0]?.message).toBe('criterion ids must be unique');
  });
});

describe('the deadlines that follow (to the minute, Europe/London)', () => {
  it('an incident on a Friday evening: referral due 24 hours on; First Response due the next Wednesday 16:30; health due when five working days have passed', () => {
    // Friday 2026-11-27 21:30 GMT; received Saturday 09:00.
    expect(sharingDeadlines(section, incident({}), true)).toEqual({
      referralDueBy: '2026-11-28T21:30:00.000Z',
      late: false,
      // Counting starts Monday 08:30: eight office hours Monday, Tuesday and Wednesday.
      firstResponseDueBy: '2026-12-02T16:30:00.000Z',
      // Monday to Friday are the five working days: due as Monday 7 December begins.
      healthSharingDueBy: '2026-12-07T00:00:00.000Z',
    });
  });

  it('a referral after the 24 hours is late, to the minute', () => {
    const at = (receivedAt: string) => sharingDeadlines(section, incident({}, [], { receivedAt }), true).late;
    expect(at('2026-11-28T21:30:00.000Z')).toBe(false);
    expect(at('2026-11-28T21:31:00.000Z')).toBe(true);
  });

  it('counts First Response’s hours inside 08:30–16:30 only: Monday 16:00 is due Thursday 16:00', () => {
    expect(sharingDeadlines(section, incident({}, [], { receivedAt: '2026-11-30T16:00:00.000Z' }), true).firstResponseDueBy).toBe('2026-12-03T16:00:00.000Z');
  });

  it('skips Christmas Day and the Boxing Day substitute (28 December 2026) for both', () => {
    const due = sharingDeadlines(section, incident({}, [], { occurredAt: '2026-12-22T02:00:00.000Z', receivedAt: '2026-12-22T10:00:00.000Z' }), true);
    // 6.5 h on the 22nd, 8 on the 23rd, 8 on the 24th, then 1.5 on Tuesday 29th.
    expect(due.firstResponseDueBy).toBe('2026-12-29T10:00:00.000Z');
    // 23, 24, 29, 30, 31 December.
    expect(due.healthSharingDueBy).toBe('2026-12-31T10:00:00.000Z');
  });

  it('keeps London wall-clock time in summer, across the Spring bank holiday', () => {
    // Friday 2027-05-28 15:00 BST; Monday 31 May is a bank holiday.
    const due = sharingDeadlines(section, incident({}, [], { occurredAt: '2027-05-28T08:00:00.000Z', receivedAt: '2027-05-28T14:00:00.000Z' }), true);
    expect(due.firstResponseDueBy).toBe('2027-06-03T14:00:00.000Z'); // Thursday 15:00 BST
    expect(due.healthSharingDueBy).toBe('2027-06-07T14:00:00.000Z'); // Monday 15:00 BST
  });

  it('sets no First Response or health deadline when nothing is shared', () => {
    expect(sharingDeadlines(section, incident({}), false)).toEqual({ referralDueBy: '2026-11-28T21:30:00.000Z', late: false });
  });
});

describe('a referral under trafford-marac carries the incident facts', () => {
  const facts = { ...noFacts, crimeRecorded: true, childResident: true };
  const check = (incidentFacts: unknown, referrer = 'police', profile = traffordMarac) =>
    validateReferral(exampleReferral({
      referrer: { agency: referrer, name: 'A Referrer', contact: 'referrals@example.org' },
      incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Assault.', flags: [], ...(incidentFacts === undefined ? {} : { facts: incidentFacts as IncidentFacts }) },
      assessment: { tool: 'police-dash', risk: 'high', score: 15 },
      perpetrator: { name: 'Blake Example' },
    }), profile, '2026-11-24T10:00:00.000Z');

  it('accepts a police referral that answers every question', () => {
    expect(check(facts).ok).toBe(true);
  });

  it('refuses one without the facts, naming the field', () => {
    const result = check(undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'incident.facts', message: expect.stringContaining('required: trafford-marac decides whether a police incident is shared with childrens-social-care and health') }]);
  });

  it('names each unanswered question by its path, and a wrongly typed one', () => {
    const { childCalledPolice: _a, deemedSerious: _b, ...partial } = facts;
    const result = check({ ...partial, previousIncidentsIn12Months: -1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path).sort()).toEqual(['incident.facts.childCalledPolice', 'incident.facts.deemedSerious', 'incident.facts.previousIncidentsIn12Months']);
    }
  });

  it('asks nothing of a referral from another agency, nor under a profile without the criteria', () => {
    expect(check(undefined, 'health').ok).toBe(true);
    expect(check(undefined, 'police', dorsetHrda).ok).toBe(true);
  });
});

describe('the trafford-marac profile', () => {
  it('names only agencies of its own directory', () => {
    const known = new Set(traffordMarac.agencies.map((a) => a.id));
    const used = [
      traffordMarac.administrator.agency, traffordMarac.dvds.signOffBy, ...traffordMarac.infoRequest.agencies,
      ...Object.values(traffordMarac.routing.offers), traffordMarac.leads.victim, traffordMarac.leads.children,
      traffordMarac.leads.perpetratorByMappa.agency, ...section.shareWith, section.firstResponse!.agency,
      section.healthSharing!.agency, traffordMarac.maracReferral!.victimToldBy, traffordMarac.restriction.leadAgency,
    ];
    expect(used.filter((a) => !known.has(a))).toEqual([]);
  });

  it('holds its MARAC every two weeks on Thursdays at 10:00 and has no monthly meeting', () => {
    expect(traffordMarac.dailyMeeting.slots).toEqual([{ weekday: 'thursday', time: '10:00', everyWeeks: 2, from: '2026-12-03' }]);
    expect(traffordMarac.dailyMeeting.name).toBe('Trafford MARAC');
    expect(traffordMarac.monthlyMeeting).toBeUndefined();
    expect(section.firstResponse).toMatchObject({ decisionWithinWorkingHours: 24, workingHours: { start: '08:30', end: '16:30' } });
    expect(section.firstResponse!.levels.map((l) => l.level)).toEqual([2, 3, 4, 5]);
    expect(section.healthSharing!.withinWorkingDays).toBe(5);
  });

  it('leaves dorset-hrda without any of it', () => {
    expect(dorsetHrda.informationSharing).toBeUndefined();
    expect(dorsetHrda.maracReferral).toBeUndefined();
    expect(dorsetHrda.dailyMeeting.name).toBeUndefined();
    expect(dorsetHrda.dvds).toEqual({ signOffBy: 'police' });
  });
});
