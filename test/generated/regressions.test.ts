import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulationResult } from '../../client/simulate/simulate';
import { awaiting } from '../../machines/referral';
import { bundleWorkflows } from '../support/bundle';
import { entries, runScenario } from '../support/simulation';
import { stepsWithoutTrace, stuckCases } from './support/properties';
import type { GeneratedScenario } from './support/scenario-arbitrary';

/**
 * What the generated-scenario harness (scenarios.generated.test.ts) found, each from its shrunk
 * scenario in regressions/, run through `simulate` in this process: the harness's properties hold
 * (every step applied or refused with a reason, no case stuck), and what was wrong is now right.
 */
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

async function run(file: string): Promise<{ scenario: GeneratedScenario; result: SimulationResult }> {
  const scenario = JSON.parse(await readFile(new URL(`./regressions/${file}`, import.meta.url), 'utf8')) as GeneratedScenario;
  const result = await runScenario(scenario, bundle);
  expect(stepsWithoutTrace(scenario, result)).toEqual([]);
  expect(stuckCases(result)).toEqual([]);
  return { scenario, result };
}

describe('regressions from generated scenarios', () => {
  // Seed 2: a standard-risk trafford-marac referral whose incident is shared is referred on and kept
  // open (stage `monitoring`) until First Response and health act ([001], docs/profiles.md). The
  // harness called it stuck: its own list of what an open case awaits had drifted from the
  // machine's. Both now read `awaiting`, which names the two agencies the case waits for.
  it('seed 2: a referred-on case with a shared incident awaits First Response and health, and closes once both have acted, however late', async () => {
    const { result } = await run('seed-2-shared-incident-referred-on.json');
    const waiting = result.cases.A!;
    expect(waiting.state.stage).toBe('monitoring');
    expect(waiting.state.route).toBe('standard-risk-offer');
    expect(entries(waiting.timeline, 'first-response.overdue')).toHaveLength(1);
    expect(entries(waiting.timeline, 'health-sharing.overdue')).toHaveLength(1);
    expect(awaiting(waiting.state)).toEqual(["First Response's decision (childrens-social-care)", "health's sharing (health)"]);

    const followedUp = result.cases.B!;
    expect(followedUp.state.stage).toBe('closed');
    expect(entries(followedUp.timeline, 'first-response.decided')[0]?.data).toMatchObject({ level: 2, late: true });
    expect(entries(followedUp.timeline, 'health-sharing.recorded')[0]?.data).toMatchObject({ sharedWith: ['health-visitor'], late: true });
    expect(followedUp.state.closed).toMatchObject({ at: expect.stringMatching(/^2026-12-09T10:00/), by: { role: 'system' } });
    expect(awaiting(followedUp.state)).toEqual([]);
  });
});
