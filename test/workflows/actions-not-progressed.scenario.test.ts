import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { SimulationResult } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { entries, runScenario, sentMessages } from '../support/simulation';

/**
 * Issue 14's three-month Dorset case (scenarios/dorset-actions-not-progressed.json): a Monday
 * referral heard on the Tuesday with a summary and the victim's voice that morning, a Matrix of
 * two actions, one updated three days later and the other five weeks later. The late one goes
 * overdue, an "actions not progressed" dispute climbs to the Strategy Group while the case goes
 * on, and its action is then completed.
 *
 * Before the fix `hrda simulate` stopped dead on it in 4 runs of 7 (the Java test server wedged on
 * a wait that cancelled a timer it had just fired), and the dispute stayed with the Strategy Group
 * after its action was done, so the case could never close.
 */
const scenario = JSON.parse(await readFile(new URL('../../scenarios/dorset-actions-not-progressed.json', import.meta.url), 'utf8')) as unknown;

let bundle: WorkflowBundleWithSourceMap;
const outboxes: string[] = [];
beforeAll(async () => {
  bundle = await bundleWorkflows();
});
afterAll(async () => {
  await Promise.all(outboxes.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** One run, failed rather than waited on for ever when the simulation stops making progress. */
async function simulateWithin(ms: number): Promise<{ result: SimulationResult; outbox: string }> {
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-anp-'));
  outboxes.push(outbox);
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the simulation made no end within ${ms / 1000} s`)), ms);
  });
  try {
    return { result: await Promise.race([runScenario(scenario, bundle, { outboxDir: outbox }), hang]), outbox };
  } finally {
    clearTimeout(timer);
  }
}

describe('an automatic dispute on a three-month Dorset case (issue 14)', () => {
  it('finishes every run, ends the dispute when its action is completed, and closes the case', async () => {
    // Several runs: the wedge depended on a timer firing in the same task that woke the wait.
    for (let run = 0; run < 3; run++) {
      const { result, outbox } = await simulateWithin(120_000);
      const a = result.cases.A!;
      expect(a.rejected).toEqual([]);
      expect(result.refused).toEqual([]);

      const stages = entries(a.timeline, 'dispute.stage').map((e) => e.data.stage);
      expect(stages).toEqual(['practitioners', 'line-managers', 'strategic-lead-referral', 'strategic-lead-review', 'strategy-group']);
      // The dispute ends by itself when a1 is completed, saying why, and the parties are told.
      const [ended] = entries(a.timeline, 'dispute.resolved');
      expect(ended).toMatchObject({ at: expect.stringMatching(/^2027-01-05T12:30/), actor: { role: 'system' }, data: { disputeId: 'anp-a1', agreement: expect.stringContaining('Action a1 (owner housing) was marked completed') } });
      expect(a.disputes[0]).toMatchObject({ disputeId: 'anp-a1', status: 'resolved', step: 'strategy-group' });
      const told = (await sentMessages(outbox)).filter((m) => m.subject.includes('Dispute anp-a1 ended: its cause is gone'));
      expect(told).toHaveLength(1);
      expect(told[0]!.to.length).toBeGreaterThan(1);

      // Then the case closes as usual (PROTOCOL.md §1.4): every action done, nothing pending.
      expect(a.state.openDisputes).toEqual([]);
      expect(a.state.stage).toBe('closed');
      expect(entries(a.timeline, 'case.closed')).toEqual([expect.objectContaining({ at: expect.stringMatching(/^2027-01-05T12:30/) })]);
    }
  }, 420_000);

  it('leaves a dispute a party raised about the same action for the parties to resolve', async () => {
    const s = structuredClone(scenario) as { steps: Record<string, unknown>[] };
    s.steps.splice(5, 0, {
      at: '2026-12-23T10:00:00Z', do: 'raiseDispute', ref: 'A', dispute: 'd1', area: 'actions-not-progressed', raisedBy: 'domestic-abuse-advisor', with: 'housing',
      matter: 'The locks have not been changed.',
    });
    const { cases } = await runScenario(s, bundle);
    const a = cases.A!;
    expect(a.rejected).toEqual([]);
    expect(entries(a.timeline, 'dispute.resolved').map((e) => e.data.disputeId)).toEqual(['anp-a1']);
    expect(a.state.openDisputes).toEqual(['d1']);
    expect(a.state.stage).not.toBe('closed');
  }, 300_000);
});
