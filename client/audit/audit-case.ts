import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TimelineEntry } from '../../domain/timeline';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { caseTimelineQuery, caseWorkflowId, referralWorkflowType } from '../../workflows/referral.messages';
import type { Database } from '../../store/database';
import { archivedWorkflowIds } from '../../store/archive/archive-table';
import { archivedHistories } from '../archive/archived-histories';
import { firstTimelineDifference, firstValueDifference, type TimelineDifference } from './compare';
import { eventsOf, startedAttributes, workflowTypeOf, type History } from './history';
import { rebuildTimeline, type RebuiltCase } from './rebuild-timeline';
import { tracingWorkflowInterceptorModule } from '../tracing/workflow-module';

/**
 * `hrda audit replay`: a case's Temporal history checked three ways —
 * 1. replayed against the current workflow code (a non-determinism means the code no longer
 *    produces the history it once did: it needs `patched()` or a new workflow type);
 * 2. its timeline rebuilt from the history alone (rebuild-timeline.ts) and compared, entry by
 *    entry, with the timeline the workflow reports (query `timeline`);
 * 3. for a completed case, the rebuilt case compared with the result the workflow returned.
 */
export interface CaseAudit {
  caseId: string;
  workflowId: string;
  /** How the latest run stands: running, completed, continued-as-new, failed… */
  status: string;
  runs: number;
  events: number;
  replay: { ok: boolean; nondeterministic?: boolean; message?: string };
  /** Where the history could not be followed by the rebuild. */
  rebuildProblems: string[];
  timeline:
    | { ok: true; entries: number }
    /** The workflow is gone from Temporal: there is no reported timeline to compare, only the archived history. */
    | { ok: true; entries: number; archived: true }
    | { ok: false; entries: number; difference: TimelineDifference }
    | { ok: false; entries: number; unavailable: string };
  /** Completed cases only: the rebuilt case against the workflow's result. */
  result?: { ok: boolean; field?: string };
  ok: boolean;
  /** Where the histories were read: Temporal, or the archive once Temporal has forgotten the workflow. */
  source: 'temporal' | 'archive';
  /** What was compared, for the export bundle. */
  histories: History[];
  reported?: TimelineEntry[];
  rebuilt: RebuiltCase;
}

export interface AuditOptions {
  /** The worker's workflow code, bundled once (auditBundle). */
  workflowBundle: WorkflowBundleWithSourceMap;
  /** The service's data converter (payload codec): replay and the rebuild decode payloads with it. */
  dataConverter: DataConverter;
  /** How long the workflow may take to answer the timeline query (a closed case needs a worker running). */
  queryTimeoutMs?: number;
  /** The store: a case whose workflow Temporal no longer has (retention) is audited from its archived histories. */
  archive?: Database;
}

/** The current workflow code, bundled as the worker bundles it. */
export function auditBundle(opts: { tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath, ...workflowBundleOptions, logger: new DefaultLogger('WARN'),
    // With tracing on, the worker's bundle holds the tracing interceptors (client/tracing/worker-tracing.ts).
    ...(opts.tracing ? { workflowInterceptorModules: [tracingWorkflowInterceptorModule] } : {}),
  });
}

/** Every run of the workflow, oldest first (a case that continued as new has several). */
export async function fetchRuns(client: Client, workflowId: string, archive?: Database): Promise<{ runId: string; history: History }[]> {
  const { runId: latest } = await client.workflow.getHandle(workflowId).describe();
  const runs: { runId: string; history: History }[] = [];
  // Retention removes each closed run on its own: earlier runs of a case that continued as new may be only in the archive.
  let archived: Map<string, History> | undefined;
  const fetchRun = async (runId: string): Promise<History> => {
    try {
      return await client.workflow.getHandle(workflowId, runId).fetchHistory();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || !archive) throw err;
      archived ??= new Map((await archivedHistories(archive, workflowId)).map((r) => [r.runId, r.history]));
      const history = archived.get(runId);
      if (!history) throw err;
      return history;
    }
  };
  for (let runId: string | undefined = latest; runId; ) {
    const history = await fetchRun(runId);
    runs.unshift({ runId, history });
    runId = startedAttributes(history).continuedExecutionRunId || undefined;
    if (runs.length > 10_000) throw new Error(`${workflowId} has more than 10000 runs: not following the chain further`);
  }
  return runs;
}

/** Replays each run against the workflow code; the first failure, if any. */
export async function replayRuns(workflowId: string, histories: History[], opts: Pick<AuditOptions, 'workflowBundle' | 'dataConverter'>): Promise<CaseAudit['replay']> {
  const results = Worker.runReplayHistories(
    { workflowBundle: opts.workflowBundle, dataConverter: opts.dataConverter, replayName: 'hrda-audit' },
    histories.map((history) => ({ workflowId, history })),
  );
  for await (const r of results) {
    if (r.error) {
      const nondeterministic = r.error instanceof DeterminismViolationError;
      return { ok: false, nondeterministic, message: `${nondeterministic ? 'non-determinism' : 'replay failed'} in run ${r.runId}: ${r.error.message}` };
    }
  }
  return { ok: true };
}

export async function auditCase(client: Client, caseId: string, opts: AuditOptions): Promise<CaseAudit> {
  const workflowId = caseWorkflowId(caseId);
  const { runs, reported, source } = await readRuns(client, workflowId, opts);
  const histories = runs.map((r) => r.history);
  const type = workflowTypeOf(histories[0]!);
  if (type !== referralWorkflowType) throw new Error(`${workflowId} is a ${type} workflow, not a case`);

  const replay = await replayRuns(workflowId, histories, opts);
  const rebuilt = await rebuildTimeline(histories, { dataConverter: client.options.loadedDataConverter });

  let timeline: CaseAudit['timeline'];
  if ('archived' in reported) {
    timeline = { ok: true, entries: rebuilt.timeline.length, archived: true };
  } else if ('unavailable' in reported) {
    timeline = { ok: false, entries: rebuilt.timeline.length, unavailable: reported.unavailable };
  } else {
    const difference = firstTimelineDifference(reported.timeline, rebuilt.timeline);
    timeline = difference ? { ok: false, entries: reported.timeline.length, difference } : { ok: true, entries: reported.timeline.length };
  }
  let result: CaseAudit['result'];
  if (rebuilt.end === 'completed') {
    const field = firstValueDifference(rebuilt.result, rebuilt.view);
    result = field === undefined ? { ok: true } : { ok: false, field };
  }
  return {
    caseId,
    workflowId,
    status: rebuilt.end,
    runs: histories.length,
    events: histories.reduce((n, h) => n + eventsOf(h).length, 0),
    replay,
    rebuildProblems: rebuilt.problems,
    timeline,
    ...(result ? { result } : {}),
    ok: replay.ok && rebuilt.problems.length === 0 && timeline.ok && (result?.ok ?? true),
    source,
    histories,
    ...('timeline' in reported ? { reported: reported.timeline } : {}),
    rebuilt,
  };
}

type Reported = { timeline: TimelineEntry[] } | { unavailable: string } | { archived: true };

/**
 * The runs from Temporal while it has the workflow; from the archive once it does not (then no
 * workflow answers the timeline query: replay, the rebuild and the returned result are the checks).
 */
async function readRuns(client: Client, workflowId: string, opts: AuditOptions): Promise<{ runs: { runId: string; history: History }[]; reported: Reported; source: CaseAudit['source'] }> {
  try {
    return { ...(await consistentRead(client, workflowId, opts.queryTimeoutMs ?? 15_000, opts.archive)), source: 'temporal' };
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError) || !opts.archive) throw err;
    const runs = await archivedHistories(opts.archive, workflowId);
    if (runs.length === 0) throw err;
    return { runs, reported: { archived: true }, source: 'archive' };
  }
}

/**
 * The histories and the reported timeline as of one moment: a workflow task that completes
 * between the two reads would make them disagree for no fault of either, so the read is repeated
 * until the history did not move while the timeline was asked for.
 */
async function consistentRead(client: Client, workflowId: string, queryTimeoutMs: number, archive?: Database) {
  const handle = client.workflow.getHandle(workflowId);
  for (let attempt = 1; ; attempt++) {
    const runs = await fetchRuns(client, workflowId, archive);
    const latest = runs[runs.length - 1]!;
    let reported: Reported;
    try {
      reported = { timeline: await client.connection.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(caseTimelineQuery)) };
    } catch (err) {
      reported = { unavailable: `the workflow did not answer the timeline query (${(err as Error).message}); a closed case is answered only while a worker for its task queue is running` };
    }
    const after = await handle.describe();
    if ((after.runId === latest.runId && after.historyLength === eventsOf(latest.history).length) || attempt >= 5) return { runs, reported };
  }
}

/**
 * Case IDs of every case the visibility store lists (one per workflow, whatever its runs), and with
 * the store, of every case in the archive (unless a query chooses the cases).
 */
export async function listCaseIds(client: Client, query?: string, archive?: Database): Promise<string[]> {
  const ids = new Set<string>();
  if (archive && query === undefined) for (const id of await archivedWorkflowIds(archive, referralWorkflowType, 'case-')) ids.add(id.replace(/^case-/, ''));
  query ??= `HrdaKind = 'case'`;
  for await (const wf of client.workflow.list({ query })) {
    if (wf.type === referralWorkflowType) ids.add(wf.workflowId.replace(/^case-/, ''));
  }
  return [...ids].sort();
}
