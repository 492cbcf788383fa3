import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulationResult } from '../../client/simulate/simulate';
import { getProfile } from '../../domain/profiles';
import { bundleWorkflows } from '../support/bundle';
import { entries, only, runScenario, sentMessages, type SentMessage } from '../support/simulation';

/**
 * The kirklees-dramm-marac scenarios (scenarios/kirklees-dramm-marac-*.json) through `hrda
 * simulate` on the time-skipping server, from referral to closure, checked against the
 * protocol's own instants ([002] 2.14, 2.17, 2.26, 2.50).
 */
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

/** The .eml as a reader sees it: quoted-printable soft breaks and escapes undone. */
const readable = (eml: string) => Buffer.from(eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

const scenario = async (name: string) => JSON.parse(await readFile(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8')) as unknown;

describe('scenarios/kirklees-dramm-marac-dramm-only.json: a medium-risk incident heard at the DRAMM only', () => {
  let r: SimulationResult;
  beforeAll(async () => {
    r = await runScenario(await scenario('kirklees-dramm-marac-dramm-only.json'), bundle);
  }, 240_000);

  it('shares the case by 10:00 and hears it at 11:30 the same Tuesday', () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'referral.routed').rationale).toBe('A medium-risk police incident is heard where children are linked.');
    expect(only(t, 'info-request.sent').data).toMatchObject({ circulateBy: '2026-11-24T10:00:00.000Z', respondBy: '2026-11-24T11:30:00.000Z' });
    expect(only(t, 'meeting.scheduled').data).toEqual({ kind: 'daily', meetingAt: '2026-11-24T11:30:00.000Z' });
    expect(only(t, 'meeting.heard').data).toEqual({ kind: 'daily', meetingAt: '2026-11-24T11:30:00.000Z' });
    expect(entries(t, 'reminder.sent')[0]).toMatchObject({ at: '2026-11-24T11:00:00.000Z', data: { about: 'agency summary', to: ['police', 'pdvg', 'chart', 'adult-social-care'] } });
  });

  it("records the chair's confirmation, refuses two agencies contacting the medium-risk victim, and takes the outcome with one", () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'risk.confirmed')).toMatchObject({ at: expect.stringMatching(/^2026-11-24T11:35/), actor: { role: 'chair' }, data: { risk: 'medium', from: 'medium' } });
    expect(r.refused).toEqual([expect.objectContaining({ at: '2026-11-24T11:45:00.000Z', step: 'recordOutcome', error: expect.stringContaining('no more than 1 agency contacts the victim to offer support ([002] 2.50)') })]);
    expect(only(t, 'matrix.recorded')).toMatchObject({ at: expect.stringMatching(/^2026-11-24T11:50/), data: { actions: [
      { id: 'a1', owner: 'childrens-social-care', dueAt: '2026-12-15T11:30:00.000Z' },
      { id: 'a2', owner: 'locala', dueAt: '2026-12-15T11:30:00.000Z' },
      { id: 'a3', owner: 'police', dueAt: '2026-12-15T11:30:00.000Z' },
    ] } });
    expect(r.cases.A!.state.actions.filter((a) => a.contactsVictim).map((a) => a.owner)).toEqual(['childrens-social-care']);
  });

  it('closes by itself when the last action is complete, with no MARAC referral', () => {
    const t = r.cases.A!.timeline;
    expect(r.cases.A!.state.stage).toBe('closed');
    expect(only(t, 'case.closed').at).toMatch(/^2026-12-10T15:00/);
    expect(entries(t, 'meeting.scheduled').map((e) => e.data.kind)).toEqual(['daily']);
  });
});

describe('scenarios/kirklees-dramm-marac-to-marac.json: a high-risk case referred on to the MARAC, and a transfer for information', () => {
  let r: SimulationResult;
  let sent: SentMessage[];
  beforeAll(async () => {
    const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-kirklees-'));
    try {
      r = await runScenario(await scenario('kirklees-dramm-marac-to-marac.json'), bundle, { outboxDir: outbox });
      sent = await sentMessages(outbox);
    } finally {
      await rm(outbox, { recursive: true, force: true });
    }
  }, 240_000);

  it('hears the Monday referral at the 13:00 DRAMM, shared by 11:00, and refuses its outcome until it is referred on (2.53)', () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'info-request.sent').data.circulateBy).toBe('2026-11-30T11:00:00.000Z');
    expect(entries(t, 'meeting.heard').map((e) => e.data)).toEqual([
      { kind: 'daily', meetingAt: '2026-11-30T13:00:00.000Z' },
      { kind: 'marac', meetingAt: '2026-12-10T09:30:00.000Z' },
    ]);
    expect(r.cases.A!.rejected).toEqual([expect.objectContaining({
      at: '2026-11-30T13:15:00.000Z', step: 'recordOutcome', error: expect.stringContaining('a high-risk case is referred on to the MARAC ([002] 2.53)'),
    })]);
    expect(only(t, 'risk.confirmed').data).toEqual({
      risk: 'high', from: 'high', currentTriggers: ['strangulation (2026-11-29)', 'coercive-control (2026-11-29)'], historicTriggers: ['rape (2024-06-01)'], factors: [],
    });
  });

  it('refers it on for full discussion, with the rationale, to the MARAC of Thursday 10 December 09:30, papers by Friday 4 December 17:00', () => {
    const referred = only(r.cases.A!.timeline, 'marac.referred');
    expect(referred).toMatchObject({
      at: expect.stringMatching(/^2026-11-30T13:20/),
      data: { category: 'full-discussion', meetingAt: '2026-12-10T09:30:00.000Z', papersBy: '2026-12-04T17:00:00.000Z' },
      rationale: expect.stringContaining('without all MARAC agencies (2.54)'),
    });
    const marac = r.meetings['marac 2026-12-10']!.agenda;
    expect(marac).toMatchObject({ kind: 'marac', status: 'ended', papersBy: '2026-12-04T17:00:00.000Z', circulatedAt: '2026-12-04T17:00:00.000Z', chair: 'police' });
    expect(marac.packsCirculated.map((p) => p.at.slice(0, 16))).toEqual(['2026-12-04T17:00']);
  });

  it('records the MARAC outcome and its actions, and closes once they are complete', () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'marac.completed')).toMatchObject({ at: expect.stringMatching(/^2026-12-10T10:15/), data: { category: 'full-discussion', meetingAt: '2026-12-10T09:30:00.000Z' } });
    expect(r.cases.A!.state.actions.filter((a) => a.setAtMarac).map((a) => [a.id, a.dueAt])).toEqual([
      ['m1', '2026-12-31T09:30:00.000Z'], ['m2', '2026-12-31T09:30:00.000Z'],
    ]);
    expect(only(t, 'case.closed').at).toMatch(/^2027-01-05T11:00/);
  });

  it('takes the actions still outstanding from the 10 December MARAC first at the next, on 24 December (3.12)', () => {
    const next = r.meetings['marac 2026-12-24']!.agenda;
    expect(next).toMatchObject({ kind: 'marac', previousMeetingAt: '2026-12-10T09:30:00.000Z', circulatedAt: '2026-12-18T17:00:00.000Z' });
    if (next.kind !== 'marac') throw new Error('not a MARAC');
    expect(next.outstandingActions).toEqual([
      { caseId: r.cases.A!.caseId, actionId: 'm1', owner: 'housing-solutions', status: 'open', dueAt: '2026-12-31T09:30:00.000Z' },
      { caseId: r.cases.A!.caseId, actionId: 'm2', owner: 'victim-support', status: 'open', dueAt: '2026-12-31T09:30:00.000Z' },
    ]);
    expect(next.items.map((i) => [i.caseId, i.category, i.status])).toEqual([[r.cases.T!.caseId, 'information-only', 'heard']]);
  });

  it('mails the MARAC papers with the outstanding actions first, and the DRAMM pack with the triage', () => {
    const papers = sent.filter((m) => m.subject.startsWith('MARAC (Multi-Agency Risk Assessment Conference) — Thursday 24 December 2026, 09:30 — papers'));
    expect(papers).toHaveLength(1);
    const text = readable(papers[0]!.eml);
    expect(text.indexOf('Actions outstanding from the previous MARAC')).toBeLessThan(text.indexOf('information only'));
    expect(text).toContain(`action m1 — Kirklees Council Housing Solutions Service, open, update due 31 Dec 2026 09:30`);
    expect(papers[0]!.to).toEqual(expect.arrayContaining(['marac@cht.example.org', 'dramm@westyorkshire.police.example.org', 'marac@victim-support.example.org']));
    const pack = sent.find((m) => m.subject.startsWith('DRAMM (Daily Risk Assessment Management Meeting) — Monday 30 November 2026, 13:00 — meeting pack'));
    expect(readable(pack!.eml)).toContain('MARAC/3rd party referral');
    // Papers go to the profile's directory mailboxes only (PROTOCOL.md §1.1).
    const directory = new Set([...getProfile('kirklees-dramm-marac').agencies.map((a) => a.mailbox), getProfile('kirklees-dramm-marac').administrator.mailbox]);
    for (const m of sent) for (const to of m.to) expect(directory.has(to), `${m.subject} to ${to}`).toBe(true);
  });

  it('closes the transfer once the MARAC has confirmed no further incidents (information only)', () => {
    const t = r.cases.T!.timeline;
    expect(only(t, 'marac.referred').data).toEqual({ category: 'information-only', meetingAt: '2026-12-24T09:30:00.000Z', papersBy: '2026-12-18T17:00:00.000Z' });
    // Heard at the DRAMM with no actions: open until the MARAC's outcome, then closed.
    expect(only(t, 'case.closed').at).toMatch(/^2026-12-24T10:00/);
    expect(r.refused.filter((x) => x.step === 'recordMaracOutcome')).toEqual([]);
  });
});

