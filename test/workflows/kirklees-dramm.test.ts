import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ReferralInput } from '../../domain/referral';
import type { DailyAgendaView } from '../../machines/meeting';
import { bundleMeetingWorkflows, runMeetingScenario, type MeetingSimulationResult } from '../support/meeting-simulation';
import { entries, only, referralStep } from '../support/simulation';
import { noConsentToShare } from '../support/referrals';

/**
 * The Kirklees DRAMM ([002] 2.14, 2.17, 2.20, 2.5) on the time-skipping server: each case is
 * shared by 10:00 (11:00 on a Monday) and heard at that day's DRAMM (Monday 13:00, Tuesday to
 * Friday 11:30); the agenda follows 2.20; police incidents outside the day's window are marked.
 */
const profile = 'kirklees-dramm-marac';
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleMeetingWorkflows();
});

let person = 0;
/** A referral for a victim of its own (one person per case, so none is a repeat unless meant to be), its incident ten hours before. */
const step = (at: string, ref: string, overrides: Partial<ReferralInput> = {}, victim?: string) => {
  person += 1;
  return referralStep(at, ref, {
    victim: { name: victim ?? `Victim ${ref} ${person}`, dateOfBirth: '1990-04-01', consent: noConsentToShare },
    incident: { occurredAt: new Date(Date.parse(at) - 10 * 3_600_000).toISOString(), summary: 'Assault at home.', flags: [] },
    ...overrides,
  });
};
const noChildren = { children: [] };
const medium = { assessment: { tool: 'police-dash' as const, risk: 'medium' as const, score: 10 } };
const thirdParty = { referrer: { agency: 'pdvg', name: 'IDVA Example', contact: 'idva@pdvg.example.org' }, assessment: { tool: 'safelives-dash' as const, risk: 'high' as const, score: 16 } };
const transfer = { source: 'marac-transfer' as const, referrer: { agency: 'marac-team', name: 'MARAC Coordinator', contact: 'marac@kirklees.example.org' }, assessment: { tool: 'professional-judgement' as const, risk: 'high' as const } };

describe('the DRAMM day: sharing cut-offs and meeting times to the minute', () => {
  let r: MeetingSimulationResult;
  beforeAll(async () => {
    r = await runMeetingScenario({
      profile, startAt: '2026-11-23T08:00:00Z', until: '2026-12-01T12:00:00Z',
      steps: [
        step('2026-11-24T09:59:00Z', 'tue-0959'),
        step('2026-11-24T10:01:00Z', 'tue-1001', noChildren),
        step('2026-11-27T10:30:00Z', 'fri-1030', thirdParty),
        step('2026-11-28T15:00:00Z', 'saturday'),
        step('2026-11-30T10:59:00Z', 'mon-1059'),
        step('2026-11-30T11:01:00Z', 'mon-1101'),
        // Medium risk, no children, no consent to share: the police deal with it; not a DRAMM case (2.5).
        step('2026-11-30T09:00:00Z', 'medium-alone', { ...medium, ...noChildren }),
        // Medium risk with children linked: heard (2.5).
        step('2026-11-30T09:05:00Z', 'medium-children', medium),
      ],
    }, bundle);
  }, 240_000);

  const scheduled = (ref: string) => entries(r.cases[ref]!.timeline, 'meeting.scheduled').map((e) => e.data.meetingAt);
  const circulateBy = (ref: string) => only(r.cases[ref]!.timeline, 'info-request.sent').data.circulateBy;

  it('hears a case shared by 10:00 on a Tuesday at 11:30 that day', () => {
    expect(circulateBy('tue-0959')).toBe('2026-11-24T10:00:00.000Z');
    expect(scheduled('tue-0959')[0]).toBe('2026-11-24T11:30:00.000Z');
  });

  it('sends a case that arrives at 10:01 on a Tuesday to Wednesday’s DRAMM, shared by Wednesday 10:00', () => {
    expect(circulateBy('tue-1001')).toBe('2026-11-25T10:00:00.000Z');
    expect(scheduled('tue-1001')[0]).toBe('2026-11-25T11:30:00.000Z');
    expect(only(r.cases['tue-1001']!.timeline, 'info-request.sent').data.respondBy).toBe('2026-11-25T11:30:00.000Z');
  });

  it('takes Friday-after-10:00 and weekend cases to Monday, shared by 11:00 and heard at 13:00', () => {
    for (const ref of ['fri-1030', 'saturday', 'mon-1059']) {
      expect(circulateBy(ref)).toBe('2026-11-30T11:00:00.000Z');
      expect(scheduled(ref)[0]).toBe('2026-11-30T13:00:00.000Z');
    }
    expect(circulateBy('mon-1101')).toBe('2026-12-01T10:00:00.000Z');
    expect(scheduled('mon-1101')).toEqual(['2026-12-01T11:30:00.000Z']);
  });

  it('reminds agencies without a summary at 11:00 on the DRAMM day', () => {
    const reminder = entries(r.cases['tue-0959']!.timeline, 'reminder.sent')[0]!;
    expect(reminder).toMatchObject({ at: '2026-11-24T11:00:00.000Z', data: { about: 'agency summary', dueAt: '2026-11-24T11:30:00.000Z' } });
    expect(reminder.data.to).toEqual(['police', 'childrens-social-care', 'pdvg', 'locala', 'chart', 'adult-social-care']);
  });

  it('rolls a case the DRAMM did not hear over to the next day’s DRAMM when the notes go out (15:30)', () => {
    const rolled = entries(r.cases['tue-0959']!.timeline, 'meeting.rolled-over')[0]!;
    // The notes go out at 15:30 (the minutes activity's own time is a few milliseconds later).
    expect(rolled).toMatchObject({ at: expect.stringMatching(/^2026-11-24T15:30/), data: { meetingAt: '2026-11-24T11:30:00.000Z', reason: 'out-of-time', nextMeetingAt: '2026-11-25T11:30:00.000Z' } });
  });

  it('freezes each day’s case list at its sharing cut-off and sends it before the meeting (2.14, 2.21)', () => {
    const tuesday = r.meetings['daily 2026-11-24']!.agenda as DailyAgendaView;
    expect(tuesday).toMatchObject({ meetingAt: '2026-11-24T11:30:00.000Z', freezeAt: '2026-11-24T10:00:00.000Z', frozenAt: '2026-11-24T10:00:00.000Z', endsAt: '2026-11-24T15:30:00.000Z' });
    expect(tuesday.packsCirculated[0]!.at).toMatch(/^2026-11-24T10:00/);
    const monday = r.meetings['daily 2026-11-30']!.agenda as DailyAgendaView;
    expect(monday).toMatchObject({ meetingAt: '2026-11-30T13:00:00.000Z', frozenAt: '2026-11-30T11:00:00.000Z' });
  });

  it('routes a medium-risk police incident to the DRAMM only where children are linked or the victim consents (2.5)', () => {
    expect(only(r.cases['medium-alone']!.timeline, 'referral.routed').data).toEqual({ route: 'medium-risk-offer', repeat: false, offeredTo: 'police' });
    expect(r.cases['medium-alone']!.state.stage).toBe('closed');
    expect(only(r.cases['medium-children']!.timeline, 'referral.routed')).toMatchObject({
      data: { route: 'hrda', repeat: false },
      rationale: 'A medium-risk police incident is heard where children are linked.',
    });
    expect(scheduled('medium-children')[0]).toBe('2026-11-30T13:00:00.000Z');
  });
});

describe('the DRAMM agenda in the order of 2.20', () => {
  let r: MeetingSimulationResult;
  const order = ['dvds', 'police-high-children', 'police-medium-children', 'third-party-children', 'transfer-children',
    'police-high', 'police-high-late', 'police-medium-consent', 'third-party', 'transfer', 'dvpo', 'standard-repeat'];
  beforeAll(async () => {
    r = await runMeetingScenario({
      profile, startAt: '2026-11-23T08:00:00Z', until: '2026-12-01T11:00:00Z',
      steps: [
        // The victim's earlier case, heard on 24 November: a new incident within 12 months is a MARAC repeat (2.8).
        step('2026-11-24T09:00:00Z', 'earlier', {}, 'Robin Repeat'),
        // Received in an order unlike the agenda's, all before Tuesday's 10:00 cut-off.
        step('2026-12-01T08:00:00Z', 'standard-repeat', { assessment: { tool: 'police-dash', risk: 'standard', score: 3 }, ...noChildren }, 'Robin Repeat'),
        step('2026-12-01T08:05:00Z', 'dvpo', { source: 'dvpo', assessment: { tool: 'professional-judgement', risk: 'medium' }, ...noChildren }),
        step('2026-12-01T08:10:00Z', 'transfer', { ...transfer, ...noChildren }),
        step('2026-12-01T08:15:00Z', 'transfer-children', transfer),
        step('2026-12-01T08:20:00Z', 'third-party', { ...thirdParty, ...noChildren }),
        step('2026-12-01T08:25:00Z', 'police-medium-consent', { ...medium, ...noChildren, victim: { name: 'Consenting Victim', dateOfBirth: '1991-01-01', consent: { share: true, contact: true } } }),
        step('2026-12-01T08:30:00Z', 'third-party-children', thirdParty),
        step('2026-12-01T08:35:00Z', 'police-high', noChildren),
        step('2026-12-01T08:40:00Z', 'police-medium-children', medium),
        // A police incident of three days before: outside Tuesday's 24-hour window (2.5).
        step('2026-12-01T08:45:00Z', 'police-high-late', { ...noChildren, incident: { occurredAt: '2026-11-28T20:00:00Z', summary: 'Reported late.', flags: [] } }),
        step('2026-12-01T08:50:00Z', 'police-high-children', {}),
        step('2026-12-01T08:55:00Z', 'dvds', { source: 'dvds', assessment: { tool: 'professional-judgement', risk: 'medium' }, ...noChildren }),
        { at: '2026-12-01T10:30:00Z', do: 'captureAgenda', kind: 'daily', date: '2026-12-01' },
        // 2.22: Locala's records show a child linked to the transfer's victim; the agenda is re-jigged.
        { at: '2026-12-01T10:40:00Z', do: 'recordChildrenCheck', ref: 'transfer', found: [{ name: 'Kit Found', dateOfBirth: '2019-02-02' }], foundBy: 'locala' },
        { at: '2026-12-01T10:50:00Z', do: 'captureAgenda', kind: 'daily', date: '2026-12-01' },
      ],
    }, bundle);
  }, 240_000);

  it('orders DVDS; children linked (police high, medium, 3rd party, transfers); no children linked (the same); DVPOs; standard-risk repeats', () => {
    const agenda = r.results[13] as DailyAgendaView;
    const refOf = new Map(Object.entries(r.cases).map(([ref, c]) => [c.caseId, ref]));
    // The earlier case rolled over from 24 November and stays on the list where 2.20 puts it.
    const items = agenda.items.filter((i) => refOf.get(i.caseId) !== 'earlier');
    expect(items.map((i) => refOf.get(i.caseId))).toEqual(order);
    expect(items.map((i) => i.source)).toEqual(['dvds', 'police-incident', 'police-incident', 'third-party', 'marac-transfer',
      'police-incident', 'police-incident', 'police-incident', 'third-party', 'marac-transfer', 'dvpo', 'police-incident']);
    expect(items.at(-1)).toMatchObject({ repeat: true, risk: 'standard' });
    expect(agenda.frozenAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('moves a case the agencies found children linked to into the children-linked list, and sends the case list again (2.22)', () => {
    const after = r.results[15] as DailyAgendaView;
    const refOf = new Map(Object.entries(r.cases).map(([ref, c]) => [c.caseId, ref]));
    const refs = after.items.map((i) => refOf.get(i.caseId)).filter((ref) => ref !== 'earlier');
    expect(refs).toEqual(['dvds', 'police-high-children', 'police-medium-children', 'third-party-children', 'transfer', 'transfer-children',
      'police-high', 'police-high-late', 'police-medium-consent', 'third-party', 'dvpo', 'standard-repeat']);
    expect(after.packsCirculated.map((p) => [p.revision, p.at.slice(0, 16)])).toEqual([[1, '2026-12-01T10:00'], [2, '2026-12-01T10:40']]);
    expect(only(r.cases.transfer!.timeline, 'children.checked')).toMatchObject({ at: expect.stringMatching(/^2026-12-01T10:40/), data: { found: 1 } });
  });

  it('marks a police incident from before the day’s 24-hour window, and keeps it on the agenda', () => {
    const agenda = r.results[13] as DailyAgendaView;
    expect(agenda.incidentWindow).toEqual({ from: '2026-11-30T10:00:00.000Z', to: '2026-12-01T10:00:00.000Z' });
    const byRef = (ref: string) => agenda.items.find((i) => i.caseId === r.cases[ref]!.caseId)!;
    expect(byRef('police-high-late').inIncidentWindow).toBe(false);
    expect(byRef('police-high').inIncidentWindow).toBe(true);
    expect(byRef('third-party').inIncidentWindow).toBeUndefined();
  });

  it('hears MARAC transfers, DVDS applications and DVPO notices whatever their level, and a standard-risk repeat (2.7–2.11)', () => {
    for (const ref of ['dvds', 'dvpo', 'transfer', 'standard-repeat']) expect(r.cases[ref]!.state.route).toBe('hrda');
    expect(only(r.cases.dvpo!.timeline, 'referral.routed').rationale).toBe('A dvpo referral is heard whatever its level (assessed as medium risk).');
    expect(only(r.cases['standard-repeat']!.timeline, 'referral.routed').data).toMatchObject({ repeat: true, previousCaseId: r.cases.earlier!.caseId });
  });
});
