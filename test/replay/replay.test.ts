import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeToPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { replayRuns } from '../../client/audit/audit-case';
import { firstTimelineDifference, firstValueDifference } from '../../client/audit/compare';
import { decodePayloads, eventsOf } from '../../client/audit/history';
import { rebuildTimeline } from '../../client/audit/rebuild-timeline';
import { referralWorkflowType } from '../../workflows/referral.messages';
import { bundleWorkflows } from '../support/bundle';
import { corpusDataConverter, historiesDir, loadCorpus, reportedTimeline, type StoredHistory } from './corpus';

const alteredWorkflowsPath = fileURLToPath(new URL('../support/workflows/altered-referral.ts', import.meta.url));

let corpus: StoredHistory[];
let cases: StoredHistory[];
let current: WorkflowBundleWithSourceMap;
let altered: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  corpus = await loadCorpus();
  cases = corpus.filter((h) => h.workflowType === referralWorkflowType);
  [current, altered] = await Promise.all([bundleWorkflows(), bundleWorkflows(alteredWorkflowsPath)]);
});

/** A fresh copy of a stored history, to alter in one test without touching the others. */
const freshHistory = async (name: string): Promise<History> => historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, name), 'utf8')));

describe('the replay corpus (test/replay/histories; scripts/generate-replay-corpus.ts regenerates it)', () => {
  it('holds cases from every scenario, and the workflows they started or talked to', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    expect([...new Set(corpus.map((h) => h.workflowType))]).toEqual(expect.arrayContaining(['referralWorkflow', 'subjectWorkflow']));
  });

  it('replays every stored history against the current workflow code', async () => {
    const failures: string[] = [];
    const results = Worker.runReplayHistories(
      { workflowBundle: current, dataConverter: corpusDataConverter, replayName: 'corpus' },
      corpus.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    let replayed = 0;
    for await (const r of results) {
      replayed++;
      if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(corpus.length);
  });

  it('fails a case history with a DeterminismViolationError when the workflow arms a timer the history never had', async () => {
    const stored = cases.find((h) => h.name === 'full-lifecycle-A.json') ?? cases[0]!;
    await expect(Worker.runReplayHistory({ workflowBundle: altered, dataConverter: corpusDataConverter }, stored.history, stored.workflowId))
      .rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it('reports the altered workflow as non-deterministic through the check `hrda audit replay` runs', async () => {
    const stored = cases[0]!;
    const verdict = await replayRuns(stored.workflowId, [stored.history], { workflowBundle: altered, dataConverter: corpusDataConverter });
    expect(verdict).toMatchObject({ ok: false, nondeterministic: true });
    expect(verdict.message).toMatch(/non-determinism/i);
    await expect(replayRuns(stored.workflowId, [stored.history], { workflowBundle: current, dataConverter: corpusDataConverter })).resolves.toEqual({ ok: true });
  });
});

describe('rebuildTimeline: a case told again from its history alone', () => {
  it('rebuilds, for every case in the corpus, the timeline its workflow reported', async () => {
    for (const stored of cases) {
      const rebuilt = await rebuildTimeline(stored.history, { dataConverter: corpusDataConverter });
      const reported = await reportedTimeline(stored.name);
      expect({ case: stored.name, problems: rebuilt.problems }).toEqual({ case: stored.name, problems: [] });
      expect({ case: stored.name, difference: firstTimelineDifference(reported, rebuilt.timeline) }).toEqual({ case: stored.name, difference: undefined });
      expect(rebuilt.timeline.length).toBeGreaterThan(0);
    }
  });

  it('rebuilds a completed case exactly as the workflow returned it', async () => {
    let completed = 0;
    for (const stored of cases) {
      const rebuilt = await rebuildTimeline(stored.history, { dataConverter: corpusDataConverter });
      if (rebuilt.end !== 'completed') continue;
      completed++;
      expect({ case: stored.name, field: firstValueDifference(rebuilt.result, rebuilt.view) }).toEqual({ case: stored.name, field: undefined });
    }
    expect(completed).toBeGreaterThanOrEqual(2);
  });

  it('names the entry and field where a reported timeline departs from the history', async () => {
    const stored = cases.find((h) => h.name === 'full-lifecycle-A.json')!;
    const rebuilt = await rebuildTimeline(stored.history, { dataConverter: corpusDataConverter });
    const reported = structuredClone(rebuilt.timeline);
    const i = reported.findIndex((e) => e.type === 'info-request.sent');
    (reported[i]!.data as { respondBy: string }).respondBy = '2026-11-27T12:00:00.000Z';
    expect(firstTimelineDifference(reported, rebuilt.timeline)).toMatchObject({ index: i, field: 'data.respondBy' });
    const shorter = rebuilt.timeline.slice(0, -1);
    expect(firstTimelineDifference(shorter, rebuilt.timeline)).toEqual({ index: shorter.length, rebuilt: rebuilt.timeline.at(-1) });
  });

  it('follows an altered update input into the timeline, so a tampered history cannot pass for the reported one', async () => {
    const history = await freshHistory('full-lifecycle-A.json');
    const converter = loadDataConverter(corpusDataConverter);
    const accepted = eventsOf(history).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes).find((a) => a?.acceptedRequest?.input?.name === 'submitSummary')!;
    const [summary] = (await decodePayloads(converter, accepted.acceptedRequest!.input!.args)) as [{ agency: string }];
    accepted.acceptedRequest!.input!.args = { payloads: (await encodeToPayloads(converter, { ...summary, agency: 'probation' }))! };

    const rebuilt = await rebuildTimeline(history, { dataConverter: corpusDataConverter });
    const difference = firstTimelineDifference(await reportedTimeline('full-lifecycle-A.json'), rebuilt.timeline);
    expect(difference).toMatchObject({ field: 'data.agency', reported: { type: 'summary.received', data: { agency: summary.agency } }, rebuilt: { data: { agency: 'probation' } } });
  });

  it('says where the history parts from the rebuilt case when a timer was armed for another instant', async () => {
    const history = await freshHistory('full-lifecycle-A.json');
    const timer = eventsOf(history).find((e) => e.timerStartedEventAttributes)!;
    const timeout = timer.timerStartedEventAttributes!.startToFireTimeout! as { seconds?: unknown };
    timeout.seconds = Number(timeout.seconds) + 60;
    const rebuilt = await rebuildTimeline(history, { dataConverter: corpusDataConverter });
    expect(rebuilt.problems[0]).toMatch(/^Event \d+: the workflow armed a timer for \S+, but the rebuilt case waits for \S+/);
  });

  it('stops at a message it does not know, and says which', async () => {
    const stored = cases.find((h) => eventsOf(h.history).some((e) => e.workflowExecutionSignaledEventAttributes));
    expect(stored, 'a case in the corpus receives signals (dispute progress, roll-overs)').toBeDefined();
    const history = await freshHistory(stored!.name);
    const signalled = eventsOf(history).find((e) => e.workflowExecutionSignaledEventAttributes)!;
    signalled.workflowExecutionSignaledEventAttributes!.signalName = 'somethingNew';
    const rebuilt = await rebuildTimeline(history, { dataConverter: corpusDataConverter });
    expect(rebuilt.problems).toContainEqual(expect.stringMatching(/the signal "somethingNew" is not one the rebuild knows \(client\/audit\/case-events\.ts\)/));
  });

  it('refuses a history that is not a case', async () => {
    const subject = corpus.find((h) => h.workflowType === 'subjectWorkflow')!;
    await expect(rebuildTimeline(subject.history, { dataConverter: corpusDataConverter })).rejects.toThrow(/subjectWorkflow workflow, not a case/);
  });
});
