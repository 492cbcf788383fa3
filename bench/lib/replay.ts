import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadCorpus } from '../../test/replay/corpus';

export interface ReplayInput {
  workflowId: string;
  history: History;
}

export interface ReplayRun {
  histories: number;
  distinct: number;
  /** Mean events per history replayed. */
  eventsPerHistory: number;
  eventsPerSecond: number;
  failed: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
}

/**
 * The audit corpus (test/replay/histories, written by scripts/generate-replay-corpus.ts and read
 * as test/replay does): the histories whose workflow type the bundle registers, and how many
 * others were left out.
 */
export async function loadAuditCorpus(registered: Set<string>): Promise<{ histories: ReplayInput[]; skipped: number; files: number }> {
  const stored = await loadCorpus().catch(() => []);
  const histories = stored.filter((h) => registered.has(h.workflowType)).map(({ workflowId, history }) => ({ workflowId, history }));
  return { histories, skipped: stored.length - histories.length, files: stored.length };
}

/**
 * Replays the histories against the bundle, round after round until at least `minReplays` have
 * run, and times it all (the replay worker's creation included, as an auditor's run pays it).
 */
export async function replayThroughput(
  bundle: WorkflowBundleWithSourceMap,
  histories: ReplayInput[],
  opts: { minReplays: number; dataConverter?: DataConverter; replayName: string },
): Promise<ReplayRun> {
  if (histories.length === 0) return { histories: 0, distinct: 0, eventsPerHistory: Number.NaN, eventsPerSecond: Number.NaN, failed: 0, seconds: 0, perSecond: Number.NaN };
  const rounds = Math.max(1, Math.ceil(opts.minReplays / histories.length));
  const all = Array.from({ length: rounds }, () => histories).flat();
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: opts.replayName, ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}) },
    all,
  );
  for await (const result of results) {
    if (result.error) {
      failed++;
      firstError ??= `${result.workflowId}: ${result.error.message}`;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const events = all.reduce((n, h) => n + (h.history.events?.length ?? 0), 0);
  return {
    histories: all.length, distinct: histories.length, eventsPerHistory: events / all.length, eventsPerSecond: events / seconds,
    failed, ...(firstError ? { firstError } : {}), seconds, perSecond: all.length / seconds,
  };
}
