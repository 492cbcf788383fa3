import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { Actor } from '../../domain/actor';
import type { AgendaEntry } from '../../domain/agenda';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { kirkleesDrammMarac as profile } from '../../domain/profiles/kirklees-dramm-marac';
import type { ReferralInput } from '../../domain/referral';
import type { TimelineEntry, TimelineType } from '../../domain/timeline';
import {
  createMaracMeetingMachine, maracAgendaView, maracDeadline, maracFor, maracMeetingPlan, maracRefusal, meetingsBetween, type MaracMeetingSnapshot,
} from '../../machines/meeting';
import { createReferralMachine, pendingDeadlines, refusalReason, type CaseEvent, type ChecksOutput, type CommandEvent, type RepeatInfo } from '../../machines/referral';
import { parsedReferral } from '../support/referrals';

/**
 * The Kirklees MARAC ([002] section 3; domain/marac.ts) on the machines alone: its dates and papers
 * deadlines, its agenda order (3.7), and a case's referral on to it (2.28, 2.53–2.54).
 */
describe('MARAC dates: fortnightly at 09:30, papers by close of business on the Friday before ([002] 3.4, 3.8)', () => {
  it('sits on Thursday 10 December 2026 at 09:30 with papers by Friday 4 December 17:00, and none in the off week', () => {
    expect(maracMeetingPlan(profile, '2026-12-10')).toEqual({
      kind: 'marac', profileId: 'kirklees-dramm-marac', date: '2026-12-10', held: true, noMeetingReason: null,
      meetingAt: '2026-12-10T09:30:00.000Z', papersBy: '2026-12-04T17:00:00.000Z', endsAt: '2026-12-10T17:30:00.000Z', chair: 'police',
      previousMeetingAt: '2026-11-26T09:30:00.000Z',
    });
    expect(maracMeetingPlan(profile, '2026-12-17')).toMatchObject({ held: false, noMeetingReason: "2026-12-17 is not in a week of kirklees-dramm-marac's MARAC series: no MARAC" });
    expect(maracMeetingPlan(profile, '2026-12-16')).toMatchObject({ held: false, noMeetingReason: 'kirklees-dramm-marac holds no MARAC on a wednesday' });
  });

  it('moves the papers of a Friday bank holiday to the working day before: New Year’s Day 2027 and Good Friday 2027', () => {
    expect(maracMeetingPlan(profile, '2027-01-07')).toMatchObject({ meetingAt: '2027-01-07T09:30:00.000Z', papersBy: '2026-12-31T17:00:00.000Z' });
    // Good Friday is 26 March 2027; the clocks go forward on the 28th, so the MARAC sits at 08:30 UTC.
    expect(maracMeetingPlan(profile, '2027-04-01')).toMatchObject({ meetingAt: '2027-04-01T08:30:00.000Z', papersBy: '2027-03-25T17:00:00.000Z' });
  });

  it('takes a referral before the papers deadline to that MARAC, and one at or after it to the next', () => {
    expect(maracFor(profile, '2026-11-30T13:20:00.000Z').meetingAt).toBe('2026-12-10T09:30:00.000Z');
    expect(maracFor(profile, '2026-12-04T16:59:00.000Z').meetingAt).toBe('2026-12-10T09:30:00.000Z');
    expect(maracFor(profile, '2026-12-04T17:00:00.000Z').meetingAt).toBe('2026-12-24T09:30:00.000Z');
    expect(maracFor(profile, '2026-12-18T17:01:00.000Z').meetingAt).toBe('2027-01-07T09:30:00.000Z');
  });

  it('lists the MARACs among the meetings, and none for a profile without one', () => {
    expect(meetingsBetween(profile, '2026-12-07', '2026-12-11').map((m) => `${m.kind} ${m.date}`)).toEqual([
      'daily 2026-12-07', 'daily 2026-12-08', 'daily 2026-12-09', 'marac 2026-12-10', 'daily 2026-12-10', 'daily 2026-12-11',
    ]);
    expect(meetingsBetween(dorsetHrda, '2026-12-07', '2026-12-11').some((m) => m.kind === 'marac')).toBe(false);
  });
});

const entry = (caseId: string, overrides: Partial<AgendaEntry> = {}): AgendaEntry => ({
  caseId, risk: 'high', childrenLinked: false, repeat: false, receivedAt: '2026-11-30T10:00:00.000Z', item: 'marac-referral', maracCategory: 'full-discussion', ...overrides,
});
const admin: Actor = { role: 'administrator', agency: 'marac-team' };

function marac(date = '2026-12-10') {
  const actor = createActor(createMaracMeetingMachine(profile), { input: { plan: maracMeetingPlan(profile, date), startedAt: '2026-11-30T08:00:00.000Z' } });
  actor.start();
  return { actor, snap: () => actor.getSnapshot() as MaracMeetingSnapshot };
}

describe('the MARAC meeting machine', () => {
  it('orders its agenda by 3.7: DVDS, information only, significant update, full discussion; each in date order', () => {
    const m = marac();
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:00:00.000Z', entry: entry('full-1', { receivedAt: '2026-11-30T09:00:00.000Z' }) });
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:01:00.000Z', entry: entry('info', { maracCategory: 'information-only', receivedAt: '2026-12-01T08:00:00.000Z' }) });
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:02:00.000Z', entry: entry('full-0', { receivedAt: '2026-11-27T09:00:00.000Z' }) });
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:03:00.000Z', entry: entry('update', { maracCategory: 'significant-update' }) });
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:04:00.000Z', entry: entry('dvds', { maracCategory: 'information-only', source: 'dvds', receivedAt: '2026-12-01T09:00:00.000Z' }) });
    expect(maracAgendaView(profile, m.snap()).items.map((i) => [i.caseId, i.category])).toEqual([
      ['dvds', 'information-only'], ['info', 'information-only'], ['update', 'significant-update'], ['full-0', 'full-discussion'], ['full-1', 'full-discussion'],
    ]);
  });

  it('sends the papers at the Friday deadline, sits at 09:30, takes outcomes only while sitting, and circulates again for a late case', () => {
    const m = marac();
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:00:00.000Z', entry: entry('a') });
    expect(maracDeadline(m.snap())).toBe('2026-12-04T17:00:00.000Z');
    m.actor.send({ type: 'clock', at: '2026-12-04T17:00:00.000Z' });
    expect(m.snap().context.effects).toEqual([{ id: '1', type: 'circulatePack', revision: 1 }]);
    expect(m.snap().context.circulatedAt).toBe('2026-12-04T17:00:00.000Z');
    m.actor.send({ type: 'enlist', at: '2026-12-04T17:00:02.000Z', entry: entry('late') });
    expect(m.snap().context.effects.map((e) => e.type === 'circulatePack' && e.revision)).toEqual([1, 2]);
    expect(maracAgendaView(profile, m.snap()).items.find((i) => i.caseId === 'late')?.lateAddition).toBe(true);
    const outcome = { caseId: 'a', actor: admin };
    expect(maracRefusal(profile, m.snap(), 'recordMaracOutcome', outcome)).toBe('the MARAC sits at 2026-12-10T09:30:00.000Z; outcomes are recorded from then until 2026-12-10T17:30:00.000Z');
    m.actor.send({ type: 'clock', at: '2026-12-10T09:30:00.000Z' });
    expect(maracRefusal(profile, m.snap(), 'recordMaracOutcome', outcome)).toBeUndefined();
    expect(maracRefusal(profile, m.snap(), 'recordMaracOutcome', { ...outcome, caseId: 'nobody' })).toBe('case nobody is not on the agenda of the MARAC of 2026-12-10');
    expect(maracRefusal(profile, m.snap(), 'recordQaDecision', { caseId: 'a', accepted: true, actor: admin })).toBe('a MARAC does not take recordQaDecision');
  });

  it('keeps the previous MARAC’s outstanding actions the papers found, to take first (3.12)', () => {
    const m = marac();
    m.actor.send({ type: 'clock', at: '2026-12-04T17:00:00.000Z' });
    const outstanding = [{ caseId: 'x', actionId: 'm1', owner: 'housing-solutions', status: 'open' as const, dueAt: '2026-12-17T09:30:00.000Z' }];
    const digest = { algorithm: 'sha256' as const, markdown: 'a'.repeat(64), html: 'b'.repeat(64) };
    // An old-shape result's text is dropped: the MARAC keeps what was mailed by reference only.
    const papers = { mailId: 'p1', recipients: ['police'], caseIds: [], items: [], digest, outstanding, markdown: '# Papers naming people', html: '<h1>Papers naming people</h1>' };
    m.actor.send({ type: 'packCirculated', at: '2026-12-04T17:00:01.000Z', revision: 1, papers });
    expect(maracAgendaView(profile, m.snap()).outstandingActions).toEqual(outstanding);
    expect(m.snap().context.pack).toEqual({ revision: 1, at: '2026-12-04T17:00:01.000Z', mailId: 'p1', recipients: ['police'], caseIds: [], items: [], digest, outstanding });
    expect(JSON.stringify(m.snap().context)).not.toContain('Papers naming people');
  });

  it('holds nothing on a day off the series, and turns enlistments away with the reason', () => {
    const m = marac('2026-12-17');
    m.actor.send({ type: 'enlist', at: '2026-12-01T09:00:00.000Z', entry: entry('a') });
    expect(maracAgendaView(profile, m.snap())).toMatchObject({ status: 'no-meeting', items: [], turnedAway: [{ caseId: 'a', reason: "2026-12-17 is not in a week of kirklees-dramm-marac's MARAC series: no MARAC" }] });
  });
});

// ------------------------------------------------------------------------------ the case side

const chair: Actor = { role: 'chair', agency: 'police' };

async function atDramm(overrides: Partial<ReferralInput> = {}, p = profile, repeat: RepeatInfo | null = null) {
  const machine = createReferralMachine(p).provide({
    actors: {
      runBackgroundChecks: fromPromise<ChecksOutput, { caseId: string; systems: string[] }>(async () => ({
        at: '2026-11-30T10:35:00.000Z', results: p.checks.systems.map((system) => ({ system, status: 'completed' as const, hits: 0, records: [] })),
      })),
    },
  });
  const actor = createActor(machine, { input: { caseId: 'case-m-1', profileId: p.id, referral: parsedReferral({ receivedAt: '2026-11-30T10:30:00Z', ...overrides }), repeat } });
  actor.start();
  await waitFor(actor, (s) => !s.matches({ preparing: { checks: 'running' } }), { timeout: 1000 });
  const meetingAt = actor.getSnapshot().context.meetingAt!;
  actor.send({ type: 'clock', at: actor.getSnapshot().context.summaryReminderAt! });
  actor.send({ type: 'clock', at: meetingAt });
  const snap = () => actor.getSnapshot();
  return {
    snap,
    command: (e: CommandEvent) => {
      const reason = refusalReason(p, snap(), e);
      if (!reason) actor.send(e);
      return reason;
    },
    send: (e: CaseEvent) => actor.send(e),
    entries: <T extends TimelineType>(type: T) => snap().context.timeline.filter((x): x is Extract<TimelineEntry, { type: T }> => x.type === type),
  };
}

const refer = (category: 'information-only' | 'significant-update' | 'full-discussion' = 'full-discussion', at = '2026-11-30T13:20:00.000Z'): CommandEvent<'referToMarac'> => ({
  type: 'referToMarac', at, actor: admin, category, rationale: 'Agreed at the DRAMM (2.28).',
});
const confirm = (risk: 'standard' | 'medium' | 'high' = 'high'): CommandEvent<'confirmRisk'> => ({
  type: 'confirmRisk', at: '2026-11-30T13:10:00.000Z', actor: chair, risk, disclosures: [], factors: [], rationale: 'Confirmed.',
});
const drammOutcome = (actions: { id: string; owner: string; description: string }[] = []): CommandEvent<'recordMeetingOutcome'> => ({
  type: 'recordMeetingOutcome', at: '2026-11-30T13:30:00.000Z', actor: admin, outcome: { risks: ['Strangulation'], actions, leads: {}, rationale: 'Agreed.' },
});
const maracOutcome = (at: string, actions: { id: string; owner: string; description: string }[] = []): CommandEvent<'recordMaracOutcome'> => ({
  type: 'recordMaracOutcome', at, actor: admin, risks: ['Financial control'], actions, rationale: 'Full discussion.',
});

describe('referral on to the MARAC ([002] 2.28, 2.53–2.54)', () => {
  it('is refused before the chair has confirmed the level, and under a profile without a MARAC', async () => {
    const h = await atDramm();
    expect(h.command(refer())).toBe('the chair first confirms the risk level ([002] 2.26–2.28): confirmRisk, then refer the case on as full-discussion');
    const dorset = await atDramm({ receivedAt: '2026-11-24T10:00:00Z' }, dorsetHrda);
    expect(dorset.command(refer())).toBe('dorset-hrda holds no MARAC');
  });

  it('schedules the next MARAC whose papers have not gone out, and writes the category, the deadline and the rationale', async () => {
    const h = await atDramm();
    h.command(confirm());
    expect(h.command(drammOutcome())).toBe('a high-risk case is referred on to the MARAC ([002] 2.53): referToMarac, with its category and rationale, first');
    expect(h.command(refer())).toBeUndefined();
    expect(h.entries('marac.referred')).toEqual([expect.objectContaining({
      at: '2026-11-30T13:20:00.000Z', actor: admin, rationale: 'Agreed at the DRAMM (2.28).',
      data: { category: 'full-discussion', meetingAt: '2026-12-10T09:30:00.000Z', papersBy: '2026-12-04T17:00:00.000Z' },
    })]);
    expect(h.entries('meeting.scheduled').at(-1)?.data).toEqual({ kind: 'marac', meetingAt: '2026-12-10T09:30:00.000Z' });
    expect(h.command(refer('information-only'))).toBe('the case was already referred to the MARAC of 2026-12-10T09:30:00.000Z (full-discussion) at 2026-11-30T13:20:00.000Z');
    expect(h.command(drammOutcome())).toBeUndefined();
  });

  it('requires a MARAC repeat to be referred on whatever its level (2.53), and leaves a medium-risk case to the meeting', async () => {
    const repeat = await atDramm({ assessment: { tool: 'police-dash', risk: 'standard', score: 2 } }, profile, { previousCaseId: 'case-earlier', previousReceivedAt: '2026-06-01T10:00:00.000Z' });
    repeat.command(confirm('standard'));
    expect(repeat.command(drammOutcome())).toBe('the MARAC reviews every MARAC repeat ([002] 2.53): referToMarac, with its category and rationale, first');
    const medium = await atDramm({ assessment: { tool: 'police-dash', risk: 'medium', score: 9 } });
    medium.command(confirm('medium'));
    expect(medium.command(drammOutcome())).toBeUndefined();
  });

  it('keeps the case open for the MARAC, marks it heard when it sits, and closes it after the outcome', async () => {
    const h = await atDramm();
    h.command(confirm());
    h.command(refer('significant-update'));
    h.command(drammOutcome());
    // No actions at the DRAMM: without the MARAC pending, the case would have closed here.
    expect(h.snap().matches('monitoring')).toBe(true);
    expect(pendingDeadlines(h.snap())).toEqual(['2026-12-10T09:30:00.000Z']);
    expect(h.command(maracOutcome('2026-12-09T10:00:00.000Z'))).toBe('the case is to be heard at the MARAC of 2026-12-10T09:30:00.000Z; its outcome can be recorded from then');
    h.send({ type: 'clock', at: '2026-12-10T09:30:00.000Z' });
    h.send({ type: 'noticesClock', at: '2026-12-10T09:30:00.000Z' });
    expect(h.entries('meeting.heard').map((e) => [e.at, e.data.kind])).toEqual([['2026-11-30T13:00:00.000Z', 'daily'], ['2026-12-10T09:30:00.000Z', 'marac']]);
    expect(h.command(maracOutcome('2026-12-10T10:00:00.000Z', [{ id: 'm1', owner: 'nobody-known', description: 'x' }]))).toBe('unknown agencies for profile kirklees-dramm-marac: nobody-known');
    expect(h.command(maracOutcome('2026-12-10T10:00:00.000Z', [{ id: 'm1', owner: 'housing-solutions', description: 'Sanctuary scheme.' }]))).toBeUndefined();
    expect(h.snap().context.actions).toEqual([expect.objectContaining({ id: 'm1', setAtMarac: '2026-12-10T09:30:00.000Z', dueAt: '2026-12-31T09:30:00.000Z' })]);
    expect(h.entries('marac.completed')[0]?.data).toEqual({ category: 'significant-update', meetingAt: '2026-12-10T09:30:00.000Z' });
    expect(h.command(maracOutcome('2026-12-10T11:00:00.000Z'))).toBe('the MARAC outcome was already recorded at 2026-12-10T10:00:00.000Z');
    h.command({ type: 'updateAction', at: '2026-12-15T10:00:00.000Z', actor: { role: 'agency-practitioner', agency: 'housing-solutions' }, actionId: 'm1', status: 'completed', note: 'Done.' });
    expect(h.snap().status).toBe('done');
  });
});
