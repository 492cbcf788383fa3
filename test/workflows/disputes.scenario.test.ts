import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../support/bundle';
import { buildDisputesReport, renderDisputesReport } from '../../client/reports/disputes';
import { entries, runScenario } from '../support/simulation';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

const scenario = async (name: string) => JSON.parse(await readFile(new URL(`../../scenarios/${name}.json`, import.meta.url), 'utf8')) as unknown;

describe('disputes on a case (PROTOCOL.md §1.6) through hrda simulate', () => {
  it('moves an unresolved dispute through every step on the worked example\'s deadlines to the Strategy Group', async () => {
    const { cases } = await runScenario(await scenario('dispute-unresolved'), bundle);
    const a = cases.A!;
    // Deadlines run from the instant the dispute was raised; to the minute, they are the worked example's.
    const stages = entries(a.timeline, 'dispute.stage').map((e) => [e.data.stage, e.data.deadline.slice(0, 16)]);
    expect(stages).toEqual([
      ['practitioners', '2026-11-30T16:00'],
      ['line-managers', '2026-12-01T16:00'],
      ['strategic-lead-referral', '2026-12-02T16:00'],
      ['strategic-lead-review', '2026-12-03T16:00'],
      ['strategy-group', '2026-12-04T16:00'],
    ]);
    expect(entries(a.timeline, 'dispute.raised')).toEqual([expect.objectContaining({ at: expect.stringMatching(/^2026-11-27T16:00/), data: { disputeId: 'd1', area: 'lead-professional' } })]);
    expect(a.disputes[0]).toMatchObject({ status: 'open', step: 'strategy-group', stage: 3, marking: 'Stage Three Formal Escalation under HRDA' });
    // A case cannot close while a dispute is open.
    expect(a.state.openDisputes).toEqual(['d1']);
    expect(a.state.stage).not.toBe('closed');
  });

  it('resolves a dispute at stage 2 with the written response on record, and the case then closes', async () => {
    const { cases } = await runScenario(await scenario('dispute-resolved-at-stage-2'), bundle);
    const a = cases.A!;
    const d = a.disputes[0]!;
    expect(d).toMatchObject({ status: 'resolved', stage: 2, step: 'strategic-lead-review' });
    expect(d.documents).toEqual([expect.objectContaining({ step: 'strategic-lead-review', text: expect.stringContaining('Case review by the Strategic Lead') })]);
    expect(entries(a.timeline, 'dispute.resolved')).toEqual([expect.objectContaining({ data: { disputeId: 'd1', agreement: expect.stringContaining('Emergency accommodation') } })]);
    expect(a.state.stage).toBe('closed');

    const report = buildDisputesReport(a.disputes, '2026-11-01T00:00:00.000Z', '2026-12-31T00:00:00.000Z');
    expect(report).toMatchObject({ total: 1, resolved: 1, byArea: { 'agency-response': 1 }, byHighestStage: { 'stage 2': 1 }, forQaGroup: [] });
    expect(report.forStrategyGroup).toEqual([expect.objectContaining({ disputeId: 'd1', learning: expect.stringContaining('named contact') })]);
    expect(renderDisputesReport(report)).toContain("For the Strategy Group's next meeting (stage 2 and above) (1)");
  });

  it('refuses a dispute raised on a closed case', async () => {
    const s = (await scenario('dispute-resolved-at-stage-2')) as { steps: unknown[] };
    s.steps.push({ at: '2026-12-09T10:00:00Z', do: 'raiseDispute', ref: 'A', dispute: 'd2', area: 'risk-remains', raisedBy: 'housing', with: 'police' });
    const { cases } = await runScenario(s, bundle);
    expect(cases.A!.rejected).toEqual([expect.objectContaining({ step: 'raiseDispute', error: expect.stringContaining('closed') })]);
  });

  it('reports a period with several disputes: by stage, area and agency, with the QA and Strategy Group lists', async () => {
    const s = (await scenario('dispute-unresolved')) as { steps: unknown[] };
    s.steps.push(
      { at: '2026-11-30T10:00:00Z', do: 'raiseDispute', ref: 'A', dispute: 'd2', area: 'information-sharing', raisedBy: 'police', with: 'health', matter: 'Health records not shared.' },
      { at: '2026-11-30T11:00:00Z', do: 'resolveDispute', ref: 'A', dispute: 'd2', agreement: 'Health shares the records today.', learning: 'Name a records contact.' },
    );
    const { cases } = await runScenario(s, bundle);
    const report = buildDisputesReport(cases.A!.disputes, '2026-11-01T00:00:00.000Z', '2026-12-31T00:00:00.000Z');
    expect(report).toMatchObject({
      total: 2, open: 1, resolved: 1,
      byHighestStage: { 'stage 1': 1, 'stage 3': 1 },
      byArea: { 'lead-professional': 1, 'information-sharing': 1 },
      byAgency: { housing: 1, police: 2, health: 1 },
      timeToResolution: { count: 1, medianHours: 1 },
    });
    expect(report.forQaGroup.map((l) => l.disputeId)).toEqual(['d2']);
    expect(report.forStrategyGroup.map((l) => l.disputeId)).toEqual(['d1']);
    expect(renderDisputesReport(report)).toMatch(/Escalations raised .*: 2 \(1 resolved, 1 open\)/);
  });
});

