import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../../client/cases';
import { getProfile } from '../../domain/profiles';
import { scenarioSchema, scenarioStepSchema } from '../../domain/scenario';
import { repoRoot } from '../../local/paths';
import { bundleHrdaWorkflows } from '../../bench/lib/hrda-service';
import { benchReferral } from '../../bench/lib/referrals';
import { runScenario } from '../support/simulation';
import { arbitraries } from './support/arbitraries';

/**
 * Scenario files (CONTRACT.md §3): parsing never throws whatever the file holds, and `hrda
 * simulate` puts every malformed step under its case's `rejected` and carries on.
 */
const profile = getProfile('dorset-hrda');
const arb = arbitraries(profile);
const fullLifecycle = JSON.parse(await readFile(path.join(repoRoot, 'scenarios/full-lifecycle.json'), 'utf8')) as { steps: Record<string, unknown>[] };
const stepNames = scenarioStepSchema.options.map((o) => o.shape.do.value);

describe('scenario parsing on arbitrary input', () => {
  it('never throws on any value, nor on a real scenario with one field broken', () => {
    const input = fc.oneof(arb.junk, arb.mutation(fc.constant(fullLifecycle)).map((m) => m.value));
    fc.assert(fc.property(input, (value) => {
      const result = scenarioSchema.safeParse(value);
      if (!result.success) expect(result.error.issues.length).toBeGreaterThan(0);
    }), { numRuns: 2000 });
  });

  it('never throws on a step of any shape', () => {
    const step = fc.oneof(arb.junk, arb.mutation(fc.constantFrom(...fullLifecycle.steps)).map((m) => m.value));
    fc.assert(fc.property(step, (value) => {
      scenarioStepSchema.safeParse(value);
    }), { numRuns: 2000 });
  });
});

describe('hrda simulate with malformed steps', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleHrdaWorkflows();
  });

  /** A step of the scenario's shape (do, at, ref are strings) whose content may be anything. */
  const wildStep = fc.oneof(
    // A real step with one field broken or removed.
    arb.mutation(fc.constantFrom(...fullLifecycle.steps.slice(1))).map((m) => m.value),
    // A known action with arbitrary fields.
    fc.record({ do: fc.constantFrom(...stepNames), fields: fc.dictionary(fc.constantFrom('agency', 'summary', 'outcome', 'actionId', 'status', 'note', 'rationale', 'dispute', 'referral', 'actor', 'x'), arb.junk, { maxKeys: 4 }) })
      .map(({ do: name, fields }) => ({ ...fields, do: name })),
    // An unknown action, or a case nobody submitted.
    fc.record({ do: arb.text(12), ref: fc.constantFrom('A', 'B', 'zz') }),
  );
  const scenarioWith = (steps: unknown[]) => {
    const start = Date.parse('2026-11-24T11:00:00Z');
    return {
      profile: profile.id,
      startAt: '2026-11-23T08:00:00Z',
      until: '2026-11-27T00:00:00Z',
      steps: [
        { at: '2026-11-24T10:00:00Z', do: 'submitReferral', ref: 'A', referral: benchReferral('fuzz-scenario', '2026-11-24T10:00:00Z') },
        // Whatever each step holds, it keeps the scenario's shape: a string do, ref and (increasing) at.
        ...steps.map((s, i) => {
          const o = s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : { value: s };
          return { ...o, do: typeof o.do === 'string' ? o.do : String(o.do), ref: typeof o.ref === 'string' ? o.ref : 'A', at: new Date(start + i * 3 * 3600_000).toISOString() };
        }),
      ],
    };
  };

  it('puts every malformed step in `rejected` and runs the rest', async () => {
    await fc.assert(fc.asyncProperty(fc.array(wildStep, { minLength: 3, maxLength: 8 }), async (steps) => {
      const scenario = scenarioWith(steps);
      expect(scenarioSchema.safeParse(scenario).success).toBe(true);
      const result = await runScenario(scenario, bundle);
      const rejected = Object.values(result.cases).flatMap((c) => c.rejected);
      for (const step of scenario.steps.slice(1)) {
        if (scenarioStepSchema.safeParse(step).success) continue;
        expect(rejected.some((r) => r.at === step.at && r.step === step.do), `malformed step ${JSON.stringify(step)} not in rejected`).toBe(true);
      }
      for (const r of rejected) expect(r.error.length).toBeGreaterThan(0);
      expect(result.cases.A?.caseId).not.toBe('');
      expect(result.cases.A?.state.stage).toBeDefined();
    }), { numRuns: 5 });
  }, 300_000);

  it('refuses a scenario that is not one as InvalidInputError, starting nothing', async () => {
    await fc.assert(fc.asyncProperty(arb.junk, async (value) => {
      if (scenarioSchema.safeParse(value).success) return;
      await expect(runScenario(value, bundle)).rejects.toBeInstanceOf(InvalidInputError);
    }), { numRuns: 100 });
  });

  // Found by this fuzzing: a step whose `at` was not a date passed the scenario's own check and
  // then stopped the whole run with a RangeError ("Invalid time value"). A step that cannot be
  // placed in time is now a fault of the scenario, named by its path, before anything runs.
  it('refuses a scenario with a step whose `at` is not a date, naming that step', async () => {
    const scenario = scenarioWith([{ do: 'closeCase', rationale: 'Done.' }]);
    scenario.steps[1]!.at = 'not a date';
    const err = await runScenario(scenario, bundle).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => i.path)).toEqual(['steps.1.at']);
  });
});
