import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../support/bundle';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { PoliceSystems } from '../../activities/police-systems.port';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { entries, only, referralStep, runScenario, sentMessages } from '../support/simulation';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

const outcome = (at: string, actions = [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], ref = 'A') => ({
  at, do: 'recordMeetingOutcome', ref,
  outcome: { risks: ['Strangulation'], actions, leads: {}, rationale: 'High risk; practical safety first.' },
});

describe('the information request and the next-meeting rule (PROTOCOL.md §3)', () => {
  it('hears a Tuesday 10:00 referral on Thursday 12:00, with the request due out by Tuesday 14:00', async () => {
    const { cases } = await runScenario({ startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T13:00:00Z', steps: [referralStep('2026-11-24T10:00:00Z'), outcome('2026-11-26T12:30:00Z')] }, bundle);
    const t = cases.A!.timeline;
    expect(only(t, 'info-request.sent').data).toMatchObject({ circulateBy: '2026-11-24T14:00:00.000Z', respondBy: '2026-11-26T12:00:00.000Z' });
    expect(only(t, 'meeting.scheduled').data).toEqual({ kind: 'daily', meetingAt: '2026-11-26T12:00:00.000Z' });
    expect(only(t, 'meeting.heard')).toMatchObject({ at: '2026-11-26T12:00:00.000Z', data: { kind: 'daily', meetingAt: '2026-11-26T12:00:00.000Z' } });
    expect(cases.A!.state.stage).toBe('monitoring');
  });

  it('circulates a Christmas Eve 15:30 referral on Tuesday 29 December and hears it on Thursday 31st', async () => {
    const { cases } = await runScenario({ startAt: '2026-12-24T08:00:00Z', until: '2026-12-31T13:00:00Z', steps: [referralStep('2026-12-24T15:30:00Z'), outcome('2026-12-31T12:30:00Z')] }, bundle);
    const t = cases.A!.timeline;
    expect(only(t, 'info-request.sent').data.circulateBy).toBe('2026-12-29T14:00:00.000Z');
    expect(only(t, 'meeting.scheduled').data.meetingAt).toBe('2026-12-31T12:00:00.000Z');
    expect(only(t, 'meeting.heard').at).toBe('2026-12-31T12:00:00.000Z');
  });

  it('moves a referral arriving after 14:00 to the next working day, and the meeting after that', async () => {
    const { cases } = await runScenario({ startAt: '2026-11-24T08:00:00Z', until: '2026-11-26T12:30:00Z', steps: [referralStep('2026-11-24T14:30:00Z')] }, bundle);
    const t = cases.A!.timeline;
    expect(only(t, 'info-request.sent').data.circulateBy).toBe('2026-11-25T14:00:00.000Z');
    expect(only(t, 'meeting.scheduled').data.meetingAt).toBe('2026-11-26T12:00:00.000Z');
  });

  it('sends the request at 14:00 sharp when the police systems are still being retried', async () => {
    const slow: PoliceSystems = { search: async () => { throw new Error('Niche unavailable'); } };
    const { cases } = await runScenario({ startAt: '2026-11-24T08:00:00Z', until: '2026-11-24T20:00:00Z', steps: [referralStep('2026-11-24T11:00:00Z')] }, bundle, { police: slow });
    const t = cases.A!.timeline;
    expect(only(t, 'info-request.sent').at).toBe('2026-11-24T14:00:00.000Z');
    // The checks give up after the profile's four hours, and say so.
    expect(entries(t, 'checks.failed').map((e) => e.data.system).sort()).toEqual(['niche', 'pnc', 'pnd']);
  });
});

describe('reminders and deadlines', () => {
  it('reminds only the agencies without a summary at 09:00 on the meeting day', async () => {
    const summary = { involvement: 'Known.', risks: 'Some.', actionsTaken: 'Some.', recommendations: 'Some.' };
    const { cases } = await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T11:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z'),
        { at: '2026-11-25T09:00:00Z', do: 'submitSummary', ref: 'A', agency: 'health', summary },
        { at: '2026-11-25T09:30:00Z', do: 'submitSummary', ref: 'A', agency: 'housing', summary },
      ],
    }, bundle);
    const reminder = only(cases.A!.timeline, 'reminder.sent');
    expect(reminder.at).toBe('2026-11-26T09:00:00.000Z');
    expect(reminder.data.to).toEqual(dorsetHrda.infoRequest.agencies.filter((a) => a !== 'health' && a !== 'housing'));
  });

  it('asks for an action update within three weeks, reminds a week before, marks it overdue after', async () => {
    const { cases } = await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-12-20T00:00:00Z',
      steps: [referralStep('2026-11-24T10:00:00Z'), outcome('2026-11-26T12:30:00Z')],
    }, bundle);
    const t = cases.A!.timeline;
    expect(only(t, 'matrix.recorded').data.actions).toEqual([{ id: 'a1', owner: 'housing', dueAt: '2026-12-17T12:00:00.000Z' }]);
    const reminders = entries(t, 'reminder.sent').filter((e) => e.data.about === 'action a1');
    expect(reminders).toEqual([expect.objectContaining({ at: '2026-12-10T12:00:00.000Z', data: { to: ['housing'], about: 'action a1', dueAt: '2026-12-17T12:00:00.000Z' } })]);
    expect(only(t, 'action.overdue')).toMatchObject({ at: '2026-12-17T12:00:00.000Z', data: { actionId: 'a1', owner: 'housing' } });
    expect(cases.A!.state.overdueActions).toEqual(['a1']);
  });

  it('puts a review request on the December HRDAP and marks it not quality-assured at the QA point', async () => {
    const { cases } = await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-12-23T10:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z'),
        outcome('2026-11-26T12:30:00Z'),
        { at: '2026-12-01T10:00:00Z', do: 'requestReview', ref: 'A', reason: 'escalating-risk', summary: 'Further incidents reported.' },
      ],
    }, bundle);
    const t = cases.A!.timeline;
    expect(entries(t, 'meeting.scheduled').map((e) => e.data)).toContainEqual({ kind: 'monthly', meetingAt: '2026-12-23T09:00:00.000Z' });
    expect(only(t, 'review.qa')).toMatchObject({ at: '2026-12-16T09:00:00.000Z', data: { accepted: true, notQualityAssured: true } });
    expect(entries(t, 'meeting.heard').find((e) => e.data.kind === 'monthly')).toMatchObject({ at: '2026-12-23T09:00:00.000Z' });
  });
});

describe('repeats (12 months of the latest earlier referral)', () => {
  const standard = { assessment: { tool: 'safelives-dash' as const, risk: 'standard' as const, score: 5 } };
  const scenario = (secondAt: string) => ({
    startAt: '2026-01-05T08:00:00Z', until: new Date(Date.parse(secondAt) + 3_600_000).toISOString(),
    // The first case is heard with nothing left to do, so it closes: the subject remembers it.
    steps: [referralStep('2026-01-06T10:00:00Z', 'first'), outcome('2026-01-08T12:30:00Z', [], 'first'), referralStep(secondAt, 'second', standard)],
  });

  it('sends a standard-risk referral 12 months less a day later to HRDA as a repeat', async () => {
    const { cases } = await runScenario(scenario('2027-01-05T10:00:00Z'), bundle);
    expect(only(cases.second!.timeline, 'referral.routed').data).toMatchObject({ route: 'hrda', repeat: true, previousCaseId: cases.first!.caseId });
  });

  it('treats one 12 months and a day later as new: the standard-risk offer', async () => {
    const { cases } = await runScenario(scenario('2027-01-07T10:00:00Z'), bundle);
    expect(only(cases.second!.timeline, 'referral.routed').data).toMatchObject({ route: 'standard-risk-offer', repeat: false });
    expect(cases.second!.state.stage).toBe('closed');
  });

  it('starts a repeat with the previous plan and its outstanding actions in view', async () => {
    const { cases } = await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-12-05T00:00:00Z',
      steps: [referralStep('2026-11-24T10:00:00Z', 'A'), outcome('2026-11-26T12:30:00Z'), referralStep('2026-12-03T10:00:00Z', 'B', standard)],
    }, bundle);
    expect(cases.B!.state.repeat?.plan?.outstandingActions).toEqual([{ id: 'a1', owner: 'housing', description: 'Change the locks.', status: 'open' }]);
  });
});

describe('safety and refusals', () => {
  it('never addresses anything to the perpetrator: every message goes to directory mailboxes', async () => {
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-outbox-'));
    await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-12-20T00:00:00Z',
      steps: [referralStep('2026-11-24T10:00:00Z'), outcome('2026-11-26T12:30:00Z', [{ id: 'a1', owner: 'probation', description: 'Offender manager to review licence conditions.' }])],
    }, bundle, { outboxDir });
    const messages = await sentMessages(outboxDir);
    const directory = new Set([...dorsetHrda.agencies.map((a) => a.mailbox), dorsetHrda.administrator.mailbox]);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const m of messages) {
      for (const to of m.to) expect(directory.has(to)).toBe(true);
      expect(m.eml).not.toMatch(/^To:.*blake@example\.net/im);
    }
  });

  it('refuses an update in the wrong state with its reason, and the case carries on', async () => {
    const { cases } = await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T13:00:00Z',
      steps: [referralStep('2026-11-24T10:00:00Z'), outcome('2026-11-25T10:00:00Z'), outcome('2026-11-26T12:30:00Z')],
    }, bundle);
    expect(cases.A!.rejected).toEqual([{ at: '2026-11-25T10:00:00.000Z', step: 'recordMeetingOutcome', error: expect.stringContaining('2026-11-26T12:00:00.000Z') }]);
    expect(cases.A!.state.stage).toBe('monitoring');
  });

  it('refuses a bad referral listing every field at fault, and starts nothing', async () => {
    const { cases } = await runScenario({
      startAt: '2026-11-23T08:00:00Z', until: '2026-11-24T11:00:00Z',
      steps: [{ at: '2026-11-24T10:00:00Z', do: 'submitReferral', ref: 'A', referral: { referrer: { agency: 'Police' }, assessment: { tool: 'police-dash', risk: 'high' }, victim: {} } }],
    }, bundle);
    const error = cases.A!.rejected[0]!.error;
    for (const field of ['referrer.agency', 'referrer.name', 'incident', 'victim.name', 'victim.dateOfBirth', 'perpetrator']) expect(error).toContain(field);
    expect(cases.A!.caseId).toBe('');
  });

  it('does not lose a case when a police system is down for a day: the gap is reported and the case is heard', async () => {
    let calls = 0;
    const local = new LocalPoliceSystems();
    const nicheDown: PoliceSystems = {
      search: async (system, people) => {
        if (system === 'niche') {
          calls++;
          throw new Error('Niche unavailable');
        }
        return local.search(system, people);
      },
    };
    const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-outbox-'));
    const { cases } = await runScenario({ startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T13:00:00Z', steps: [referralStep('2026-11-24T10:00:00Z'), outcome('2026-11-26T12:30:00Z')] }, bundle, { police: nicheDown, outboxDir });
    const t = cases.A!.timeline;
    expect(calls).toBeGreaterThan(3); // retried with backoff before giving up
    expect(only(t, 'checks.failed').data.system).toBe('niche');
    expect(only(t, 'checks.completed').data.systems).toEqual([
      { system: 'niche', status: 'unavailable' },
      expect.objectContaining({ system: 'pnd', status: 'completed' }),
      expect.objectContaining({ system: 'pnc', status: 'completed' }),
    ]);
    expect(only(t, 'meeting.heard').at).toBe('2026-11-26T12:00:00.000Z');
    const toAdmin = (await sentMessages(outboxDir)).filter((m) => m.to.includes(dorsetHrda.administrator.mailbox));
    expect(toAdmin.map((m) => m.subject)).toContainEqual(expect.stringContaining('Background checks could not be completed'));
  });
});
