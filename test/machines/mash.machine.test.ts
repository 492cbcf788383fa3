import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor } from '../../domain/actor';
import { caseCommandSchemas } from '../../domain/case-commands';
import type { Notification } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { warwickshireMash } from '../../domain/profiles/warwickshire-mash';
import type { ReferralInput } from '../../domain/referral';
import { timelineEntrySchema, type TimelineEntry, type TimelineType } from '../../domain/timeline';
import {
  caseView, createReferralMachine, pendingDeadlines, publicStage, refusalReason,
  type CaseEvent, type CaseSnapshot, type ChecksOutput, type CommandEvent, type RepeatInfo,
} from '../../machines/referral';
import { parsedReferral } from '../support/referrals';

/**
 * The MASH stage of the referral machine under warwickshire-mash (003_bc8e99d0a5350bae.txt), without
 * Temporal: every deadline is an instant in the context, checked to the minute, and each refusal
 * gives its reason. The same actions under dorset-hrda are refused: that profile has no MASH stage.
 */
const profile = warwickshireMash;

// Tuesday 24 November 2026, 10:00 GMT.
const RECEIVED = '2026-11-24T10:00:00.000Z';
const hau: Actor = { role: 'agency-practitioner', agency: 'police', name: 'pso-1' };
const socialCare: Actor = { role: 'agency-practitioner', agency: 'childrens-social-care', name: 'sw-1' };
const teamManager: Actor = { role: 'chair', agency: 'childrens-social-care', name: 'tm-1' };
const admin: Actor = { role: 'administrator', agency: 'police', name: 'admin-1' };
const agencyIds = new Set(profile.agencies.map((a) => a.id));

const standard = { assessment: { tool: 'police-dash' as const, risk: 'standard' as const, score: 4 } };
const medium = { assessment: { tool: 'police-dash' as const, risk: 'medium' as const, score: 9 } };

/** The cases a test drove, checked after it: every entry matches its schema, and messages go to the directory only. */
const tracked: { snap: () => CaseSnapshot; byTopic: (topic: Notification['topic']) => Notification[] }[] = [];

async function startCase(opts: { referral?: Partial<ReferralInput>; repeat?: RepeatInfo | null; profile?: Profile; submittedBy?: string } = {}) {
  const p = opts.profile ?? profile;
  const machine = createReferralMachine(p).provide({
    actors: {
      runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async ({ input }) => ({
        at: '2026-11-24T10:05:00.000Z', results: input.systems.map((system) => ({ system: system as 'pnd', status: 'completed' as const, hits: 0 })),
      })),
    },
  });
  const actor = createActor(machine, {
    input: {
      caseId: 'case-mash-fictional', profileId: p.id, referral: parsedReferral({ receivedAt: RECEIVED, ...opts.referral }), repeat: opts.repeat ?? null,
      ...(opts.submittedBy ? { submittedBy: opts.submittedBy } : {}),
    },
  });
  const messages = new Map<string, Notification>();
  actor.subscribe((s) => { for (const n of s.context.outbox) messages.set(n.id, n); });
  actor.start();
  for (const n of actor.getSnapshot().context.outbox) messages.set(n.id, n);
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  const snap = () => actor.getSnapshot() as CaseSnapshot;
  /** As the workflow does: the command is parsed, then refused with the reason unless the case accepts it. */
  const command = (event: CommandEvent) => {
    const parsed = caseCommandSchemas[event.type].parse(event);
    const full = { ...parsed, type: event.type, at: event.at } as CommandEvent;
    const reason = refusalReason(p, snap(), full);
    if (reason === undefined) actor.send(full);
    return reason;
  };
  const entries = <T extends TimelineType>(type: T) => snap().context.timeline.filter((e): e is Extract<TimelineEntry, { type: T }> => e.type === type);
  const byTopic = (topic: Notification['topic']) => [...messages.values()].filter((n) => n.topic === topic);
  const h = { actor, snap, command, entries, byTopic, send: (e: CaseEvent) => actor.send(e), mash: () => snap().context.mash! };
  tracked.push(h);
  return h;
}

afterEach(() => {
  for (const h of tracked.splice(0)) {
    for (const entry of h.snap().context.timeline) expect(timelineEntrySchema.safeParse(entry).success, `${entry.type} matches its schema`).toBe(true);
    for (const n of h.byTopic('screening-shared').concat(h.byTopic('triage-request'), h.byTopic('mash-outcome'), h.byTopic('mash-overdue'), h.byTopic('mash-meeting'), h.byTopic('triage-response'))) {
      for (const to of n.to) expect(to === 'administrator' || agencyIds.has(to), `${n.id} addressed to ${to}`).toBe(true);
      // The perpetrator's contact details (test/support/referrals.ts) are never in a message.
      expect(n.body.join('\n')).not.toContain('blake@example.net');
    }
  }
});

const clock = (at: string): CaseEvent => ({ type: 'clock', at });
const screening = (outcome: 'no-further-action' | 'share-for-support' | 'refer-to-mash', at: string, sharedWith: string[] = [], actor = hau): CommandEvent<'recordScreening'> =>
  ({ type: 'recordScreening', at, actor, outcome, sharedWith, rationale: 'Checked Athena, PND and social care systems.' });
const rate = (rating: 'red' | 'amber' | 'green', at: string, actor = teamManager): CommandEvent<'setRagRating'> =>
  ({ type: 'setRagRating', at, actor, rating, rationale: 'Children in the household; previous incidents.' });
const response = (agency: string, at: string, title?: string): CommandEvent<'recordTriageResponse'> => ({
  type: 'recordTriageResponse', at, agency, actor: { role: 'agency-practitioner', agency },
  ...(title !== undefined ? { title } : {}), response: { chronology: 'Two contacts in 2025.', summary: 'Known to the service; no current involvement.' },
});
const convene = (meetingAt: string, at: string): CommandEvent<'conveneMashMeeting'> =>
  ({ type: 'conveneMashMeeting', at, actor: teamManager, kind: 'mash-meeting', meetingAt, rationale: 'Significant harm likely to the children.' });
const decide = (at: string, outcomes: string[], extra: { referToMarac?: boolean; leadAgency?: string } = {}, actor = teamManager): CommandEvent<'recordMashDecision'> =>
  ({ type: 'recordMashDecision', at, actor, outcomes, rationale: 'Agreed in triage discussion.', ...extra });

/** A medium-risk police incident referred into the MASH at `referredAt` and rated `rating`. */
async function inTriage(rating: 'red' | 'amber' | 'green' = 'amber', referredAt = '2026-11-24T12:00:00.000Z', referral: Partial<ReferralInput> = medium) {
  const h = await startCase({ referral });
  expect(h.command(screening('refer-to-mash', referredAt))).toBeUndefined();
  expect(h.command(rate(rating, '2026-11-24T12:30:00.000Z'))).toBeUndefined();
  return h;
}

describe('a profile without a MASH stage (dorset-hrda) never enters it', () => {
  it('routes as before and refuses every MASH action with the reason', async () => {
    const h = await startCase({ profile: dorsetHrda });
    expect(h.snap().matches('preparing')).toBe(true);
    expect(h.snap().context.mash).toBeUndefined();
    expect(caseView(h.snap())).not.toHaveProperty('mash');
    expect(h.entries('screening.started')).toHaveLength(0);
    const reasons = [
      h.command(screening('refer-to-mash', '2026-11-24T11:00:00.000Z')),
      h.command(rate('red', '2026-11-24T11:00:00.000Z')),
      h.command(response('health', '2026-11-24T11:00:00.000Z')),
      h.command(convene('2026-11-24T15:00:00.000Z', '2026-11-24T11:00:00.000Z')),
      h.command(decide('2026-11-24T11:00:00.000Z', ['early-help'])),
    ];
    for (const r of reasons) expect(r).toBe('the profile dorset-hrda has no MASH stage (screening, RAG rating, triage, MASH meeting)');
  });
});

describe('screening (003 §7.2–7.3, §9.3, §13)', () => {
  it('starts every incident in screening; a standard one is to be completed within 72 hours of receipt, to the minute', async () => {
    const h = await startCase({ referral: standard });
    expect(publicStage(h.snap())).toBe('screening');
    expect(h.snap().context.route).toBeNull();
    expect(h.entries('screening.started')).toEqual([expect.objectContaining({ at: RECEIVED, data: { risk: 'standard', completeBy: '2026-11-27T10:00:00.000Z' } })]);
    expect(h.mash().leadAgency).toBe('police');
    expect(pendingDeadlines(h.snap())).toEqual(['2026-11-27T10:00:00.000Z']);
  });

  // Issue 14 (seed 5 of the generated scenarios): a case in screening was told its meeting outcome "is already recorded".
  it('tells a meeting step that the case is in the MASH, not that its outcome is recorded', async () => {
    const h = await startCase({ referral: standard });
    const why = 'the case is in the MASH (screening); it goes to a meeting only if the MASH refers it to MARAC';
    expect(h.command({ type: 'recordMeetingOutcome', at: '2026-11-24T11:00:00.000Z', actor: admin, outcome: { risks: ['Threats'], actions: [], leads: {}, rationale: 'Heard.' } })).toBe(why);
    expect(h.command({ type: 'submitSummary', at: '2026-11-24T11:00:00.000Z', agency: 'police', summary: { involvement: 'x', risks: 'x', actionsTaken: 'x', recommendations: 'x' }, actor: hau })).toBe(why);
    expect(h.command({ type: 'requestReview', at: '2026-11-24T11:00:00.000Z', reason: 'escalating-risk', summary: 'x', actor: hau })).toBe(why);
    expect(publicStage(h.snap())).toBe('screening');
  });

  it('gives a medium-risk incident no timescale of its own (003 §7.4: prioritised)', async () => {
    const h = await startCase({ referral: medium });
    expect(h.entries('screening.started')[0]!.data).toEqual({ risk: 'medium' });
    expect(pendingDeadlines(h.snap())).toEqual([]);
  });

  it('marks a standard incident overdue at its 72 hours, tells the administrator and the HAU, and records it late', async () => {
    const h = await startCase({ referral: standard });
    h.send(clock('2026-11-27T09:59:00.000Z'));
    expect(h.entries('screening.overdue')).toHaveLength(0);
    h.send(clock('2026-11-27T10:00:00.000Z'));
    expect(h.entries('screening.overdue')).toEqual([expect.objectContaining({ at: '2026-11-27T10:00:00.000Z', data: { dueAt: '2026-11-27T10:00:00.000Z' } })]);
    expect(h.byTopic('mash-overdue')).toEqual([expect.objectContaining({ to: ['administrator', 'police'] })]);
    expect(pendingDeadlines(h.snap())).toEqual([]);
    expect(h.command(screening('no-further-action', '2026-11-27T11:00:00.000Z'))).toBeUndefined();
    expect(h.entries('screening.completed')[0]!.data).toEqual({ outcome: 'no-further-action', sharedWith: [], completeBy: '2026-11-27T10:00:00.000Z', late: true });
  });

  it('records and closes an incident with no vulnerabilities, with its rationale (003 §7.3.1(3a))', async () => {
    const h = await startCase({ referral: standard });
    expect(h.command(screening('no-further-action', '2026-11-25T09:00:00.000Z'))).toBeUndefined();
    expect(h.snap().status).toBe('done');
    expect(h.entries('screening.completed')[0]!.data).toMatchObject({ outcome: 'no-further-action', late: false });
    expect(h.entries('case.closed')).toEqual([expect.objectContaining({ at: '2026-11-25T09:00:00.000Z', actor: hau, data: { rationale: 'Screened no-further-action (003 §7.3.1(3)): Checked Athena, PND and social care systems. The MARAC criteria of 003 §17.2 are not met: the MASH has no further role.' } })]);
    expect(h.entries('marac.referred')).toHaveLength(0);
  });

  it('shares an incident for early help with the agencies named, and refuses one the profile does not share with', async () => {
    const h = await startCase({ referral: standard });
    expect(h.command(screening('share-for-support', '2026-11-25T09:00:00.000Z', ['probation']))).toMatch(/^sharedWith: probation is not an agency incidents are shared with under warwickshire-mash/);
    expect(() => h.command(screening('share-for-support', '2026-11-25T09:00:00.000Z', []))).toThrow(/sharedWith/);
    expect(() => h.command(screening('no-further-action', '2026-11-25T09:00:00.000Z', ['early-help']))).toThrow(/sharedWith/);
    expect(h.command(screening('share-for-support', '2026-11-25T09:00:00.000Z', ['early-help', 'refuge']))).toBeUndefined();
    expect(h.byTopic('screening-shared')).toEqual([expect.objectContaining({ to: ['early-help', 'refuge'] })]);
    expect(h.snap().status).toBe('done');
  });

  it('refers a MARAC-level incident to MARAC even when screening does not refer it into the MASH (003 §17.2)', async () => {
    const h = await startCase();
    expect(h.command(screening('share-for-support', '2026-11-24T11:00:00.000Z', ['early-help']))).toBeUndefined();
    expect(h.entries('marac.referred')).toEqual([expect.objectContaining({ at: '2026-11-24T11:00:00.000Z', data: { criteria: ['risk-level'] } })]);
    expect(h.snap().matches('preparing')).toBe(true);
  });

  it('moves a referral into the MASH, awaiting its RAG rating; social care lead a partner agency referral', async () => {
    const h = await startCase({ referral: { ...medium, referrer: { agency: 'education', name: 'Teacher Example', contact: 'dsl@school.example.org' } } });
    expect(h.mash().leadAgency).toBe('childrens-social-care');
    expect(h.command(screening('refer-to-mash', '2026-11-24T12:00:00.000Z', [], socialCare))).toBeUndefined();
    expect(publicStage(h.snap())).toBe('rag-rating');
    expect(h.entries('screening.completed')[0]!.data).toEqual({ outcome: 'refer-to-mash', sharedWith: [], leadAgency: 'childrens-social-care', late: false });
    expect(h.mash().referredAt).toBe('2026-11-24T12:00:00.000Z');
    expect(h.command(screening('refer-to-mash', '2026-11-24T12:05:00.000Z'))).toBe('the incident was screened at 2026-11-24T12:00:00.000Z (refer-to-mash)');
  });
});

describe('the RAG rating and triage (003 §12.1, §14.3–14.5)', () => {
  it('is set by a team manager only; its timescale runs from the referral reaching the MASH', async () => {
    const h = await startCase({ referral: medium });
    expect(h.command(rate('amber', '2026-11-24T11:00:00.000Z'))).toMatch(/screening refers it into the MASH/);
    expect(h.command(screening('refer-to-mash', '2026-11-24T12:00:00.000Z'))).toBeUndefined();
    expect(h.command(rate('amber', '2026-11-24T12:30:00.000Z', admin))).toBe('the RAG rating is set by a MASH team manager (role chair for childrens-social-care or adult-social-care); you act as administrator for police (003 §12.1)');
    expect(h.command(rate('amber', '2026-11-24T12:30:00.000Z', { role: 'chair', agency: 'police' }))).toMatch(/you act as chair for police/);
    expect(h.command(rate('amber', '2026-11-24T12:30:00.000Z'))).toBeUndefined();
    expect(h.entries('rag.rated')).toEqual([expect.objectContaining({ at: '2026-11-24T12:30:00.000Z', actor: teamManager, data: { rating: 'amber', referredAt: '2026-11-24T12:00:00.000Z', dueAt: '2026-11-25T12:00:00.000Z' } })]);
    expect(publicStage(h.snap())).toBe('triage');
    expect(pendingDeadlines(h.snap())).toEqual(['2026-11-25T12:00:00.000Z']);
  });

  it('asks the triage agencies and the single points of contact, with the rating and the marking, due by the timescale', async () => {
    const h = await inTriage('red');
    expect(h.entries('triage.requested')[0]!.data).toEqual({
      agencies: ['childrens-social-care', 'adult-social-care', 'police', 'health', 'early-help', 'education'],
      withheldFrom: [], rating: 'red', respondBy: '2026-11-24T16:00:00.000Z', marking: 'TRIAGE RESPONSE',
    });
    const [request] = h.byTopic('triage-request');
    expect(request!.to).toEqual(['childrens-social-care', 'adult-social-care', 'police', 'health', 'early-help', 'education']);
    expect(request!.subject).toContain('RAG red');
    expect(request!.body.join('\n')).toContain('"TRIAGE RESPONSE" in the title heading');
    expect(request!.body.join('\n')).toContain('Victim: Alex Example');
  });

  it('takes responses from the agencies asked; one by email must carry "TRIAGE RESPONSE" in its title', async () => {
    const h = await inTriage('amber');
    expect(h.command(response('probation', '2026-11-24T13:00:00.000Z'))).toMatch(/^probation was not asked for triage information; asked: /);
    expect(h.command(response('health', '2026-11-24T13:00:00.000Z', 'Re: referral'))).toBe('title: a triage response carries "TRIAGE RESPONSE" in its title heading (003 §14.4)');
    expect(h.command(response('health', '2026-11-24T13:00:00.000Z', 'TRIAGE RESPONSE [HRDA case-mas]'))).toBeUndefined();
    expect(h.command(response('education', '2026-11-25T12:01:00.000Z'))).toBeUndefined();
    expect(h.entries('triage.response-received').map((e) => e.data)).toEqual([
      { agency: 'health', respondBy: '2026-11-25T12:00:00.000Z', late: false },
      { agency: 'education', respondBy: '2026-11-25T12:00:00.000Z', late: true },
    ]);
    // Flagged to the lead MASH professionals (003 §14.4): the HAU leads a police incident.
    expect(h.byTopic('triage-response').map((n) => n.to)).toEqual([['police'], ['police']]);
  });

  it('marks the timescale missed at its instant, naming the agencies still awaited', async () => {
    const h = await inTriage('amber');
    h.command(response('health', '2026-11-24T13:00:00.000Z'));
    h.send(clock('2026-11-25T12:00:00.000Z'));
    expect(h.entries('rag.overdue')).toEqual([expect.objectContaining({
      at: '2026-11-25T12:00:00.000Z',
      data: { rating: 'amber', dueAt: '2026-11-25T12:00:00.000Z', awaiting: ['childrens-social-care', 'adult-social-care', 'police', 'early-help', 'education'] },
    })]);
    expect(h.byTopic('mash-overdue')[0]!.to).toEqual(['administrator', 'police', 'childrens-social-care', 'adult-social-care', 'early-help', 'education']);
    expect(pendingDeadlines(h.snap())).toEqual([]);
  });

  it('re-assesses the rating at the end of triage, moving the timescale; a rating already passed is overdue at once', async () => {
    const h = await inTriage('green');
    expect(h.mash().rag!.dueAt).toBe('2026-11-27T12:00:00.000Z');
    expect(h.command(rate('green', '2026-11-24T17:00:00.000Z'))).toBe('the referral is already rated green');
    expect(h.command(rate('red', '2026-11-24T17:00:00.000Z'))).toBeUndefined();
    expect(h.entries('rag.rated')[1]!.data).toEqual({ rating: 'red', previous: 'green', referredAt: '2026-11-24T12:00:00.000Z', dueAt: '2026-11-24T16:00:00.000Z' });
    expect(h.entries('rag.overdue')).toEqual([expect.objectContaining({ at: '2026-11-24T17:00:00.000Z', data: expect.objectContaining({ dueAt: '2026-11-24T16:00:00.000Z' }) })]);
    expect(h.entries('triage.requested')).toHaveLength(1);
  });
});

describe('the MASH meeting (003 §14.8) and the decision (§14.5–14.7, §15.5)', () => {
  it('puts the record 24 hours after the referral, refuses it before the meeting, and marks it overdue to the minute', async () => {
    const h = await inTriage('green');
    expect(h.command(convene('2026-11-24T11:00:00.000Z', '2026-11-24T13:00:00.000Z'))).toBe('meetingAt: the meeting cannot be before the referral reached the MASH (2026-11-24T12:00:00.000Z)');
    expect(h.command(convene('2026-11-25T10:00:00.000Z', '2026-11-24T13:00:00.000Z'))).toBeUndefined();
    expect(publicStage(h.snap())).toBe('mash-meeting');
    expect(h.entries('mash-meeting.convened')[0]!.data).toEqual({ kind: 'mash-meeting', meetingAt: '2026-11-25T10:00:00.000Z', recordBy: '2026-11-25T12:00:00.000Z' });
    expect(h.byTopic('mash-meeting')[0]!.to).toEqual(['police', 'childrens-social-care', 'adult-social-care', 'health', 'early-help', 'education']);
    expect(pendingDeadlines(h.snap())).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-27T12:00:00.000Z']);
    expect(h.command(decide('2026-11-25T09:59:00.000Z', ['early-help']))).toBe('the mash-meeting is at 2026-11-25T10:00:00.000Z; its record is taken from then');
    h.send(clock('2026-11-25T12:00:00.000Z'));
    expect(h.entries('mash-meeting.record-overdue')).toEqual([expect.objectContaining({ at: '2026-11-25T12:00:00.000Z', data: { kind: 'mash-meeting', meetingAt: '2026-11-25T10:00:00.000Z', recordBy: '2026-11-25T12:00:00.000Z' } })]);
    expect(h.command(decide('2026-11-25T13:00:00.000Z', ['statutory-assessment', 'domestic-abuse-support']))).toBeUndefined();
    expect(h.entries('mash.decided')[0]!.data).toEqual({
      outcomes: ['statutory-assessment', 'domestic-abuse-support'], leadAgency: 'police', meeting: true,
      notified: ['childrens-social-care', 'refuge', 'victim-support'], dueAt: '2026-11-27T12:00:00.000Z', recordBy: '2026-11-25T12:00:00.000Z', late: true,
    });
    expect(h.byTopic('mash-outcome')[0]!.to).toEqual(['childrens-social-care', 'refuge', 'victim-support']);
    expect(h.snap().status).toBe('done');
    // The record of the outcome goes to the original referrer among the agencies involved (003 §14.7).
    expect(h.byTopic('case-closed')[0]!.to).toContain('police');
  });

  it('is authorised by the team manager, with outcomes and agencies the profile knows', async () => {
    const h = await inTriage();
    expect(h.command(decide('2026-11-24T15:00:00.000Z', ['early-help'], {}, admin))).toMatch(/^the decision is authorised by a MASH team manager/);
    expect(h.command(decide('2026-11-24T15:00:00.000Z', ['early-help', 'housing-referral']))).toMatch(/^outcomes: unknown for warwickshire-mash: housing-referral \(known: safeguarding-pathway, /);
    expect(h.command(decide('2026-11-24T15:00:00.000Z', ['early-help'], { leadAgency: 'housing' }))).toBe('leadAgency: unknown agency for profile warwickshire-mash: housing');
    expect(() => h.command(decide('2026-11-24T15:00:00.000Z', []))).toThrow(/outcomes/);
  });

  it('will not close a case while a dispute is open', async () => {
    const h = await inTriage();
    h.send({ type: 'raiseDispute', at: '2026-11-24T14:00:00.000Z', actor: { role: 'agency-practitioner', agency: 'health' }, dispute: 'd1', area: 'threshold', raisedBy: 'health', with: ['childrens-social-care'] });
    expect(h.snap().context.openDisputes).toEqual(['d1']);
    expect(h.command(decide('2026-11-24T15:00:00.000Z', ['early-help']))).toMatch(/^disputes are open \(d1\) and this would close the case/);
  });
});

describe('referral to MARAC (003 §17.2)', () => {
  it('refers a high-risk case whatever the decision says, and schedules the MARAC (the next Tuesday 10:00)', async () => {
    const h = await inTriage('red', '2026-11-24T12:00:00.000Z', {});
    expect(h.command(decide('2026-11-25T12:00:00.000Z', ['safeguarding-pathway'], { referToMarac: false }))).toMatch(/^the case meets 003 §17\.2 \(assessed as high risk\): it is referred to MARAC/);
    expect(h.command(decide('2026-11-25T12:00:00.000Z', ['safeguarding-pathway']))).toBeUndefined();
    expect(h.entries('marac.referred')).toEqual([expect.objectContaining({ at: '2026-11-25T12:00:00.000Z', data: { criteria: ['risk-level'] } })]);
    expect(h.entries('referral.routed')).toEqual([expect.objectContaining({ at: '2026-11-25T12:00:00.000Z', data: { route: 'hrda', repeat: false } })]);
    expect(h.entries('meeting.scheduled')).toEqual([expect.objectContaining({ data: { kind: 'daily', meetingAt: '2026-12-01T10:00:00.000Z' } })]);
    expect(h.snap().context).toMatchObject({ route: 'hrda', circulateBy: '2026-11-25T14:00:00.000Z', meetingAt: '2026-12-01T10:00:00.000Z' });
    expect(publicStage(h.snap())).toBe('preparing');
    // The MASH deadlines end with the stage.
    expect(pendingDeadlines(h.snap())).not.toContain('2026-11-24T16:00:00.000Z');
  });

  it('refers a repeat within 12 months of a MARAC referral, and an incident flagged escalation', async () => {
    const repeat = await startCase({ referral: standard, repeat: { previousCaseId: 'case-earlier', previousReceivedAt: '2026-02-01T10:00:00.000Z' } });
    expect(repeat.command(screening('no-further-action', '2026-11-24T12:00:00.000Z'))).toBeUndefined();
    expect(repeat.entries('marac.referred')[0]!.data.criteria).toEqual(['repeat']);
    expect(repeat.entries('marac.referred')[0]!.rationale).toContain('a repeat within P12M of case case-earlier');
    expect(repeat.entries('referral.routed')[0]!.data).toEqual({ route: 'hrda', repeat: true, previousCaseId: 'case-earlier' });

    const base = parsedReferral();
    const flagged = await inTriage('amber', '2026-11-24T12:00:00.000Z', { ...medium, incident: { ...base.incident, flags: ['escalation'] } });
    expect(flagged.command(decide('2026-11-24T15:00:00.000Z', ['early-help']))).toBeUndefined();
    expect(flagged.entries('marac.referred')[0]!.data.criteria).toEqual(['flagged']);
  });

  it('refers a medium-risk case on professional judgement that risk may escalate', async () => {
    const h = await inTriage('amber');
    expect(h.command(decide('2026-11-24T15:00:00.000Z', ['safer-neighbourhoods'], { referToMarac: true }))).toBeUndefined();
    expect(h.entries('marac.referred')[0]!.data.criteria).toEqual(['professional-judgement']);
    expect(h.snap().matches('preparing')).toBe(true);
  });

  it('refers a case whose risk was raised to high during triage', async () => {
    const h = await inTriage('amber');
    h.send({ type: 'changeRisk', at: '2026-11-24T14:00:00.000Z', risk: 'high', rationale: 'Threats to kill disclosed to health.', actor: { role: 'agency-practitioner', agency: 'health' } });
    expect(h.command(decide('2026-11-24T15:00:00.000Z', ['early-help']))).toBeUndefined();
    expect(h.entries('marac.referred')[0]!.data.criteria).toEqual(['risk-level']);
  });
});

describe('restricted cases in the MASH (003 §18.2–18.3)', () => {
  it('are led by the police, and triage asks no agency outside the MASH and sends no details', async () => {
    const base = parsedReferral();
    const h = await startCase({
      referral: { ...medium, referrer: { agency: 'education', name: 'Teacher Example', contact: 'dsl@school.example.org' }, incident: { ...base.incident, flags: ['forced-marriage'] } },
      submittedBy: 'sw-1',
    });
    expect(h.mash().leadAgency).toBe('police');
    expect(h.command(screening('refer-to-mash', '2026-11-24T12:00:00.000Z', [], socialCare))).toBeUndefined();
    expect(h.command(rate('red', '2026-11-24T12:30:00.000Z'))).toBeUndefined();
    expect(h.entries('triage.requested')[0]!.data).toMatchObject({ agencies: ['childrens-social-care', 'adult-social-care', 'police', 'health', 'early-help'], withheldFrom: ['education'] });
    expect(h.entries('triage.requested')[0]!.rationale).toContain('§18.2');
    const [request] = h.byTopic('triage-request');
    expect(request!.body.join('\n')).not.toContain('Alex Example');
    expect(request!.body.join('\n')).toContain('This case is restricted');
    expect(h.command(response('education', '2026-11-24T13:00:00.000Z'))).toMatch(/not asked: the case is restricted, 003 §18\.2/);
  });
});
