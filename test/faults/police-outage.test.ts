import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NominalQuery, PoliceSystems } from '../../activities/police-systems.port';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { durationMs } from '../../domain/duration';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { PoliceSystem } from '../../domain/timeline';
import { bundleHrdaWorkflows } from '../../bench/lib/hrda-service';
import { entries, only, referralStep, runScenario, sentMessages } from '../support/simulation';

/**
 * The police systems down for hours, on the time-skipping server: each system's check is retried
 * with the profile's backoff (dorset-hrda: 1 minute, doubling, at most an hour apart, for four
 * hours); an outage shorter than that costs nothing but time, a longer one is reported to the
 * administrator once, and in neither case is anything of the case lost.
 */
interface Attempt {
  system: PoliceSystem;
  attempt: number;
  /** Server time (simulated) at which this attempt was scheduled. */
  at: number;
}

/** Every system fails until `until` (server time), then answers from the local fixture. */
class PoliceOutage implements PoliceSystems {
  readonly attempts: Attempt[] = [];
  private readonly local = new LocalPoliceSystems();

  constructor(readonly until: number) {}

  async search(system: PoliceSystem, people: NominalQuery[]) {
    const { attempt, currentAttemptScheduledTimestampMs: at } = Context.current().info;
    this.attempts.push({ system, attempt, at });
    if (at < this.until) throw new Error(`${system} is unavailable`);
    return this.local.search(system, people);
  }

  of(system: PoliceSystem): Attempt[] {
    return this.attempts.filter((a) => a.system === system).sort((a, b) => a.at - b.at);
  }
}

const minute = 60_000;
const retry = dorsetHrda.checks.retry;

/** The gaps the profile's backoff asks for between attempts, in minutes: 1, 2, 4, … capped at an hour. */
function expectedGaps(count: number): number[] {
  const gaps: number[] = [];
  let interval = durationMs(retry.initialInterval);
  for (let i = 0; i < count; i++) {
    gaps.push(interval / minute);
    interval = Math.min(interval * retry.backoffCoefficient, durationMs(retry.maximumInterval));
  }
  return gaps;
}

/**
 * Minutes between one system's attempts. The Java time-skipping server runs the first retry at
 * once (the dev server waits the initial interval, as a real cluster does); that retry is left
 * out, so the gaps are the backoff's own.
 */
function gapsOf(attempts: Attempt[]): number[] {
  const spaced = attempts.filter((x, i) => i === 0 || x.at - attempts[i - 1]!.at >= 1000);
  expect(attempts.length - spaced.length).toBeLessThanOrEqual(1);
  return spaced.slice(1).map((x, i) => Math.round((x.at - spaced[i]!.at) / minute));
}

const summary = { involvement: 'Known to health visiting.', risks: 'Injuries seen.', actionsTaken: 'Referral made.', recommendations: 'Joint visit.' };
const scenario = {
  startAt: '2026-11-24T08:00:00Z',
  until: '2026-11-26T13:00:00Z',
  steps: [
    referralStep('2026-11-24T10:00:00Z'),
    // People act on the case while the systems are down.
    { at: '2026-11-24T11:00:00Z', do: 'submitSummary', ref: 'A', agency: 'health', summary },
    { at: '2026-11-24T11:30:00Z', do: 'recordVictimContact', ref: 'A', outcome: 'views-recorded', views: 'Wants the locks changed.' },
    {
      at: '2026-11-26T12:30:00Z', do: 'recordMeetingOutcome', ref: 'A',
      outcome: { risks: ['Strangulation'], actions: [{ id: 'a1', owner: 'housing', description: 'Change the locks.' }], leads: {}, rationale: 'High risk.' },
    },
  ],
};
const receivedAt = Date.parse('2026-11-24T10:00:00Z');

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleHrdaWorkflows();
});

async function run(police: PoliceOutage) {
  const outboxDir = await mkdtemp(path.join(os.tmpdir(), 'hrda-police-outage-'));
  try {
    const result = await runScenario(scenario, bundle, { police, outboxDir });
    return { result, messages: await sentMessages(outboxDir) };
  } finally {
    await rm(outboxDir, { recursive: true, force: true });
  }
}

describe('a police system adapter failing for hours', () => {
  it('retries a two-hour outage with backoff and completes the checks, telling nobody', async () => {
    const police = new PoliceOutage(receivedAt + 2 * 60 * minute);
    const { result, messages } = await run(police);
    const a = result.cases.A!;

    // 1, 2, 4, 8, 16, 32 minutes, then capped at an hour: the attempt at 12:03 finds the systems back.
    for (const system of dorsetHrda.checks.systems) {
      const attempts = police.of(system);
      expect(attempts[0]!.at - receivedAt).toBeLessThan(minute);
      expect(gapsOf(attempts)).toEqual([1, 2, 4, 8, 16, 32, 60]);
      expect(attempts.filter((x) => x.at >= police.until)).toHaveLength(1);
    }
    expect(entries(a.timeline, 'checks.failed')).toEqual([]);
    expect(only(a.timeline, 'checks.completed').data.systems.map((s: { status: string }) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(messages.filter((m) => m.to.includes(dorsetHrda.administrator.mailbox) && /Background checks/.test(m.subject))).toEqual([]);

    // Nothing lost: the request went out once the checks were in (before the 14:00 deadline), and every step stood.
    expect(Date.parse(only(a.timeline, 'info-request.sent').at)).toBeLessThanOrEqual(Date.parse('2026-11-24T14:00:00Z'));
    expect(a.rejected).toEqual([]);
    expect(only(a.timeline, 'summary.received').data.agency).toBe('health');
    only(a.timeline, 'victim-contact.recorded');
    only(a.timeline, 'meeting.heard');
    expect(a.state.stage).toBe('monitoring');
  });

  it('gives up after the four-hour budget, tells the administrator once, and the case goes on', async () => {
    const police = new PoliceOutage(receivedAt + 6 * 60 * minute);
    const { result, messages } = await run(police);
    const a = result.cases.A!;
    const budget = durationMs(retry.giveUpAfter);

    // Retried with the same backoff for as long as the budget allows, then given up.
    for (const system of dorsetHrda.checks.systems) {
      const attempts = police.of(system);
      const gaps = gapsOf(attempts);
      expect(gaps.length).toBeGreaterThanOrEqual(7);
      expect(gaps).toEqual(expectedGaps(gaps.length));
      expect(attempts[attempts.length - 1]!.at - receivedAt).toBeLessThan(budget);
    }
    // Each system's gap is on the timeline, within the budget, and the administrator is told in one message.
    const failed = entries(a.timeline, 'checks.failed');
    expect(failed.map((e) => e.data.system).sort()).toEqual(['niche', 'pnc', 'pnd']);
    for (const e of failed) expect(Date.parse(e.at) - receivedAt).toBeLessThanOrEqual(budget + minute);
    const toAdmin = messages.filter((m) => m.to.includes(dorsetHrda.administrator.mailbox) && /Background checks could not be completed/.test(m.subject));
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]!.eml).toMatch(/niche/);

    // Nothing lost: the request went out by 14:00, the steps taken during the outage stand, the case is heard.
    expect(Date.parse(only(a.timeline, 'info-request.sent').at)).toBeLessThanOrEqual(Date.parse('2026-11-24T14:00:00Z'));
    expect(a.rejected).toEqual([]);
    expect(only(a.timeline, 'summary.received').data.agency).toBe('health');
    only(a.timeline, 'victim-contact.recorded');
    expect(only(a.timeline, 'meeting.heard').at).toBe('2026-11-26T12:00:00.000Z');
    expect(a.state.stage).toBe('monitoring');
  });
});
