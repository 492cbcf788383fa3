import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { renderSimulation } from '../../client/simulate/render';
import { bundleWorkflows } from '../support/bundle';
import { referralStep, runScenario } from '../support/simulation';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

const outcome = { risks: ['Threats to kill'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'High risk.' };

describe('hrda simulate: every refused step in one place (issue 14)', () => {
  it('lists refusals by a case, by a meeting and by the scenario itself with each step\'s index, and prints them at the end', async () => {
    const r = await runScenario({
      profile: 'dorset-hrda',
      startAt: '2026-11-23T08:00:00Z',
      until: '2026-11-28T00:00:00Z',
      steps: [
        referralStep('2026-11-24T10:00:00Z'),
        // 1: the case refuses an action update before it has a Matrix.
        { at: '2026-11-24T11:00:00Z', do: 'updateAction', ref: 'A', actionId: 'a1', status: 'completed', note: 'Too early.' },
        // 2: no case was submitted for B.
        { at: '2026-11-24T12:00:00Z', do: 'closeCase', ref: 'B', rationale: 'No such case.' },
        // 3: a Matrix naming an agency the profile does not know, refused by the case through the meeting.
        { at: '2026-11-26T12:30:00Z', do: 'recordOutcome', ref: 'A', outcome: { ...outcome, actions: [{ id: 'a1', owner: 'nobody', description: 'x' }] } },
        // 4: applied.
        { at: '2026-11-26T12:40:00Z', do: 'recordOutcome', ref: 'A', outcome },
        // 5: the meeting has ended.
        { at: '2026-11-26T18:00:00Z', do: 'recordOutcome', ref: 'A', outcome },
      ],
    }, bundle);

    expect(r.refusals.map(({ index, step, ref }) => ({ index, step, ref }))).toEqual([
      { index: 1, step: 'updateAction', ref: 'A' },
      { index: 2, step: 'closeCase', ref: 'B' },
      { index: 3, step: 'recordOutcome', ref: 'A' },
      { index: 5, step: 'recordOutcome', ref: 'A' },
    ]);
    for (const x of r.refusals) expect(x.error.length).toBeGreaterThan(0);
    expect(r.refusals[1]!.error).toContain('no referral was submitted for ref B');
    expect(r.refusals[2]!.error).toContain('nobody');
    expect(r.refusals[3]!.error).toContain('has ended');
    // The old places still hold them, by case and for meetings.
    expect(r.cases.A!.rejected.map((x) => x.step)).toEqual(['updateAction', 'recordOutcome', 'recordOutcome']);
    expect(r.refused.map((x) => x.at)).toEqual([r.refusals[2]!.at, r.refusals[3]!.at]);

    const text = renderSimulation(r).split('\n');
    const heading = text.indexOf('Refused steps (4):');
    expect(heading).toBeGreaterThan(0);
    expect(text.slice(heading + 1)).toEqual([
      expect.stringMatching(/^ {2}step 1 2026-11-24T11:00:00.000Z updateAction A: /),
      expect.stringMatching(/^ {2}step 2 2026-11-24T12:00:00.000Z closeCase B: no referral was submitted for ref B/),
      expect.stringMatching(/^ {2}step 3 2026-11-26T12:30:00.000Z recordOutcome A: .*nobody/),
      expect.stringMatching(/^ {2}step 5 2026-11-26T18:00:00.000Z recordOutcome A: .*has ended/),
    ]);
  }, 120_000);
});
