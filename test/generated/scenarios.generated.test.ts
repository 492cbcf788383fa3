import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fc from 'fast-check';
import type { RefusedStep } from '../../client/simulate/simulate';
import { bundleHrdaWorkflows } from '../../bench/lib/hrda-service';
import { stepsWithoutTrace, stuckCases } from './support/properties';
import { runInOwnProcess, type GeneratedRun } from './support/run-generated';
import { generatedScenario, type GeneratedScenario } from './support/scenario-arbitrary';

/**
 * The generated-scenario harness (issue 14): scenarios across the contract
 * (support/scenario-arbitrary.ts), each run through `simulate` in a process of its own.
 * Properties: every run finishes within a bound; every step ends applied (with a trace) or
 * refused with a reason; no case is left open with nothing that could ever move it. A failure
 * shrinks to a minimal scenario, printed with fast-check's seed.
 *
 * HRDA_GENERATED_SCENARIOS sets how many (default 60: about 4 minutes on an idle 2-CPU machine, at
 * some 4 s of wall time a scenario; 14–23 s a scenario when the machine is shared and loaded, see
 * docs/performance.md); HRDA_GENERATED_PARALLEL how many run at once (default 2);
 * HRDA_GENERATED_BOUND_MS the bound of one run (default 240 s, for a loaded 2-CPU machine).
 * HRDA_GENERATED_SHRINK=0 stops at the first failure without shrinking it. HRDA_GENERATED_SEED picks
 * the seed (1 by default, for CI; `random` for a new one each run).
 *
 * The issue's long run of 1,000 (a new seed each time unless HRDA_GENERATED_SEED is set; a failure
 * prints its seed and shrunk scenario; about 70 minutes on an idle 2-CPU machine, hours on a loaded one):
 *
 *   npm run test:generated:1000
 *
 * (that is, HRDA_GENERATED_FULL=1 npx vitest run test/generated/scenarios.generated.test.ts).
 * What a run found is kept as a regression in regressions/, run by regressions.test.ts.
 */
const total = Number(process.env.HRDA_GENERATED_SCENARIOS ?? (process.env.HRDA_GENERATED_FULL === '1' ? 1000 : 60));
const parallel = Math.max(1, Number(process.env.HRDA_GENERATED_PARALLEL ?? 2));
const boundMs = Number(process.env.HRDA_GENERATED_BOUND_MS ?? 240_000);
// CI runs a fixed seed, so that a run is reproducible and a failure is the code's, not the dice's;
// HRDA_GENERATED_SEED=random (and the long run) explore new scenarios each time.
const seed = process.env.HRDA_GENERATED_SEED === 'random' || (process.env.HRDA_GENERATED_FULL === '1' && !process.env.HRDA_GENERATED_SEED)
  ? undefined
  : Number(process.env.HRDA_GENERATED_SEED ?? 1);

let dir: string;
let bundlePath: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-generated-bundle-'));
  bundlePath = path.join(dir, 'bundle.json');
  await writeFile(bundlePath, JSON.stringify(await bundleHrdaWorkflows()));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A refusal by its step and reason, instants and ids taken out so that alike refusals count together. */
const reasonKey = (r: RefusedStep) => `${r.step}: ${r.error.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z|\b[a-z]+\d+\b/g, '…').slice(0, 140)}`;

/** What is wrong with one run: empty when it finished, every step left a trace and no case is stuck. */
function faults(scenario: GeneratedScenario, run: GeneratedRun): string[] {
  if (run.kind === 'hung') return [`no end within ${boundMs / 1000} s`];
  if (run.kind === 'failed') return [`simulate failed: ${run.error}`];
  return [...stepsWithoutTrace(scenario, run.result), ...stuckCases(run.result)];
}

describe(`generated scenarios through simulate (${total}, ${parallel} at a time)`, () => {
  it('finish within the bound, leave every step applied or refused with a reason, and leave no case stuck', async () => {
    const stats = { runs: 0, hung: 0, steps: 0, refused: 0, maxMs: 0, totalMs: 0 };
    const reasons = new Map<string, number>();
    // A batch of scenarios per property run, in parallel processes; a failing batch shrinks to its failing scenario.
    await fc.assert(
      fc.asyncProperty(fc.array(generatedScenario, { minLength: parallel, maxLength: parallel }), async (batch) => {
        const runs = await Promise.all(batch.map((s) => runInOwnProcess(s, { bundlePath, testServer: inject('testServer'), boundMs })));
        runs.forEach((run, i) => {
          stats.runs++;
          stats.steps += batch[i]!.steps.length;
          stats.maxMs = Math.max(stats.maxMs, run.ms);
          stats.totalMs += run.ms;
          if (run.kind === 'hung') stats.hung++;
          if (run.kind === 'finished') stats.refused += run.result.refusals.length;
          if (run.kind === 'finished') for (const r of run.result.refusals) reasons.set(reasonKey(r), (reasons.get(reasonKey(r)) ?? 0) + 1);
        });
        // Progress for long runs (HRDA_GENERATED_FULL): one line a batch.
        if (total > 20) console.log(`[generated] ${stats.runs}/${total} runs, ${stats.hung} hung, longest ${(stats.maxMs / 1000).toFixed(1)} s`);
        const found = runs.map((run, i) => faults(batch[i]!, run));
        expect(found.flat(), JSON.stringify(batch.filter((_, i) => found[i]!.length > 0))).toEqual([]);
      }),
      { numRuns: Math.ceil(total / parallel), ...(seed !== undefined ? { seed } : {}), endOnFailure: process.env.HRDA_GENERATED_SHRINK === '0' },
    );
    // The commonest refusals, to see what the generator explores and what it mostly gets refused.
    const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`[generated] commonest refusals:\n${top.map(([k, n]) => `  ${n} × ${k}`).join('\n')}`);
    console.log(`[generated] ${stats.runs} runs, ${stats.steps} steps, ${stats.refused} refused, ${stats.hung} hung; longest ${(stats.maxMs / 1000).toFixed(1)} s, mean ${(stats.totalMs / Math.max(1, stats.runs) / 1000).toFixed(1)} s`);
  }, 3_600_000 * 6);
});
