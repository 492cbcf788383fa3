import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { buildSafeLivesReport, renderSafeLivesCsv } from '../../client/reports/safelives';
import type { SimulationResult } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { runScenario } from '../support/simulation';

/**
 * The SafeLives return computed from cases run on the time-skipping server: the equality data
 * travels in the referral through the workflow, and hearings happen on the protocol's meeting days.
 */
let result: SimulationResult;
beforeAll(async () => {
  const bundle: WorkflowBundleWithSourceMap = await bundleWorkflows();
  const scenario = JSON.parse(await readFile(new URL('../../scenarios/safelives-return.json', import.meta.url), 'utf8')) as unknown;
  result = await runScenario(scenario, bundle);
});

const views = () => Object.values(result.cases).map((c) => c.state);

describe('the SafeLives Marac data return from simulated cases (scenarios/safelives-return.json)', () => {
  it('runs the scenario with nothing refused, each case heard at the meeting the protocol gives it', () => {
    expect(Object.fromEntries(Object.entries(result.cases).map(([ref, c]) => [ref, [c.state.route, c.state.heardAt, c.rejected]]))).toEqual({
      A: ['hrda', '2026-11-26T12:00:00.000Z', []],
      B: ['hrda', '2026-11-26T12:00:00.000Z', []],
      M: ['medium-risk-offer', null, []],
      C: ['hrda', '2026-11-30T12:00:00.000Z', []],
      // A standard-risk repeat within 12 months goes to HRDA.
      D: ['hrda', '2026-12-03T12:00:00.000Z', []],
    });
    expect(result.cases.D!.state.repeat?.previousCaseId).toBe(result.cases.A!.caseId);
    expect(result.cases.A!.state.referral.victim.equality).toEqual({ gender: 'male', transgender: false, ethnicity: 'asian', sexuality: 'gay-or-lesbian', disability: false });
  });

  it('counts November: three cases at two meetings, by agency, with the equality counts', () => {
    const r = buildSafeLivesReport(views(), '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(r.meetings).toEqual([{ meetingAt: '2026-11-26T12:00:00.000Z', cases: 2 }, { meetingAt: '2026-11-30T12:00:00.000Z', cases: 1 }]);
    expect(r.cases).toBe(3);
    expect(r.repeats.count).toBe(0);
    expect(r.children).toEqual({ total: 3, casesWithChildren: { count: 2, percent: 66.7 } });
    expect(r.referrals.byAgency).toEqual({ police: 1, health: 1, 'domestic-abuse-advisor': 1 });
    expect(r.referrals.partnerAgencies).toEqual({ count: 2, percent: 66.7 });
    expect(r.victims.male).toEqual({ count: 1, percent: 33.3, no: 1, declined: 0, notRecorded: 1 });
    expect(r.victims.raciallyMinoritised).toEqual({ count: 2, percent: 66.7, no: 0, declined: 0, notRecorded: 1 });
    expect(r.victims.lgbtPlus).toEqual({ count: 1, percent: 33.3, no: 1, declined: 0, notRecorded: 1 });
    expect(r.victims.disability).toEqual({ count: 1, percent: 33.3, no: 1, declined: 0, notRecorded: 1 });
    expect(r.victims.aged16to17).toEqual({ count: 1, percent: 33.3 });
    expect(r.perpetrators.aged17OrUnder).toEqual({ count: 1, percent: 33.3, no: 2, declined: 0, notRecorded: 0 });
    // The medium-risk referral went to the offer, not to the meeting.
    expect(r.referredInPeriod).toEqual({ cases: 3, heard: 3, awaitingHearing: 0, closedWithoutHearing: 0 });
  });

  it('counts the repeat in the period that holds its hearing, and prints it in the CSV', () => {
    const r = buildSafeLivesReport(views(), '2026-11-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
    expect(r.cases).toBe(4);
    expect(r.repeats).toEqual({ count: 1, percent: 25 });
    expect(r.children.total).toBe(4);
    expect(renderSafeLivesCsv(r)).toContain('2026-11-01T00:00:00.000Z,2027-01-01T00:00:00.000Z,all,cases,repeat cases,1,25,,,\r\n');
    const december = buildSafeLivesReport(views(), '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z');
    expect(december).toMatchObject({ cases: 1, repeats: { count: 1, percent: 100 }, referredInPeriod: { cases: 1, heard: 1, awaitingHearing: 0, closedWithoutHearing: 0 } });
  });
});
