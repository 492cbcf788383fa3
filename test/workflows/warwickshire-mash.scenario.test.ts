import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulatedCase, SimulationResult } from '../../client/simulate/simulate';
import { warwickshireMash as profile } from '../../domain/profiles/warwickshire-mash';
import type { ReferralInput } from '../../domain/referral';
import { bundleWorkflows } from '../support/bundle';
import { entries, only, runScenario, sentMessages, type SentMessage } from '../support/simulation';

/**
 * The warwickshire-mash profile (003_bc8e99d0a5350bae.txt) through `hrda simulate` on the
 * time-skipping server: the scenario files run from referral to closure, and the document's
 * deadlines — 72 hours for a standard incident (§7.3.1(9)), the RAG timescale (§12.1), the MASH
 * record within 24 hours of the referral (§14.8) — fire at their instants, to the minute. A repeat
 * within 12 months of a MARAC referral goes to MARAC (§17.2).
 */
let bundle: WorkflowBundleWithSourceMap;
const outboxes: string[] = [];
beforeAll(async () => {
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  for (const dir of outboxes) await rm(dir, { recursive: true, force: true });
});

const minute = (at: string | null | undefined) => at?.slice(0, 16);
const scenarioFile = async (name: string) => JSON.parse(await readFile(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8')) as unknown;
const mailbox = (id: string) => profile.agencies.find((a) => a.id === id)!.mailbox;

async function run(scenario: unknown): Promise<{ result: SimulationResult; sent: SentMessage[] }> {
  const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-mash-'));
  outboxes.push(outboxDir);
  const result = await runScenario(scenario, bundle, { outboxDir });
  return { result, sent: await sentMessages(outboxDir) };
}

const police = { agency: 'police', name: 'PC Example', contact: 'hau@police.example.org' };
const referral = (receivedAt: string, over: Partial<ReferralInput> = {}): ReferralInput => ({
  receivedAt,
  referrer: police,
  assessment: { tool: 'police-dash', risk: 'standard', score: 3 },
  incident: { occurredAt: new Date(Date.parse(receivedAt) - 3_600_000).toISOString(), summary: 'Argument at home reported by a neighbour.', flags: [] },
  victim: { name: 'Vic Example', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
  perpetrator: { name: 'Perry Example', dateOfBirth: '1988-02-02', contact: { email: 'perry@example.net' } },
  ...over,
});
const high = { assessment: { tool: 'police-dash' as const, risk: 'high' as const, score: 15 } };
const medium = { assessment: { tool: 'police-dash' as const, risk: 'medium' as const, score: 9 } };
const step = (at: string, doing: string, ref: string, fields: Record<string, unknown> = {}) => ({ at, do: doing, ref, ...fields });
const submit = (at: string, ref: string, over: Partial<ReferralInput> = {}) => step(at, 'submitReferral', ref, { referral: referral(at, over) });
const screen = (at: string, ref: string, outcome: string, sharedWith: string[] = []) => step(at, 'recordScreening', ref, { outcome, sharedWith, rationale: 'Police and social care systems checked.' });
const rate = (at: string, ref: string, rating: string) => step(at, 'setRagRating', ref, { rating, rationale: 'As the referral reads.' });
const decide = (at: string, ref: string, outcomes: string[], extra: Record<string, unknown> = {}) => step(at, 'recordMashDecision', ref, { outcomes, rationale: 'Agreed in triage.', ...extra });
const maracOutcome = (at: string, ref: string) => step(at, 'recordMeetingOutcome', ref, { outcome: { risks: ['Repeat incidents'], actions: [], leads: { perpetrator: 'police' }, rationale: 'Plan in place.' } });

describe('scenarios/warwickshire-mash-standard-incidents.json: standard incidents, 72 hours each', () => {
  let cases: Record<string, SimulatedCase>;
  let sent: SentMessage[];
  beforeAll(async () => {
    ({ result: { cases }, sent } = await run(await scenarioFile('warwickshire-mash-standard-incidents.json')));
  });

  it('completes each incident from referral to closure, with nothing refused', () => {
    expect(Object.fromEntries(Object.entries(cases).map(([ref, c]) => [ref, [c.state.stage, minute(c.state.closed?.at), c.rejected]]))).toEqual({
      S1: ['closed', '2026-11-24T10:00', []],
      S2: ['closed', '2026-11-27T16:00', []],
      S3: ['closed', '2026-11-30T08:30', []],
      S4: ['closed', '2026-11-30T10:00', []],
      // Received Thursday 3 December; still to be screened when the scenario ends.
      S5: ['screening', undefined, []],
    });
    expect(cases.S5!.state.nextDeadline).toBe('2026-12-06T10:00:00.000Z');
  });

  it('marks S2 overdue at 72 hours after its receipt, to the minute, tells the administrator, and records its screening late', () => {
    const t = cases.S2!.timeline;
    expect(only(t, 'screening.started').data).toEqual({ risk: 'standard', completeBy: '2026-11-27T14:00:00.000Z' });
    expect(only(t, 'screening.overdue')).toMatchObject({ at: '2026-11-27T14:00:00.000Z', data: { dueAt: '2026-11-27T14:00:00.000Z' } });
    expect(only(t, 'screening.completed').data).toEqual({ outcome: 'no-further-action', sharedWith: [], completeBy: '2026-11-27T14:00:00.000Z', late: true });
    const overdue = sent.filter((m) => m.subject.includes('Screening overdue'));
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.to).toEqual([profile.administrator.mailbox, mailbox('police')]);
    for (const ref of ['S1', 'S3', 'S4']) expect(entries(cases[ref]!.timeline, 'screening.overdue'), ref).toEqual([]);
  });

  it('shares S1 with Early Help, and takes S3 through the MASH on its green timescale', () => {
    expect(sent.filter((m) => m.subject.includes('shared for early help')).map((m) => m.to)).toEqual([[mailbox('early-help')]]);
    const t = cases.S3!.timeline;
    expect(only(t, 'rag.rated').data).toMatchObject({ rating: 'green', dueAt: expect.stringMatching(/^2026-11-30T09:00/) });
    expect(only(t, 'mash.decided').data).toMatchObject({ outcomes: ['early-help', 'domestic-abuse-support'], meeting: false, late: false });
    expect(sent.filter((m) => m.subject.includes('Referral from the MASH')).flatMap((m) => m.to).sort()).toEqual([mailbox('early-help'), mailbox('refuge'), mailbox('victim-support')].sort());
  });
});

describe('scenarios/warwickshire-mash-triage-to-closure.json: a partner agency referral through triage and a strategy discussion', () => {
  let a: SimulatedCase;
  let sent: SentMessage[];
  beforeAll(async () => {
    const { result, sent: s } = await run(await scenarioFile('warwickshire-mash-triage-to-closure.json'));
    a = result.cases.A!;
    sent = s;
  });

  it('runs from referral to closure; social care lead; an emailed response without the marking is refused with the reason', () => {
    expect(a.state.stage).toBe('closed');
    expect(a.state.route).toBeNull();
    expect(a.rejected).toEqual([{ at: '2026-11-24T15:30:00.000Z', step: 'recordTriageResponse', error: expect.stringContaining('"TRIAGE RESPONSE" in its title heading (003 §14.4)') }]);
    expect(only(a.timeline, 'screening.completed').data).toMatchObject({ outcome: 'refer-to-mash', leadAgency: 'childrens-social-care' });
    expect(a.timeline.map((e) => e.type)).toEqual([
      'referral.received', 'screening.started', 'screening.completed', 'rag.rated', 'triage.requested',
      'triage.response-received', 'triage.response-received', 'triage.response-received', 'triage.response-received', 'triage.response-received',
      'mash-meeting.convened', 'triage.response-received', 'mash.decided', 'case.closed',
    ]);
  });

  it('times the amber rating and the strategy discussion record from the referral reaching the MASH', () => {
    expect(minute(only(a.timeline, 'rag.rated').data.dueAt)).toBe('2026-11-25T11:00');
    expect(minute(only(a.timeline, 'triage.requested').data.respondBy)).toBe('2026-11-25T11:00');
    expect(minute(only(a.timeline, 'mash-meeting.convened').data.recordBy)).toBe('2026-11-25T11:00');
    expect(only(a.timeline, 'mash.decided').data).toMatchObject({ meeting: true, late: false, leadAgency: 'childrens-social-care', notified: ['childrens-social-care', 'refuge', 'victim-support', 'early-help'] });
    expect(entries(a.timeline, 'rag.overdue')).toEqual([]);
    expect(entries(a.timeline, 'mash-meeting.record-overdue')).toEqual([]);
    expect(a.state.nextDeadline).toBeNull();
  });

  it('asks the MASH agencies and the education SPOC; tells the lead of each response; sends nothing to the perpetrator', () => {
    const request = sent.filter((m) => m.subject.includes('MASH triage request'));
    expect(request).toHaveLength(1);
    expect(request[0]!.to).toEqual(['childrens-social-care', 'adult-social-care', 'police', 'health', 'early-help', 'education'].map(mailbox));
    expect(request[0]!.eml).toContain('TRIAGE RESPONSE');
    // Every response but the lead's own is flagged to the lead (003 §14.4).
    expect(sent.filter((m) => m.subject.includes('TRIAGE RESPONSE received')).map((m) => m.to)).toEqual(Array(5).fill([mailbox('childrens-social-care')]));
    for (const m of sent) expect(m.eml).not.toContain('07700900456');
  });
});

describe('scenarios/warwickshire-mash-marac.json: from the MASH to MARAC and closure, then a repeat', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    ({ result } = await run(await scenarioFile('warwickshire-mash-marac.json')));
  });

  it('refers the high-risk case to MARAC at the MASH meeting record, hears it at the next Tuesday MARAC, and closes it when its actions are done', () => {
    const a = result.cases.A!;
    expect(a.rejected).toEqual([]);
    expect(only(a.timeline, 'mash.decided').data).toMatchObject({ meeting: true, late: false });
    expect(only(a.timeline, 'marac.referred')).toMatchObject({ at: expect.stringMatching(/^2026-11-24T13:45/), data: { criteria: ['risk-level'] } });
    expect(only(a.timeline, 'info-request.sent').data).toMatchObject({ circulateBy: '2026-11-24T14:00:00.000Z', respondBy: '2026-12-01T10:00:00.000Z' });
    expect(only(a.timeline, 'meeting.heard').at).toBe('2026-12-01T10:00:00.000Z');
    expect(entries(a.timeline, 'lead.assigned').map((e) => [e.data.for, e.data.agency])).toEqual([['victim', 'idva'], ['children', 'childrens-social-care'], ['perpetrator', 'probation']]);
    expect(only(a.timeline, 'case.closed').at).toMatch(/^2026-12-15T10:00/);
    expect(a.state.stage).toBe('closed');
    expect(result.meetings['daily 2026-12-01']).toBeDefined();
  });

  it('sends the victim\'s standard-risk incident seven weeks later to MARAC as a repeat, and closes it at its hearing', () => {
    const b = result.cases.B!;
    expect(b.rejected).toEqual([]);
    expect(only(b.timeline, 'marac.referred').data.criteria).toEqual(['repeat']);
    expect(only(b.timeline, 'referral.routed').data).toEqual({ route: 'hrda', repeat: true, previousCaseId: result.cases.A!.caseId });
    expect(only(b.timeline, 'meeting.heard').at).toBe('2027-01-19T10:00:00.000Z');
    expect(b.state.stage).toBe('closed');
  });
});

describe('the document\'s deadlines, to the minute', () => {
  it('gives a standard incident 72 clock hours across the October clock change, then marks it overdue and keeps it outstanding', async () => {
    // Thursday 22 October 2026, 10:00 BST; the clocks go back at 02:00 on Sunday 25th.
    const { result, sent } = await run({
      profile: 'warwickshire-mash', startAt: '2026-10-22T08:00:00Z', until: '2026-10-26T12:00:00Z',
      steps: [submit('2026-10-22T09:00:00Z', 'A')],
    });
    const a = result.cases.A!;
    expect(only(a.timeline, 'screening.started').data.completeBy).toBe('2026-10-25T09:00:00.000Z');
    expect(only(a.timeline, 'screening.overdue')).toMatchObject({ at: '2026-10-25T09:00:00.000Z' });
    expect(a.state.stage).toBe('screening');
    expect(a.state.nextDeadline).toBeNull();
    expect(sent.filter((m) => m.subject.includes('Screening overdue')).map((m) => m.to)).toEqual([[profile.administrator.mailbox, mailbox('police')]]);
  });

  it('marks a red rating missed 4 hours after the referral reached the MASH, naming the agencies awaited', async () => {
    const { result } = await run({
      profile: 'warwickshire-mash', startAt: '2026-11-23T08:00:00Z', until: '2026-11-24T18:00:00Z',
      steps: [
        submit('2026-11-24T09:00:00Z', 'A', medium),
        screen('2026-11-24T10:00:00Z', 'A', 'refer-to-mash'),
        rate('2026-11-24T10:20:00Z', 'A', 'red'),
        step('2026-11-24T12:00:00Z', 'recordTriageResponse', 'A', { agency: 'health', response: { chronology: 'GP only.', summary: 'Nothing of note.' } }),
      ],
    });
    const a = result.cases.A!;
    const overdue = only(a.timeline, 'rag.overdue');
    expect(minute(overdue.at)).toBe('2026-11-24T14:00');
    expect(overdue.data).toMatchObject({ rating: 'red', awaiting: ['childrens-social-care', 'adult-social-care', 'police', 'early-help', 'education'] });
    expect(a.state.stage).toBe('triage');
  });

  it('marks the MASH meeting record overdue 24 hours after the referral, and takes it late', async () => {
    const { result, sent } = await run({
      profile: 'warwickshire-mash', startAt: '2026-11-23T08:00:00Z', until: '2026-11-25T12:00:00Z',
      steps: [
        submit('2026-11-23T09:00:00Z', 'A', medium),
        screen('2026-11-23T10:00:00Z', 'A', 'refer-to-mash'),
        rate('2026-11-23T10:30:00Z', 'A', 'green'),
        step('2026-11-23T11:00:00Z', 'conveneMashMeeting', 'A', { kind: 'strategy-discussion', meetingAt: '2026-11-23T15:00:00Z', rationale: 'Children at risk of significant harm.' }),
        decide('2026-11-24T11:00:00Z', 'A', ['statutory-assessment']),
      ],
    });
    const a = result.cases.A!;
    expect(minute(only(a.timeline, 'mash-meeting.convened').data.recordBy)).toBe('2026-11-24T10:00');
    const overdue = only(a.timeline, 'mash-meeting.record-overdue');
    expect(minute(overdue.at)).toBe('2026-11-24T10:00');
    expect(only(a.timeline, 'mash.decided').data).toMatchObject({ meeting: true, late: true });
    expect(a.state.stage).toBe('closed');
    expect(sent.filter((m) => m.subject.includes('record overdue')).map((m) => m.to[0])).toEqual([profile.administrator.mailbox]);
  });
});

describe('a repeat within 12 months of a MARAC referral goes to MARAC (003 §17.2)', () => {
  // The first incident is high risk: screening shares it for support and it goes on to MARAC,
  // where nothing is left to do, so it closes; the subject remembers it was referred to MARAC.
  const scenario = (secondAt: string) => ({
    profile: 'warwickshire-mash', startAt: '2026-01-05T08:00:00Z', until: new Date(Date.parse(secondAt) + 3_600_000 * 3).toISOString(),
    steps: [
      submit('2026-01-06T10:00:00Z', 'first', high),
      screen('2026-01-06T11:00:00Z', 'first', 'share-for-support', ['refuge']),
      maracOutcome('2026-01-13T10:30:00Z', 'first'),
      submit(secondAt, 'second'),
      screen(new Date(Date.parse(secondAt) + 3_600_000).toISOString(), 'second', 'no-further-action'),
    ],
  });

  it('refers a standard incident 12 months less a day later to MARAC as a repeat, whatever screening decided', async () => {
    const { result } = await run(scenario('2027-01-05T10:00:00Z'));
    expect(only(result.cases.first!.timeline, 'meeting.heard').at).toBe('2026-01-13T10:00:00.000Z');
    const second = result.cases.second!;
    expect(second.rejected).toEqual([]);
    expect(only(second.timeline, 'marac.referred')).toMatchObject({ at: expect.stringMatching(/^2027-01-05T11:00/), data: { criteria: ['repeat'] } });
    expect(only(second.timeline, 'referral.routed').data).toEqual({ route: 'hrda', repeat: true, previousCaseId: result.cases.first!.caseId });
    expect(only(second.timeline, 'meeting.scheduled').data.meetingAt).toBe('2027-01-12T10:00:00.000Z');
  });

  it('closes one 12 months and a day later at screening: not a repeat', async () => {
    const { result } = await run(scenario('2027-01-07T10:00:00Z'));
    const second = result.cases.second!;
    expect(second.state.repeat).toBeNull();
    expect(entries(second.timeline, 'marac.referred')).toEqual([]);
    expect(second.state.stage).toBe('closed');
  });

  it('counts a medium-risk case referred to MARAC on professional judgement: its subject learns the route', async () => {
    const { result } = await run({
      profile: 'warwickshire-mash', startAt: '2026-11-23T08:00:00Z', until: '2027-02-03T12:00:00Z',
      steps: [
        submit('2026-11-24T10:00:00Z', 'first', medium),
        screen('2026-11-24T10:30:00Z', 'first', 'refer-to-mash'),
        rate('2026-11-24T11:00:00Z', 'first', 'amber'),
        decide('2026-11-24T15:00:00Z', 'first', ['safer-neighbourhoods'], { referToMarac: true }),
        maracOutcome('2026-12-01T10:30:00Z', 'first'),
        submit('2027-02-02T10:00:00Z', 'second'),
        screen('2027-02-02T11:00:00Z', 'second', 'no-further-action'),
      ],
    });
    expect(only(result.cases.first!.timeline, 'marac.referred').data.criteria).toEqual(['professional-judgement']);
    // After 14:00: circulated on Wednesday, heard at the MARAC of Tuesday 1 December.
    expect(only(result.cases.first!.timeline, 'meeting.heard').at).toBe('2026-12-01T10:00:00.000Z');
    expect(only(result.cases.second!.timeline, 'marac.referred').data.criteria).toEqual(['repeat']);
  });
});
