import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { inject } from 'vitest';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { simulate, type SimulateOptions, type SimulationResult } from '../../client/simulate/simulate';
import type { TimelineEntry, TimelineType } from '../../domain/timeline';
import { exampleReferral } from './referrals';
import type { ReferralInput } from '../../domain/referral';

export function runScenario(scenario: unknown, bundle: WorkflowBundleWithSourceMap, opts: Partial<SimulateOptions> = {}): Promise<SimulationResult> {
  return simulate(scenario, { testServer: inject('testServer'), workflowBundle: bundle, ...opts });
}

export const referralStep = (at: string, ref = 'A', overrides: Partial<ReferralInput> = {}) => ({
  at,
  do: 'submitReferral',
  ref,
  referral: exampleReferral({ receivedAt: at, ...overrides }),
});

export const entries = <T extends TimelineType>(timeline: TimelineEntry[], type: T) =>
  timeline.filter((e): e is Extract<TimelineEntry, { type: T }> => e.type === type);

export const only = <T extends TimelineType>(timeline: TimelineEntry[], type: T) => {
  const found = entries(timeline, type);
  if (found.length !== 1) throw new Error(`expected one ${type} entry, found ${found.length}: ${JSON.stringify(found)}`);
  return found[0]!;
};

export interface SentMessage {
  id: string;
  to: string[];
  subject: string;
  eml: string;
}

/** Every message the outbox adapter wrote, with its raw .eml. */
export async function sentMessages(dir: string): Promise<SentMessage[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  return Promise.all(
    files.map(async (f) => {
      const meta = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as { id: string; to: string[]; subject: string; eml: string };
      return { ...meta, eml: await readFile(path.join(dir, meta.eml), 'utf8') };
    }),
  );
}
