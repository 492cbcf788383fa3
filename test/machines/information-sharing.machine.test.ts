import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor as CaseActor } from '../../domain/actor';
import type { IncidentFacts } from '../../domain/incident-facts';
import type { Notification } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { traffordMarac } from '../../domain/profiles/trafford-marac';
import type { ReferralInput } from '../../domain/referral';
import { timelineEntrySchema, type TimelineEntry, type TimelineType } from '../../domain/timeline';
import {
  awaiting, caseView, createReferralMachine, pendingDeadlines, refusalReason,
  type CaseEvent, type CaseSnapshot, type ChecksOutput, type CommandEvent, type RepeatInfo,
} from '../../machines/referral';
import { parsedReferral, noConsentToShare } from '../support/referrals';

/**
 * The Trafford steps on the referral machine, without Temporal: police information sharing decided
 * at receipt, First Response's decision and health's sharing as deadlines of the case, the MARAC
 * referral whatever the victim's consent, and the DVDS risk floor. Under dorset-hrda none of it runs.
 */
const noFacts: Required<IncidentFacts> = {
  crimeRecorded: false, childResident: false, previousIncidentsIn12Months: 0, victimOrInformantPregnant: false,
  childActivelyInvolved: false, childCalledPolice: false, childAbuseMarker: false, deemedSerious: false,
  followsPreviousSharing: false, perpetratorOnLicenceOrOrder: false,
};
const shared: IncidentFacts = { ...noFacts, crimeRecorded: true, childResident: true };

// Friday evening incident, received Saturday 09:00: First Response due Wednesday 16:30, health
// Monday 7 December 00:00; circulated Monday 30 November, so heard at the MARAC of 17 December.
const RECEIVED = '2026-11-28T09:00:00.000Z';
const FR_DUE = '2026-12-02T16:30:00.000Z';
const HS_DUE = '2026-12-07T00:00:00.000Z';
const MARAC = '2026-12-17T10:00:00.000Z';

const practitioner = (agency: string): CaseActor => ({ role: 'agency-practitioner', agency });
const admin: CaseActor = { role: 'administrator', agency: 'marac-coordinator' };

function referral(overrides: Partial<ReferralInput> = {}, facts: IncidentFacts | undefined = shared): Partial<ReferralInput> {
  return {
    receivedAt: RECEIVED,
    incident: { occurredAt: '2026-11-27T21:30:00Z', summary: 'Assault at home.', flags: [], ...(facts ? { facts } : {}) },
    victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent: noConsentToShare, contact: { phone: '07700900456' } },
    perpetrator: { name: 'Blake Example', dateOfBirth: '1988-02-02', mappaLevel: 2, contact: { email: 'blake@example.net' } },
    ...overrides,
  };
}

async function start(opts: { profile?: Profile; referral?: Partial<ReferralInput>; repeat?: RepeatInfo } = {}) {
  const profile = opts.profile ?? traffordMarac;
  const machine = createReferralMachine(profile).provide({
    actors: {
      runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async ({ input }) => ({
        at: '2026-11-28T09:05:00.000Z',
        results: input.systems.map((system) => ({ system: system as 'pnd', status: 'completed' as const, hits: 0 })),
      })),
    },
  });
  const actor = createActor(machine, {
    input: { caseId: 'case-trafford-fictional', profileId: profile.id, referral: parsedReferral(opts.referral ?? referral()), repeat: opts.repeat ?? null },
  });
  const sent = new Map<string, Notification>();
  actor.subscribe((s) => { for (const n of s.context.outbox) sent.set(n.id, n); });
  actor.start();
  for (const n of actor.getSnapshot().context.outbox) sent.set(n.id, n);
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  const snap = () => actor.getSnapshot() as CaseSnapshot;
  return {
    snap,
    send: (e: CaseEvent) => actor.send(e),
    /** What the workflow's validator answers: undefined when the case takes the action. */
    refusal: (e: CommandEvent) => refusalReason(profile, snap(), e),
    entries: <T extends TimelineType>(type: T) => snap().context.timeline.filter((e): e is Extract<TimelineEntry, { type: T }> => e.type === type),
    byTopic: (topic: Notification['topic']) => [...sent.values()].filter((n) => n.topic === topic),
    sent,
  };
}

const firstResponse = (at: string, level = 4, by = practitioner('childrens-social-care')): CommandEvent<'recordFirstResponseDecision'> => ({
  type: 'recordFirstResponseDecision', at, level, rationale: 'Assessment by a social worker.', riskFactors: ['Young child in household'], protectiveFactors: [], actor: by,
});
const healthSharing = (at: string, sharedWith = ['health-visitor'], by = practitioner('health')): CommandEvent<'recordHealthSharing'> => ({
  type: 'recordHealthSharing', at, sharedWith, actor: by,
});
const victimTold = (at: string, by = practitioner('idva')): CommandEvent<'recordVictimTold'> => ({ type: 'recordVictimTold', at, outcome: 'told', consentToShare: false, actor: by });

describe('police information sharing at receipt (001, Police — Information Sharing)', () => {
  it('decides the criteria from the incident, shares it with First Response and health, and sets both deadlines', async () => {
    const h = await start();
    expect(h.entries('information-sharing.decided')).toEqual([expect.objectContaining({
      at: RECEIVED,
      data: { criteria: ['crime-child-resident'], shareWith: ['childrens-social-care', 'health'], referralDueBy: '2026-11-28T21:30:00.000Z', firstResponseDueBy: FR_DUE, healthSharingDueBy: HS_DUE },
      rationale: expect.stringContaining('a child under 18 resides at the location and a crime is recorded'),
    })]);
    expect(h.entries('referral.late')).toEqual([]);
    const shared = h.byTopic('incident-shared');
    expect(shared.map((n) => n.to)).toEqual([['childrens-social-care', 'health']]);
    expect(shared[0]!.body.join('\n')).toContain(`record the level of need by ${FR_DUE}`);
    expect(pendingDeadlines(h.snap())).toEqual(expect.arrayContaining([FR_DUE, HS_DUE, MARAC]));
    for (const e of h.snap().context.timeline) expect(timelineEntrySchema.safeParse(e).success, e.type).toBe(true);
  });

  it('flags a referral received more than 24 hours after the incident', async () => {
    const h = await start({ referral: referral({ receivedAt: '2026-11-30T08:00:00Z' }) });
    expect(h.entries('referral.late')).toEqual([expect.objectContaining({ at: '2026-11-30T08:00:00.000Z', data: { occurredAt: '2026-11-27T21:30:00.000Z', dueBy: '2026-11-28T21:30:00.000Z' } })]);
  });

  it('shares nothing and sets no deadline when no criterion is met; a medium-risk case then closes at once', async () => {
    const h = await start({ referral: referral({ assessment: { tool: 'police-dash', risk: 'medium', score: 8 } }, noFacts) });
    expect(h.entries('information-sharing.decided')[0]?.data).toEqual({ criteria: [], shareWith: [], referralDueBy: '2026-11-28T21:30:00.000Z' });
    expect(h.byTopic('incident-shared')).toEqual([]);
    expect(h.snap().status).toBe('done');
    expect(h.refusal(firstResponse('2026-11-29T10:00:00.000Z'))).toBe('the case is closed (Assessed as medium risk and not a repeat: referred to the medium-risk-offer (tdas); HRDA has no role.)');
  });

  it('marks First Response and health overdue at their own instants, tells them and the administrator, and still takes a late step', async () => {
    const h = await start();
    h.send({ type: 'noticesClock', at: FR_DUE });
    expect(h.entries('first-response.overdue')).toEqual([expect.objectContaining({ at: FR_DUE, data: { dueBy: FR_DUE } })]);
    expect(h.byTopic('first-response-overdue').map((n) => n.to)).toEqual([['childrens-social-care', 'administrator']]);
    expect(pendingDeadlines(h.snap())).not.toContain(FR_DUE);
    h.send({ type: 'noticesClock', at: HS_DUE });
    expect(h.entries('health-sharing.overdue')).toEqual([expect.objectContaining({ at: HS_DUE })]);
    expect(h.byTopic('health-sharing-overdue').map((n) => n.to)).toEqual([['health', 'administrator']]);
    // A second clock marks nothing twice.
    h.send({ type: 'noticesClock', at: '2026-12-08T10:00:00.000Z' });
    expect(h.entries('first-response.overdue')).toHaveLength(1);
    h.send(firstResponse('2026-12-08T11:00:00.000Z', 3));
    expect(h.entries('first-response.decided')).toEqual([expect.objectContaining({ data: { level: 3, dueBy: FR_DUE, late: true }, rationale: 'Level 3 (Intensive Family Support): Assessment by a social worker.' })]);
  });
});

describe('First Response and health through the case’s commands', () => {
  it('takes each once, from its own agency, with a level of need of the profile and recipients of its list', async () => {
    const h = await start();
    expect(h.refusal(firstResponse('2026-11-30T10:00:00.000Z', 4, practitioner('health')))).toBe("First Response's decision is recorded by childrens-social-care, not health");
    expect(h.refusal(firstResponse('2026-11-30T10:00:00.000Z', 1))).toMatch(/^level: 1 is not a level of need of trafford-marac \(2 \(Early Help \/ Prevention\), 3/);
    expect(h.refusal(healthSharing('2026-11-30T10:00:00.000Z', ['health-visitor', 'perpetrator-gp']))).toBe("sharedWith: perpetrator-gp is not among trafford-marac's health recipients (health-visitor, school-nurse, named-midwife, school-nursing-team, gp-practice, adult-service-manager)");
    expect(h.refusal(healthSharing('2026-11-30T10:00:00.000Z', ['school-nurse'], practitioner('idva')))).toBe("health's sharing is recorded by health, not idva");

    const decided = firstResponse('2026-12-01T15:00:00.000Z');
    expect(h.refusal(decided)).toBeUndefined();
    h.send(decided);
    expect(h.entries('first-response.decided')).toEqual([expect.objectContaining({ at: '2026-12-01T15:00:00.000Z', data: { level: 4, dueBy: FR_DUE, late: false } })]);
    expect(h.refusal(firstResponse('2026-12-01T16:00:00.000Z', 5))).toBe("First Response's decision was already recorded at 2026-12-01T15:00:00.000Z (level 4)");
    h.send(healthSharing('2026-12-04T10:00:00.000Z', ['health-visitor', 'gp-practice']));
    expect(h.entries('health-sharing.recorded')).toEqual([expect.objectContaining({ data: { sharedWith: ['health-visitor', 'gp-practice'], dueBy: HS_DUE, late: false } })]);
    expect(pendingDeadlines(h.snap())).toEqual(['2026-12-17T09:00:00.000Z', MARAC]);
    const view = caseView(h.snap());
    expect(view.informationSharing?.firstResponse?.decision).toMatchObject({ level: 4, levelName: 'Child in Need' });
  });

  it('refuses both on an incident that met no criterion, and on a referral from another agency', async () => {
    const none = await start({ referral: referral({}, noFacts) });
    expect(none.refusal(firstResponse('2026-11-30T10:00:00.000Z'))).toBe('the incident met none of the information-sharing criteria: it was not shared with First Response');
    expect(none.refusal(healthSharing('2026-11-30T10:00:00.000Z'))).toBe('the incident met none of the information-sharing criteria: it was not shared with health');
    const fromHealth = await start({ referral: referral({ referrer: { agency: 'health', name: 'A Nurse', contact: 'nurse@example.org' } }, undefined) });
    expect(fromHealth.entries('information-sharing.decided')).toEqual([]);
    expect(fromHealth.refusal(firstResponse('2026-11-30T10:00:00.000Z'))).toMatch(/^this referral was not decided against the information-sharing criteria \(it came from health; trafford-marac decides those from police\)$/);
  });

  it('keeps a referred-on case open until both have acted, then closes it with the facts', async () => {
    const h = await start({ referral: referral({ assessment: { tool: 'police-dash', risk: 'medium', score: 9 } }) });
    expect(h.snap().status).toBe('active');
    expect(h.snap().context.route).toBe('medium-risk-offer');
    expect(caseView(h.snap()).stage).toBe('monitoring');
    expect(h.byTopic('offer-referral').map((n) => n.to)).toEqual([['tdas']]);
    h.send(firstResponse('2026-12-01T15:00:00.000Z', 2));
    expect(h.snap().status).toBe('active');
    h.send(healthSharing('2026-12-03T10:00:00.000Z', ['school-nurse']));
    expect(h.snap().status).toBe('done');
    expect(h.entries('case.closed')).toEqual([expect.objectContaining({
      at: '2026-12-03T10:00:00.000Z',
      data: { rationale: 'Assessed as medium risk and not a repeat: referred to the medium-risk-offer. First Response decided level 2 (Early Help / Prevention) at 2026-12-01T15:00:00.000Z. Health shared it with school-nurse at 2026-12-03T10:00:00.000Z. Nothing is pending.' },
    })]);
    // The agencies it was shared with are told of the closure too.
    expect(h.byTopic('case-closed')[0]?.to).toEqual(expect.arrayContaining(['childrens-social-care', 'health', 'tdas']));
  });

  // Issue 14 (seed 5 of the generated scenarios): such a case was told its meeting outcome "is already recorded".
  it('tells a referred-on case’s meeting steps that it goes to no meeting, and names what it waits for', async () => {
    const h = await start({ referral: referral({ assessment: { tool: 'police-dash', risk: 'standard', score: 5 } }) });
    const why = 'the case was referred on to the standard-risk-offer (victim-support) and goes to no meeting; it stays open until First Response and health have acted';
    expect(h.refusal({ type: 'recordMeetingOutcome', at: '2026-12-01T11:00:00.000Z', actor: admin, outcome: { risks: ['Threats'], actions: [], leads: {}, rationale: 'Heard.' } })).toBe(why);
    expect(h.refusal({ type: 'submitSummary', at: '2026-12-01T11:00:00.000Z', agency: 'health', summary: { involvement: 'x', risks: 'x', actionsTaken: 'x', recommendations: 'x' }, actor: practitioner('health') })).toBe(why);
    expect(h.refusal({ type: 'recordVictimContact', at: '2026-12-01T11:00:00.000Z', outcome: 'views-recorded', views: 'x', actor: practitioner('idva') })).toBe(why);
    expect(h.refusal({ type: 'updateAction', at: '2026-12-01T11:00:00.000Z', actionId: 'a1', status: 'completed', note: 'x', actor: practitioner('housing') })).toBe(why);
    expect(awaiting(caseView(h.snap()))).toEqual(["First Response's decision (childrens-social-care)", "health's sharing (health)"]);
    h.send(firstResponse('2026-12-01T15:00:00.000Z', 2));
    expect(awaiting(caseView(h.snap()))).toEqual(["health's sharing (health)"]);
  });

  it('keeps a referred-on case open while a dispute about it is open, as after a meeting', async () => {
    const h = await start({ referral: referral({ assessment: { tool: 'police-dash', risk: 'medium', score: 9 } }) });
    h.send({ type: 'raiseDispute', at: '2026-11-30T10:00:00.000Z', dispute: 'd1', area: 'information-sharing', raisedBy: 'health', with: ['childrens-social-care'], actor: practitioner('health') });
    expect(h.snap().context.openDisputes).toEqual(['d1']);
    h.send(firstResponse('2026-12-01T15:00:00.000Z', 2));
    h.send(healthSharing('2026-12-03T10:00:00.000Z', ['school-nurse']));
    expect(h.snap().status).toBe('active');
    const resolved: TimelineEntry = { at: '2026-12-04T10:00:00.000Z', type: 'dispute.resolved', caseId: 'case-trafford-fictional', actor: { role: 'system' }, data: { disputeId: 'd1', agreement: 'Agreed.' } };
    h.send({ type: 'disputeProgress', at: '2026-12-04T10:00:00.000Z', disputeId: 'd1', entry: resolved, open: false });
    expect(h.snap().status).toBe('done');
    expect(h.entries('case.closed')[0]?.at).toBe('2026-12-04T10:00:00.000Z');
  });

  it('does not close a heard case with every action done while First Response has still to decide', async () => {
    const h = await start();
    h.send({ type: 'clock', at: '2026-12-17T09:00:00.000Z' });
    h.send({ type: 'clock', at: MARAC });
    h.send({ type: 'recordMeetingOutcome', at: '2026-12-17T11:00:00.000Z', actor: admin, outcome: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing', description: 'Locks.' }], leads: {}, rationale: 'Heard.' } });
    h.send(healthSharing('2026-12-17T12:00:00.000Z'));
    h.send({ type: 'updateAction', at: '2026-12-18T10:00:00.000Z', actionId: 'a1', status: 'completed', note: 'Done.', actor: practitioner('housing') });
    expect(h.snap().matches('monitoring')).toBe(true);
    h.send(firstResponse('2026-12-18T11:00:00.000Z', 3));
    expect(h.snap().status).toBe('done');
    expect(h.entries('case.closed')[0]?.at).toBe('2026-12-18T11:00:00.000Z');
  });
});

describe('MARAC whatever the victim’s consent, the victim told (001, MARAC)', () => {
  it('records the referral without consent, and asks the agency in contact with the victim to tell them — never the perpetrator', async () => {
    const h = await start();
    expect(h.snap().context.route).toBe('hrda');
    expect(h.entries('marac.referred')).toEqual([expect.objectContaining({ at: RECEIVED, data: { consent: false, victimToldBy: 'idva' }, rationale: expect.stringContaining('regardless') })]);
    const ask = h.byTopic('victim-to-be-told');
    expect(ask.map((n) => n.to)).toEqual([['idva']]);
    expect(ask[0]!.subject).toContain(MARAC);
    expect(ask[0]!.body.join('\n')).toContain('07700900456');
    for (const n of h.sent.values()) expect(JSON.stringify(n)).not.toContain('blake@example.net');
  });

  it('takes the telling from that agency only, once told', async () => {
    const h = await start();
    expect(h.refusal(victimTold('2026-11-30T10:00:00.000Z', practitioner('police')))).toBe('the victim is told by idva, the agency that holds the contact with them, not police');
    h.send({ type: 'recordVictimTold', at: '2026-11-30T10:00:00.000Z', outcome: 'unable-to-contact', actor: practitioner('idva') });
    h.send(victimTold('2026-12-01T10:00:00.000Z'));
    expect(h.entries('victim.told').map((e) => e.data)).toEqual([{ outcome: 'unable-to-contact' }, { outcome: 'told', consentToShare: false }]);
    expect(h.refusal(victimTold('2026-12-02T10:00:00.000Z'))).toBe('the victim was already told at 2026-12-01T10:00:00.000Z');
  });

  it('a case not going to the MARAC has no one to tell', async () => {
    const h = await start({ referral: referral({ assessment: { tool: 'police-dash', risk: 'medium', score: 9 } }) });
    expect(h.refusal(victimTold('2026-11-30T10:00:00.000Z'))).toBe('the case is not referred to the MARAC (route medium-risk-offer)');
  });
});

describe('DVDS under trafford-marac: risk at least medium (001, DVDS)', () => {
  it('refuses a disclosure on a standard-risk repeat until the risk is raised', async () => {
    const repeat: RepeatInfo = { previousCaseId: 'case-earlier', previousReceivedAt: '2026-06-01T10:00:00.000Z' };
    const h = await start({ referral: referral({ assessment: { tool: 'professional-judgement', risk: 'standard' } }), repeat });
    h.send({ type: 'clock', at: MARAC });
    const dvds: CommandEvent<'recordDvds'> = { type: 'recordDvds', at: '2026-12-17T10:30:00.000Z', dvdsId: 'v1', route: 'right-to-know', wording: 'Agreed wording.', actor: admin };
    expect(h.refusal(dvds)).toBe('a DVDS under trafford-marac needs the risk set to at least medium (it is standard): raise it first (changeRisk)');
    h.send({ type: 'changeRisk', at: '2026-12-17T10:20:00.000Z', risk: 'medium', rationale: 'Specialist review.', actor: practitioner('police') });
    expect(h.refusal(dvds)).toBeUndefined();
  });
});

describe('under dorset-hrda none of it runs', () => {
  it('decides nothing, keeps no sharing or MARAC record, and refuses the three steps with the reason', async () => {
    const h = await start({ profile: dorsetHrda, referral: referral({ receivedAt: '2026-11-24T10:00:00Z', incident: { occurredAt: '2026-11-20T22:10:00Z', summary: 'Assault.', flags: [], facts: shared } }) });
    const c = h.snap().context;
    expect(c.informationSharing).toBeUndefined();
    expect(c.maracReferral).toBeUndefined();
    expect(Object.keys(caseView(h.snap()))).not.toEqual(expect.arrayContaining(['informationSharing']));
    expect(c.timeline.map((e) => e.type)).toEqual(['referral.received', 'sharing.without-consent', 'referral.routed', 'meeting.scheduled', 'checks.completed', 'info-request.sent']);
    expect(h.refusal(firstResponse('2026-11-25T10:00:00.000Z'))).toBe('dorset-hrda has no First Response stage: its protocol sets no triage of shared incidents');
    expect(h.refusal(healthSharing('2026-11-25T10:00:00.000Z'))).toBe('dorset-hrda has no health sharing stage: its protocol sets no sharing with health caseload holders');
    expect(h.refusal(victimTold('2026-11-25T10:00:00.000Z'))).toBe('dorset-hrda has no step for telling the victim of a MARAC referral');
  });
});
