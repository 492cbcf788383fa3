import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { MeetingPapers } from '../../client/meeting-papers';
import type { DailyAgendaView, MonthlyAgendaView } from '../../machines/meeting';
import { bundleMeetingWorkflows, runMeetingScenario, type MeetingScenario, type MeetingSimulationResult } from '../support/meeting-simulation';
import { entries, only, referralStep, sentMessages } from '../support/simulation';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleMeetingWorkflows();
});

const scenarioFile = async (name: string) => JSON.parse(await readFile(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8')) as MeetingScenario;
const daily = (r: MeetingSimulationResult, date: string) => r.meetings[`daily ${date}`]!.agenda as DailyAgendaView;
const monthly = (r: MeetingSimulationResult, date: string) => r.meetings[`monthly ${date}`]!.agenda as MonthlyAgendaView;

const outcome = (risk = 'Strangulation') => ({ risks: [risk], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'High risk; practical safety first.' });
const recordOutcome = (at: string, ref = 'A', o = outcome()) => ({ at, do: 'recordOutcome', ref, outcome: o });
const noChildren = { children: [] };
/** The .eml as a reader sees it: quoted-printable soft breaks and escapes undone. */
const readable = (eml: string) => Buffer.from(eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

describe('the daily meeting: agenda order (PROTOCOL.md §1.3, profile agendaOrder)', () => {
  let r: MeetingSimulationResult;
  beforeAll(async () => {
    r = await runMeetingScenario(await scenarioFile('three-referrals-one-day.json'), bundle);
  }, 180_000);

  it('hears three referrals of one day at one meeting: children first, then by risk, then by time received', () => {
    const agenda = daily(r, '2026-11-26');
    const ids = (ref: string) => r.cases[ref]!.caseId;
    expect(agenda.items.map((i) => i.caseId)).toEqual([ids('high-with-children'), ids('high-no-children'), ids('standard-repeat')]);
    expect(agenda.items.map((i) => [i.risk, i.childrenLinked, i.repeat])).toEqual([['high', true, false], ['high', false, false], ['standard', false, true]]);
    // The high-risk case without children was received before the one with children, and still follows it.
    expect([r.cases['high-no-children']!.state.receivedAt, r.cases['high-with-children']!.state.receivedAt]).toEqual(['2026-11-24T09:00:00.000Z', '2026-11-24T10:00:00.000Z']);
    expect(agenda.items.every((i) => i.status === 'heard')).toBe(true);
    expect(agenda).toMatchObject({ status: 'ended', facilitator: 'police', meetingAt: '2026-11-26T12:00:00.000Z', frozenAt: '2026-11-25T14:00:00.000Z' });
  });

  it('records each outcome on its case, heard at that meeting, in agenda order', () => {
    for (const ref of ['high-with-children', 'high-no-children', 'standard-repeat']) {
      const t = r.cases[ref]!.timeline;
      expect(only(t, 'meeting.heard').data).toEqual({ kind: 'daily', meetingAt: '2026-11-26T12:00:00.000Z' });
      expect(r.cases[ref]!.state.stage).toBe('monitoring');
    }
    const outcomes = r.meetings['daily 2026-11-26']!.outcomes as { caseId: string }[];
    expect(outcomes.map((o) => o.caseId)).toEqual(daily(r, '2026-11-26').items.map((i) => i.caseId));
    expect(r.meetings['daily 2026-11-26']!.attendance?.agencies).toContain('childrens-social-care');
    expect(r.refused).toEqual([]);
  });
});

describe('the daily meeting: cases not heard roll over', () => {
  it('sends a case scheduled after the agenda froze on to the next meeting, with a timeline entry', async () => {
    const late = referralStep('2026-11-25T13:00:00Z', 'late', { victim: { name: 'Sam Sample', dateOfBirth: '1985-09-12', consent: { share: true, contact: true } } });
    const r = await runMeetingScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-27T18:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z', 'A'),
        late,
        // Its enlistment reaches the meeting only after the 14:00 freeze (a slow or retried activity).
        { at: '2026-11-25T15:00:00Z', do: 'releaseEnlistments' },
        recordOutcome('2026-11-26T12:30:00Z', 'A'),
        recordOutcome('2026-11-27T12:30:00Z', 'late'),
      ],
    }, bundle, { holdEnlistment: (entry) => entry.receivedAt === '2026-11-25T13:00:00.000Z' && entry.item === 'new-referral' });
    const t = r.cases.late!.timeline;
    expect(only(t, 'meeting.rolled-over')).toMatchObject({
      at: expect.stringMatching(/^2026-11-25T15:00/),
      data: { kind: 'daily', meetingAt: '2026-11-26T12:00:00.000Z', reason: 'after-cut-off', nextMeetingAt: '2026-11-27T12:00:00.000Z' },
    });
    expect(entries(t, 'meeting.scheduled').map((e) => e.data.meetingAt)).toEqual(['2026-11-26T12:00:00.000Z', '2026-11-27T12:00:00.000Z']);
    const thursday = daily(r, '2026-11-26');
    expect(thursday.items.map((i) => i.caseId)).toEqual([r.cases.A!.caseId]);
    expect(thursday.rolledOver).toEqual([expect.objectContaining({ caseId: r.cases.late!.caseId, reason: 'after-cut-off', item: 'new-referral' })]);
    // Friday's meeting (a partner agency facilitates) hears it as a rolled-over case.
    const friday = daily(r, '2026-11-27');
    expect(friday).toMatchObject({ facilitator: 'childrens-social-care', items: [expect.objectContaining({ caseId: r.cases.late!.caseId, item: 'rolled-over', status: 'heard' })] });
    expect(only(t, 'meeting.heard').data.meetingAt).toBe('2026-11-27T12:00:00.000Z');
  });

  it('rolls over a case the meeting ran out of time for, lists it in the minutes, and hears it at the next meeting', async () => {
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-meeting-'));
    const r = await runMeetingScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-27T18:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z', 'A'),
        referralStep('2026-11-24T11:00:00Z', 'B', { ...noChildren, victim: { name: 'Sam Sample', dateOfBirth: '1985-09-12', consent: { share: true, contact: true } } }),
        recordOutcome('2026-11-26T12:30:00Z', 'A'),
        // Past the profile's outcomesBy (PT5H: 17:00): refused, and B has rolled over.
        { ...recordOutcome('2026-11-26T17:30:00Z', 'B'), date: '2026-11-26' },
        recordOutcome('2026-11-27T12:15:00Z', 'B'),
      ],
    }, bundle, { outboxDir });
    const t = r.cases.B!.timeline;
    expect(only(t, 'meeting.rolled-over')).toMatchObject({
      at: expect.stringMatching(/^2026-11-26T17:00/),
      data: { reason: 'out-of-time', meetingAt: '2026-11-26T12:00:00.000Z', nextMeetingAt: '2026-11-27T12:00:00.000Z' },
      rationale: 'The meeting ran out of time before the case was heard.',
    });
    expect(r.refused).toEqual([expect.objectContaining({ step: 'recordOutcome', error: 'the daily meeting of 2026-11-26 has ended; its record stands and it takes nothing more' })]);
    expect(daily(r, '2026-11-26').items.map((i) => [i.caseId, i.status])).toEqual([[r.cases.A!.caseId, 'heard'], [r.cases.B!.caseId, 'rolled-over']]);
    // Friday's agenda froze on Thursday at 14:00; a rolled-over case still joins it (profile lateAdditions).
    expect(daily(r, '2026-11-27').items).toEqual([expect.objectContaining({ caseId: r.cases.B!.caseId, item: 'rolled-over', lateAddition: true, status: 'heard' })]);
    expect(only(t, 'meeting.heard').data.meetingAt).toBe('2026-11-27T12:00:00.000Z');

    const mail = await sentMessages(outboxDir);
    const minutes = mail.find((m) => m.id === 'meeting-dorset-hrda-daily-2026-11-26:minutes')!;
    expect(minutes.subject).toBe('HRDA daily meeting — Thursday 26 November 2026, 12:00 — minutes and HRDA Matrix');
    expect(readable(minutes.eml)).toContain(`<li>Case ${r.cases.B!.caseId.slice(0, 8)}: not heard (the meeting ran out of time); rolled over to the next meeting</li>`);
    expect(readable(minutes.eml)).toContain('<td>a1: Change the locks.</td><td>Housing</td>');
    const directory = new Set(dorsetHrda.agencies.map((a) => a.mailbox));
    for (const m of mail.filter((x) => x.id.startsWith('meeting-'))) for (const to of m.to) expect(directory.has(to)).toBe(true);
  });

  it('cancels a meeting on a declared closure day: every case rolls over to the next meeting', async () => {
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-meeting-'));
    const r = await runMeetingScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-27T18:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z', 'A'),
        { at: '2026-11-26T08:00:00Z', do: 'declareClosure', reason: 'Building closed: heating failure' },
        { ...recordOutcome('2026-11-26T12:30:00Z', 'A'), date: '2026-11-26' },
        recordOutcome('2026-11-27T12:30:00Z', 'A'),
      ],
    }, bundle, { outboxDir });
    const t = r.cases.A!.timeline;
    expect(only(t, 'meeting.rolled-over')).toMatchObject({
      at: expect.stringMatching(/^2026-11-26T08:00/),
      data: { reason: 'meeting-cancelled', meetingAt: '2026-11-26T12:00:00.000Z', nextMeetingAt: '2026-11-27T12:00:00.000Z' },
    });
    expect(daily(r, '2026-11-26')).toMatchObject({ status: 'cancelled', closure: { reason: 'Building closed: heating failure' }, items: [expect.objectContaining({ status: 'rolled-over' })] });
    expect(r.refused).toEqual([expect.objectContaining({ at: '2026-11-26T12:30:00.000Z', error: expect.stringContaining('was cancelled (Building closed: heating failure)') })]);
    expect(only(t, 'meeting.heard').data.meetingAt).toBe('2026-11-27T12:00:00.000Z');
    const notice = (await sentMessages(outboxDir)).find((m) => m.id === 'meeting-dorset-hrda-daily-2026-11-26:closure');
    expect(notice?.subject).toBe('HRDA daily meeting — Thursday 26 November 2026, 12:00 — cancelled');
  });
});

describe('a bank-holiday Monday (PROTOCOL.md §1.3: no meeting on bank holidays)', () => {
  it('hears a case circulated on Friday 30 April 2027 on Tuesday 4 May; a meeting started for Monday 3 May refuses', async () => {
    const r = await runMeetingScenario({
      startAt: '2027-04-30T07:00:00Z', until: '2027-05-04T17:00:00Z',
      steps: [
        { at: '2027-04-30T07:30:00Z', do: 'runPlanner', days: 7 },
        referralStep('2027-04-30T09:00:00Z', 'A'),
        { at: '2027-04-30T09:30:00Z', do: 'startMeeting', kind: 'daily', date: '2027-05-03' },
        { at: '2027-04-30T09:31:00Z', do: 'captureAgenda', kind: 'daily', date: '2027-05-03' },
        recordOutcome('2027-05-04T11:30:00Z', 'A'),
      ],
    }, bundle);
    const [planner, started] = [r.results[0] as { started: string[]; existing: string[] }, r.results[2] as { started: boolean }];
    expect(planner.started).toEqual([
      'meeting-dorset-hrda-daily-2027-04-30', 'meeting-dorset-hrda-daily-2027-05-04', 'meeting-dorset-hrda-daily-2027-05-06',
      'meeting-dorset-hrda-monthly-2027-05-26',
    ]);
    // Monday 3 May is the Early May bank holiday: the planner skipped it, and a run started anyway completes at once.
    expect(started.started).toBe(true);
    expect(r.results[3]).toMatchObject({ status: 'no-meeting', noMeetingReason: '2027-05-03 is a bank holiday (Early May bank holiday): no meeting', items: [] });
    const t = r.cases.A!.timeline;
    expect(only(t, 'info-request.sent').data.circulateBy).toBe('2027-04-30T13:00:00.000Z');
    expect(only(t, 'meeting.scheduled').data.meetingAt).toBe('2027-05-04T11:00:00.000Z');
    expect(only(t, 'meeting.heard').data.meetingAt).toBe('2027-05-04T11:00:00.000Z');
    // Tuesday's agenda froze at 14:00 on the last working day before it: Friday.
    expect(daily(r, '2027-05-04')).toMatchObject({ freezeAt: '2027-04-30T13:00:00.000Z', items: [expect.objectContaining({ caseId: r.cases.A!.caseId, status: 'heard' })] });
  });
});

describe('the HRDAP monthly management meeting (PROTOCOL.md §1.5)', () => {
  let r: MeetingSimulationResult;
  let outboxDir: string;
  beforeAll(async () => {
    outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-hrdap-'));
    r = await runMeetingScenario(await scenarioFile('hrdap-review.json'), bundle, { outboxDir });
  }, 180_000);

  it('holds the December 2026 HRDAP on Wednesday 23rd 09:00, QA and circulation by Wednesday 16th 09:00', () => {
    const agenda = monthly(r, '2026-12-23');
    expect(agenda).toMatchObject({ meetingAt: '2026-12-23T09:00:00.000Z', qaBy: '2026-12-16T09:00:00.000Z', circulatedAt: '2026-12-16T09:00:00.000Z', status: 'ended' });
    expect(agenda.packsCirculated).toEqual([expect.objectContaining({ revision: 1, caseIds: [r.cases.A!.caseId] })]);
    expect(entries(r.cases.A!.timeline, 'meeting.scheduled').map((e) => e.data)).toContainEqual({ kind: 'monthly', meetingAt: '2026-12-23T09:00:00.000Z' });
  });

  it('forwards the chairs’ acceptance and the review outcome to the case, which closes to the meeting', () => {
    const t = r.cases.A!.timeline;
    expect(only(t, 'review.qa')).toMatchObject({ at: expect.stringMatching(/^2026-12-14T10:00/), data: { accepted: true }, actor: { role: 'chair' } });
    expect(entries(t, 'meeting.heard').find((e) => e.data.kind === 'monthly')).toMatchObject({ at: '2026-12-23T09:00:00.000Z' });
    expect(only(t, 'review.completed').data.meetingAt).toBe('2026-12-23T09:00:00.000Z');
    expect(r.cases.A!.state.actions.map((a) => a.id)).toEqual(['a1', 'r1']);
    expect(monthly(r, '2026-12-23').items.find((i) => i.caseId === r.cases.A!.caseId)).toMatchObject({ qa: 'accepted', status: 'heard' });
  });

  it('returns a rejected review request to the professional with the chairs’ feedback', async () => {
    const t = r.cases.B!.timeline;
    const feedback = "One week without contact is not serial non-engagement: use the professionals' meeting first, and come back if it continues.";
    expect(only(t, 'review.qa')).toMatchObject({ data: { accepted: false, feedback }, rationale: feedback });
    expect(r.cases.B!.state.review).toBeNull();
    // The feedback is the case's (above, under the case's key); the meeting keeps only that the request was returned.
    const item = monthly(r, '2026-12-23').items.find((i) => i.caseId === r.cases.B!.caseId);
    expect(item).toMatchObject({ qa: 'returned', status: 'returned' });
    expect(JSON.stringify(r.meetings['monthly 2026-12-23'])).not.toContain('serial non-engagement');
    expect(r.meetings['monthly 2026-12-23']!.outcomes).toMatchObject({ qa: expect.arrayContaining([{ caseId: r.cases.B!.caseId, accepted: false, at: expect.any(String), by: expect.objectContaining({ role: 'chair' }) }]) });
    const mail = await sentMessages(outboxDir);
    const returned = mail.find((m) => m.subject.endsWith('Management review request not accepted'));
    expect(returned?.to).toEqual(['hrda@daa.example.org']);
    // The case summaries circulated at the QA point leave the returned request out.
    const papers = mail.find((m) => m.id === 'meeting-dorset-hrda-monthly-2026-12-23:papers:r1')!;
    expect(readable(papers.eml)).toContain(r.cases.A!.caseId.slice(0, 8));
    expect(readable(papers.eml)).not.toContain(r.cases.B!.caseId.slice(0, 8));
  });

  it('sends the minutes and the updated HRDA Matrix after the meeting', async () => {
    const minutes = (await sentMessages(outboxDir)).find((m) => m.id === 'meeting-dorset-hrda-monthly-2026-12-23:minutes')!;
    expect(minutes.subject).toBe('HRDAP management meeting — Wednesday 23 December 2026, 09:00 — minutes and HRDA Matrix');
    expect(readable(minutes.eml)).toContain('Joint visit with police to review bail conditions.');
    expect(r.refused).toEqual([]);
  });
});

describe('outcomes recorded at the meeting', () => {
  it('passes one outcome to its case, and brings the case’s refusal back to the caller', async () => {
    const r = await runMeetingScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T18:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z', 'A'),
        recordOutcome('2026-11-26T11:00:00Z', 'A'),
        recordOutcome('2026-11-26T12:20:00Z', 'A', { ...outcome(), actions: [{ id: 'a1', owner: 'the-neighbours', description: 'Keep watch.' }] }),
        recordOutcome('2026-11-26T12:30:00Z', 'A'),
        recordOutcome('2026-11-26T12:40:00Z', 'A'),
      ],
    }, bundle);
    expect(r.refused.map((x) => x.error)).toEqual([
      expect.stringContaining('the meeting sits at 2026-11-26T12:00:00.000Z'),
      expect.stringContaining('unknown agencies for profile dorset-hrda: the-neighbours'),
      expect.stringContaining('already recorded'),
    ]);
    const c = r.cases.A!;
    expect(c.state.stage).toBe('monitoring');
    expect(only(c.timeline, 'matrix.recorded')).toMatchObject({ at: expect.stringMatching(/^2026-11-26T12:30/), data: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing' }] }, actor: { role: 'administrator' } });
    expect(daily(r, '2026-11-26').items).toEqual([expect.objectContaining({ status: 'heard' })]);
  });
});

describe('the meeting pack', () => {
  it('circulates the pack when the agenda freezes: readable, escaped, and only to directory mailboxes', async () => {
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-pack-'));
    const summary = { involvement: 'Known to the health visitor <since 2020>.', risks: 'Missed appointments & "no access" visits.', actionsTaken: 'Safeguarding flag added.', recommendations: 'Home visit.' };
    const r = await runMeetingScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-25T15:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z', 'A', {
          victim: { name: "Aoife O'Brien", dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
          incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'He said <script>alert("x")</script> & left.', flags: ['strangulation'] },
        }),
        { at: '2026-11-25T09:00:00Z', do: 'submitSummary', ref: 'A', agency: 'health', summary },
        { at: '2026-11-25T11:00:00Z', do: 'recordVictimContact', ref: 'A', outcome: 'views-recorded', views: 'Wants the locks changed.\n\nFears for the child.' },
        { at: '2026-11-25T14:05:00Z', do: 'capturePack', kind: 'daily', date: '2026-11-26' },
      ],
    }, bundle, { outboxDir });
    // Read at 14:05, rendered from the cases as they are, which have not changed since the pack went at 14:00.
    const pack = r.results[3] as MeetingPapers;
    expect(pack).toMatchObject({ revision: 1, circulatedAt: expect.stringMatching(/^2026-11-25T14:00/), mailId: 'meeting-dorset-hrda-daily-2026-11-26:papers:r1', matchesMailed: true });
    expect(pack.mailedDigest).toEqual(pack.digest);
    expect(pack.html).toContain('He said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left.');
    expect(pack.html).not.toContain('<script');
    expect(pack.html).toContain('Aoife O&#39;Brien');
    for (const heading of ['Referral summary', 'Background checks (Niche, PND, PNC)', 'Agency summaries', 'The victim&#39;s voice']) expect(pack.html).toContain(`<h3>${heading}</h3>`);
    expect(pack.html).toMatch(/<strong>Not returned:<\/strong> Dorset Police, Children&#39;s Social Care, Specialist Domestic Abuse Advisor \(DAA\), Adult Social Care, Housing/);
    expect(pack.html).toContain('Known to the health visitor &lt;since 2020&gt;.');
    // The perpetrator's contact details are held on the referral so that nothing goes there; the pack never shows them.
    expect(pack.html).not.toContain('blake@example.net');
    expect(pack.markdown).toContain('He said \\<script\\>alert("x")\\</script\\> & left.');
    const mail = (await sentMessages(outboxDir)).find((m) => m.id === 'meeting-dorset-hrda-daily-2026-11-26:papers:r1')!;
    expect(mail.subject).toBe('HRDA daily meeting — Thursday 26 November 2026, 12:00 — meeting pack, 1 case(s)');
    expect(mail.to).toEqual(dorsetHrda.infoRequest.agencies.map((a) => dorsetHrda.agencies.find((x) => x.id === a)!.mailbox));
    // What was read is the mailed copy's text.
    expect(readable(mail.eml)).toContain('He said &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left.');
    expect(pack.recipients).toEqual(dorsetHrda.infoRequest.agencies);
  });
});
