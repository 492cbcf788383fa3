import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationResult } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { runScenario, sentMessages, type SentMessage } from '../support/simulation';

/**
 * scenarios/repeat-window-ended.json to the minute on the time-skipping server (issue 21 item 3): a
 * case, a repeat ten weeks on, and the window's end twelve months after the repeat — messages to the
 * agencies of each case by case reference, none to the perpetrator. (A simulation keeps no store, so
 * the record entry is tested in test/workflows/repeat-window-ended.test.ts.)
 */
let result: SimulationResult;
let outbox: string;
let notices: SentMessage[];
beforeAll(async () => {
  outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-window-scenario-'));
  const scenario = JSON.parse(await readFile(new URL('../../scenarios/repeat-window-ended.json', import.meta.url), 'utf8')) as unknown;
  result = await runScenario(scenario, await bundleWorkflows(), { outboxDir: outbox });
  notices = (await sentMessages(outbox)).filter((m) => m.subject.includes('Repeat window ended')).sort((a, b) => a.id.localeCompare(b.id));
}, 300_000);
afterAll(async () => {
  if (outbox) await rm(outbox, { recursive: true, force: true });
});

describe('scenarios/repeat-window-ended.json', () => {
  it('hears both cases, the second as a repeat, with nothing refused', () => {
    expect(result.refusals).toEqual([]);
    expect(result.cases.B!.state.repeat?.previousCaseId).toBe(result.cases.A!.caseId);
    expect([result.cases.A!.state.stage, result.cases.B!.state.stage]).toEqual(['closed', 'closed']);
  });

  it("tells each case's agencies twelve months after the repeat, to the minute, by case reference only", () => {
    const ids = [result.cases.A!.caseId, result.cases.B!.caseId].sort();
    expect(notices.map((m) => m.id)).toEqual(ids.map((id) => `${id}:repeat-window-ended:2028-02-01T10:00:00.000Z`));
    for (const m of notices) {
      expect(m.to).toContain('hrda@housing.example.org');
      expect(m.to.join(' ')).not.toContain('blake@example.net');
      expect(m.eml).not.toMatch(/Alex Example|Blake Example|1990-04-01|Strangulation|Threats/);
    }
  });
});
