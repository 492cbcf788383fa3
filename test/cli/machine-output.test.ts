import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { repoRoot, runCli } from './support/run-cli';

/**
 * Issue 18 item 1: `--json` prints exactly one JSON document on stdout whatever its size, with the
 * output going through a pipe (`hrda simulate … --json | jq`); every log line, the SDK core's
 * included, goes to stderr. Before, the core's coloured warning came first on stdout and the
 * process exited before the pipe had taken more than its 64 KiB buffer.
 */
let dir: string;
const env = () => ({ TEMPORAL_TEST_SERVER: inject('testServer'), HRDA_LOG_LEVEL: 'warn' });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-machine-output-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Text of `length` characters that a reader would take for a note (no two lines alike, so nothing compresses it away). */
const longNote = (label: string, length: number) => {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < length; i++) lines.push(`${label}, paragraph ${i}: contact attempted and recorded; the agency will follow up with the household.`);
  return lines.join('\n').slice(0, length);
};

/**
 * A long scenario: referrals each with the agency summaries of four agencies at the longest notes
 * the contract allows, so the result is well over 1 MiB.
 */
async function largeScenario(): Promise<string> {
  const base = JSON.parse(await readFile(path.join(repoRoot, 'scenarios/full-lifecycle.json'), 'utf8')) as { steps: { do: string; referral?: Record<string, unknown> }[] };
  const referral = base.steps.find((s) => s.do === 'submitReferral')!.referral!;
  const steps: ({ at: string } & Record<string, unknown>)[] = [];
  for (const [i, ref] of ['A', 'B', 'C', 'D'].entries()) {
    steps.push({ at: `2026-11-24T1${i}:00:00Z`, do: 'submitReferral', ref, referral: { ...referral, receivedAt: `2026-11-24T1${i}:00:00Z` } });
    for (const [j, agency] of ['health', 'housing', 'probation', 'substance-misuse'].entries()) {
      steps.push({
        at: `2026-11-25T1${i}:${String(10 * j).padStart(2, '0')}:00Z`, do: 'submitSummary', ref, agency,
        summary: Object.fromEntries(['involvement', 'risks', 'actionsTaken', 'recommendations'].map((field) => [field, longNote(`${ref} ${agency} ${field}`, 19_000)])),
      });
    }
  }
  const file = path.join(dir, 'large.json');
  await writeFile(file, JSON.stringify({ profile: 'dorset-hrda', startAt: '2026-11-23T08:00:00Z', until: '2026-11-26T08:00:00Z', steps: steps.sort((a, b) => a.at.localeCompare(b.at)) }));
  return file;
}

/** The SDK core's log entries among stderr's lines (pino JSON: stderr is not a terminal here). */
const coreEntries = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { sdkComponent?: string; msg: string }).filter((e) => e.sdkComponent === 'core');

describe('hrda simulate --json through a pipe', () => {
  it('delivers a result over 1 MiB whole, as one JSON document, with the logs on stderr', async () => {
    const run = await runCli(['simulate', await largeScenario(), '--json'], env());
    expect(run.stderr).not.toMatch(/Unexpected error|\n\s+at /);
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(1024 * 1024);
    const result = JSON.parse(run.stdout.toString('utf8')) as { cases: Record<string, { timeline: unknown[]; rejected: unknown[] }>; refusals: unknown[] };
    expect(Object.keys(result.cases)).toEqual(['A', 'B', 'C', 'D']);
    expect(result.refusals).toEqual([]);
    // The core's warning about the test server's capabilities is there, as a log entry on stderr.
    expect(coreEntries(run.stderr).map((e) => e.msg).join('\n')).toContain('Temporal Server 1.16.0 or newer is required');
    expect(run.stdout.toString('utf8')).not.toContain('temporalio_sdk_core');
  }, 300_000);

  it('prints a scenario of the repository as one JSON document', async () => {
    const file = 'scenarios/three-referrals-one-day.json';
    const scenario = JSON.parse(await readFile(path.join(repoRoot, file), 'utf8')) as { steps: { ref?: string }[] };
    const run = await runCli(['simulate', file, '--json'], env());
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.toString('utf8')) as { cases: Record<string, unknown> };
    expect(Object.keys(result.cases).sort()).toEqual([...new Set(scenario.steps.flatMap((s) => (s.ref ? [s.ref] : [])))].sort());
    expect(run.stdout.toString('utf8').trimEnd().endsWith('}')).toBe(true);
  }, 300_000);
});
