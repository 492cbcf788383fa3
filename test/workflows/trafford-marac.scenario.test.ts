import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulatedCase, SimulationResult } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { entries, only, runScenario, sentMessages, type SentMessage } from '../support/simulation';

/**
 * The trafford-marac profile end to end through `hrda simulate` on the time-skipping server
 * (issue 8 items 2 and 6): scenarios/trafford-marac-full-lifecycle.json from referral to closure
 * through the fortnightly MARAC, with more referrals placed around the MARAC's cut-off, every
 * deadline checked to the minute; then the same file under dorset-hrda (`--profile`).
 */
const scenarioFile = path.join(__dirname, '../../scenarios/trafford-marac-full-lifecycle.json');

interface Step { at: string; do: string; ref?: string; referral?: Record<string, unknown> }

/** A high-risk police referral of another (fictional) victim, received at `at`. */
function referralAt(ref: string, at: string, name: string, base: Record<string, unknown>): Step {
  const victim = base.victim as Record<string, unknown>;
  return { at, do: 'submitReferral', ref, referral: { ...base, receivedAt: at, victim: { ...victim, name, dateOfBirth: '1992-02-02' }, incident: { ...(base.incident as object), occurredAt: at } } };
}

let traf: SimulationResult;
let dorset: SimulationResult;
let sent: SentMessage[];
let outbox: string;
const kase = (ref: string): SimulatedCase => traf.cases[ref]!;

beforeAll(async () => {
  const bundle: WorkflowBundleWithSourceMap = await bundleWorkflows();
  const file = JSON.parse(await readFile(scenarioFile, 'utf8')) as { profile: string; startAt: string; until: string; steps: Step[] };
  const base = file.steps[0]!.referral!;
  // Around the MARAC of Thursday 17 December 10:00, whose agenda freezes at 12:00 on Thursday 10 December.
  const extra = [
    referralAt('BEFORE-CUTOFF', '2026-12-10T11:59:00Z', 'Gale Example', base),
    referralAt('AFTER-CUTOFF', '2026-12-10T12:01:00Z', 'Harper Example', base),
    referralAt('BEFORE-MARAC', '2026-12-17T09:59:00Z', 'Indy Example', base),
    referralAt('AFTER-MARAC', '2026-12-17T10:01:00Z', 'Jules Example', base),
  ];
  const steps = [...file.steps, ...extra].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-trafford-'));
  traf = await runScenario({ ...file, steps }, bundle, { outboxDir: outbox });
  sent = await sentMessages(outbox);
  dorset = await runScenario(file, bundle, { profile: 'dorset-hrda' });
}, 600_000);

afterAll(async () => {
  if (outbox) await rm(outbox, { recursive: true, force: true });
});

describe('trafford-marac: a high-risk police referral from the incident to closure (case A)', () => {
  it('decides the information sharing at receipt, with every deadline as an instant', () => {
    // Incident Friday 27 November 21:30; referral Saturday 09:00.
    expect(only(kase('A').timeline, 'information-sharing.decided')).toMatchObject({
      at: '2026-11-28T09:00:00.000Z',
      data: {
        criteria: ['crime-child-resident'],
        shareWith: ['childrens-social-care', 'health'],
        referralDueBy: '2026-11-28T21:30:00.000Z',
        // 24 office hours from Monday 08:30: Wednesday 16:30.
        firstResponseDueBy: '2026-12-02T16:30:00.000Z',
        healthSharingDueBy: '2026-12-07T00:00:00.000Z',
      },
    });
    expect(entries(kase('A').timeline, 'referral.late')).toEqual([]);
  });

  it('goes to the MARAC without the victim’s consent, the IDVA telling her', () => {
    expect(only(kase('A').timeline, 'marac.referred').data).toEqual({ consent: false, victimToldBy: 'idva' });
    expect(only(kase('A').timeline, 'victim.told')).toMatchObject({ at: expect.stringMatching(/^2026-11-30T11:00/), data: { outcome: 'told', consentToShare: false }, actor: { agency: 'idva' } });
    const ask = sent.filter((m) => m.subject.includes('Tell the victim'));
    expect(ask.map((m) => m.to)).toContainEqual(['marac@idva.trafford.example.org']);
  });

  it('records First Response’s level of need and health’s sharing, each on time; refuses a level outside 2–5', () => {
    expect(only(kase('A').timeline, 'first-response.decided')).toMatchObject({ data: { level: 4, dueBy: '2026-12-02T16:30:00.000Z', late: false }, actor: { agency: 'childrens-social-care' } });
    expect(only(kase('A').timeline, 'health-sharing.recorded')).toMatchObject({ data: { sharedWith: ['health-visitor', 'gp-practice'], dueBy: '2026-12-07T00:00:00.000Z', late: false } });
    expect(kase('A').rejected).toEqual([{ at: '2026-12-01T14:00:00.000Z', step: 'recordFirstResponseDecision', error: expect.stringContaining('level: 6 is not a level of need of trafford-marac') }]);
    expect(entries(kase('A').timeline, 'first-response.overdue')).toEqual([]);
  });

  it('is heard at the fortnightly MARAC of Thursday 17 December 10:00 and closes when its actions are done', () => {
    const a = kase('A');
    expect(entries(a.timeline, 'meeting.scheduled').map((e) => e.data.meetingAt)).toEqual(['2026-12-17T10:00:00.000Z']);
    expect(only(a.timeline, 'info-request.sent').data).toMatchObject({ circulateBy: '2026-11-30T12:00:00.000Z', respondBy: '2026-12-17T10:00:00.000Z' });
    expect(only(a.timeline, 'meeting.heard').data).toEqual({ kind: 'daily', meetingAt: '2026-12-17T10:00:00.000Z' });
    // Actions report by the next MARAC, two weeks on; the owner is reminded two days before.
    expect(only(a.timeline, 'matrix.recorded').data.actions.map((x) => x.dueAt)).toEqual(['2026-12-31T10:00:00.000Z', '2026-12-31T10:00:00.000Z']);
    expect(entries(a.timeline, 'reminder.sent').map((e) => [e.at, e.data.about])).toContainEqual(['2026-12-29T10:00:00.000Z', 'action a2']);
    expect(only(a.timeline, 'case.closed')).toMatchObject({ at: expect.stringMatching(/^2026-12-30T15:00/) });
    expect(a.state.stage).toBe('closed');
  });

  it('sends the MARAC papers under its own name, the incident to First Response and health, and nothing to the perpetrator', () => {
    expect(sent.some((m) => m.subject === 'Trafford MARAC — Thursday 17 December 2026, 10:00 — meeting pack, 2 case(s)')).toBe(true);
    expect(sent.some((m) => m.subject.startsWith('HRDA daily meeting'))).toBe(false);
    // Every referral of the run met a criterion: A, B and the four around the cut-off.
    const shared = sent.filter((m) => m.subject.includes('Domestic abuse incident shared by the police'));
    expect(shared).toHaveLength(6);
    expect(shared.filter((m) => m.subject.includes(kase('A').caseId.slice(0, 8)))).toHaveLength(1);
    for (const m of shared) expect(m.to).toEqual(['first-response@childrens-social-care.trafford.example.org', 'safeguarding-families@health.trafford.example.org']);
    for (const m of sent) expect(m.eml).not.toContain('blake@example.net');
  });
});

describe('trafford-marac: a late, medium-risk referral over Christmas (case B)', () => {
  it('flags the referral late to the minute, and counts First Response and health past both bank holidays', () => {
    const b = kase('B');
    // Incident Monday 21 December 08:00; received Tuesday 22nd 14:00, six hours after the 24.
    expect(only(b.timeline, 'referral.late').data).toEqual({ occurredAt: '2026-12-21T08:00:00.000Z', dueBy: '2026-12-22T08:00:00.000Z' });
    expect(only(b.timeline, 'information-sharing.decided').data).toMatchObject({
      criteria: ['child-called-police'],
      // 2.5 h on the 22nd, 8 on the 23rd and 24th; 25th and 28th are bank holidays; 5.5 h on the 29th.
      firstResponseDueBy: '2026-12-29T14:00:00.000Z',
      // 23, 24, 29, 30, 31 December.
      healthSharingDueBy: '2026-12-31T14:00:00.000Z',
    });
  });

  it('marks First Response overdue at that instant, takes its late decision, and closes when health has shared', () => {
    const b = kase('B');
    expect(only(b.timeline, 'first-response.overdue')).toMatchObject({ at: '2026-12-29T14:00:00.000Z', data: { dueBy: '2026-12-29T14:00:00.000Z' } });
    expect(only(b.timeline, 'first-response.decided').data).toEqual({ level: 2, dueBy: '2026-12-29T14:00:00.000Z', late: true });
    expect(entries(b.timeline, 'health-sharing.overdue')).toEqual([]);
    expect(b.state.route).toBe('medium-risk-offer');
    expect(only(b.timeline, 'case.closed')).toMatchObject({ at: expect.stringMatching(/^2026-12-31T09:00/), data: { rationale: expect.stringContaining('First Response decided level 2 (Early Help / Prevention)') } });
    expect(b.rejected).toEqual([{ at: '2026-12-23T10:00:00.000Z', step: 'recordVictimTold', error: expect.stringContaining('the case is not referred to the MARAC (route medium-risk-offer)') }]);
    expect(sent.filter((m) => m.subject === `[HRDA ${b.caseId.slice(0, 8)}] First Response decision overdue`).map((m) => m.to)).toEqual([
      ['first-response@childrens-social-care.trafford.example.org', 'marac-coordinator@trafford.example.org'],
    ]);
  });
});

describe('trafford-marac: which MARAC a referral goes to (cut-off 12:00, five working days before)', () => {
  const meetingOf = (ref: string) => entries(kase(ref).timeline, 'meeting.scheduled')[0]?.data.meetingAt;

  it('a referral circulated by the cut-off is heard at the next MARAC; one a minute later waits a fortnight', () => {
    expect(meetingOf('BEFORE-CUTOFF')).toBe('2026-12-17T10:00:00.000Z');
    expect(meetingOf('AFTER-CUTOFF')).toBe('2026-12-31T10:00:00.000Z');
  });

  it('a referral received just before or just after a MARAC sits goes to the one a fortnight later', () => {
    expect(meetingOf('BEFORE-MARAC')).toBe('2026-12-31T10:00:00.000Z');
    expect(meetingOf('AFTER-MARAC')).toBe('2026-12-31T10:00:00.000Z');
  });

  it('puts cases only on fortnightly Thursdays, rolled-over ones too, and the MARAC of 17 December freezes a week ahead', () => {
    expect(Object.keys(traf.meetings)).toEqual(['daily 2026-12-17', 'daily 2026-12-31', 'daily 2027-01-14', 'daily 2027-01-28', 'daily 2027-02-11']);
    const marac = traf.meetings['daily 2026-12-17']!.agenda as { freezeAt: string; meetingAt: string; items: { caseId: string; status: string }[]; noMeetingReason: string | null };
    expect(marac).toMatchObject({ meetingAt: '2026-12-17T10:00:00.000Z', freezeAt: '2026-12-10T12:00:00.000Z', noMeetingReason: null });
    expect(marac.items.map((i) => [i.caseId, i.status])).toEqual(expect.arrayContaining([[kase('A').caseId, 'heard'], [kase('BEFORE-CUTOFF').caseId, 'rolled-over']]));
  });
});

describe('the same referrals under dorset-hrda (hrda simulate --profile)', () => {
  it('meets at Dorset’s daily meeting instead, with none of Trafford’s steps', () => {
    expect(dorset.profile).toBe('dorset-hrda');
    const a = dorset.cases.A!;
    // Received Saturday, circulated Monday 30 November by 14:00, heard Tuesday 1 December 12:00.
    expect(entries(a.timeline, 'meeting.scheduled')[0]?.data.meetingAt).toBe('2026-12-01T12:00:00.000Z');
    expect(entries(a.timeline, 'information-sharing.decided')).toEqual([]);
    expect(entries(a.timeline, 'marac.referred')).toEqual([]);
    expect(a.rejected.map((r) => r.step)).toEqual(expect.arrayContaining(['recordVictimTold', 'recordFirstResponseDecision', 'recordHealthSharing']));
    expect(a.rejected.find((r) => r.step === 'recordHealthSharing')?.error).toContain('dorset-hrda has no health sharing stage');
    // Medium risk, not a repeat: Dorset refers it to Paragon and closes it at once.
    expect(only(dorset.cases.B!.timeline, 'case.closed').at).toBe('2026-12-22T14:00:00.000Z');
    expect(only(dorset.cases.B!.timeline, 'referral.routed').data).toMatchObject({ route: 'medium-risk-offer', offeredTo: 'paragon' });
  });
});
