import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError, type DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Database } from '../../store/database';
import { insertArchivedRun, isArchived, sha256Hex } from '../../store/archive/archive-table';
import { advanceCursor, readCursor } from '../../store/archive/cursor';
import { raiseAlert } from '../../store/ops-alerts';
import { eventsOf, startedAttributes } from '../audit/history';
import { captureQueries } from './queries';
import { closedSinceQuery } from './visibility';

const HistoryMessage = proto.temporal.api.history.v1.History;

/**
 * The archiver: takes every closed workflow run into the store's archive (store/archive) before
 * Temporal's namespace retention removes it. Each pass lists, through visibility, the runs closed
 * since the cursor; fetches each history not archived yet; replays it against the current workflow
 * code; and stores it with its digest — a history that does not replay is stored all the same and
 * raises an ops alert. The cursor moves only after a pass that left nothing behind, so an archiver
 * that was stopped, killed or down for a day catches up on its next pass.
 *
 * Several processes may run one (a worker each): a pass holds a PostgreSQL advisory lock, so only one
 * lists at a time, and the insert is idempotent should two ever overlap.
 */
export interface ArchiverDeps {
  db: Database;
  client: Client;
  /** The current workflow code, bundled as the worker runs it (the service shares one bundle between them). */
  workflowBundle: WorkflowBundleOption;
  /** The service's data converter: replaying decodes payloads as the worker does. */
  dataConverter: DataConverter;
  /**
   * How far before a pass's start the next pass lists again: a run that closed just before the
   * pass may reach visibility a little later (visibility is eventually consistent).
   */
  overlapMs?: number;
  /** Runs fetched and replayed together. */
  batchSize?: number;
  log?: (line: string) => void;
  /** Called after each run is stored (tests stop a pass part-way here). */
  afterStore?: (run: { workflowId: string; runId: string }) => void | Promise<void>;
}

export interface ArchivePass {
  /** Closed runs visibility listed in the window. */
  listed: number;
  /** Runs this pass stored. */
  archived: number;
  /** Runs found archived already (an earlier pass that stopped part-way, another archiver). */
  alreadyArchived: number;
  /** Stored, but their history did not replay against the current code (each raised an alert). */
  replayFailures: number;
  /** Listed as closed but gone from Temporal before they could be fetched (each raised an alert). */
  lost: number;
  /** Runs that could not be fetched this time (the cursor stays, so the next pass tries again). */
  retryLater: number;
  cursorAdvanced: boolean;
}

/** The advisory lock of archive passes (any 64-bit key unique to this use). */
const archiverLockKey = 0x68726461_61726368n; // "hrdaarch"

export const defaultOverlapMs = 10 * 60_000;

/** One pass; 'busy' when another process's pass holds the lock. */
export async function archivePass(deps: ArchiverDeps): Promise<ArchivePass | 'busy'> {
  const lockClient = await deps.db.connect();
  try {
    const { rows } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [archiverLockKey.toString()]);
    if (!rows[0]?.locked) return 'busy';
    try {
      return await passUnderLock(deps);
    } finally {
      await lockClient.query('SELECT pg_advisory_unlock($1)', [archiverLockKey.toString()]);
    }
  } finally {
    lockClient.release();
  }
}

async function passUnderLock(deps: ArchiverDeps): Promise<ArchivePass> {
  const log = deps.log ?? (() => {});
  const startedAt = new Date();
  const cursor = await readCursor(deps.db);
  await checkRetention(deps, cursor.passedAt ? cursor.closedAfter : undefined, startedAt);
  const pass: ArchivePass = { listed: 0, archived: 0, alreadyArchived: 0, replayFailures: 0, lost: 0, retryLater: 0, cursorAdvanced: false };
  let batch: WorkflowExecutionInfo[] = [];
  const flush = async () => {
    if (batch.length) await archiveBatch(deps, batch, pass, log);
    batch = [];
  };
  for await (const wf of deps.client.workflow.list({ query: closedSinceQuery(cursor.closedAfter) })) {
    pass.listed++;
    if (await isArchived(deps.db, wf.workflowId, wf.runId)) {
      pass.alreadyArchived++;
      continue;
    }
    batch.push(wf);
    if (batch.length >= (deps.batchSize ?? 20)) await flush();
  }
  await flush();
  if (pass.retryLater === 0) {
    const next = new Date(startedAt.getTime() - (deps.overlapMs ?? defaultOverlapMs));
    if (next > cursor.closedAfter) {
      await advanceCursor(deps.db, next);
      pass.cursorAdvanced = true;
    } else {
      // Still records that a pass completed (the backlog shows when).
      await advanceCursor(deps.db, cursor.closedAfter);
    }
  }
  if (pass.archived || pass.replayFailures || pass.lost || pass.retryLater) {
    log(`Archive: ${pass.archived} run(s) archived, ${pass.replayFailures} did not replay, ${pass.lost} lost, ${pass.retryLater} to retry`);
  }
  return pass;
}

/**
 * Runs that closed and were removed by retention before any pass listed them leave no trace in
 * visibility, so they cannot be counted: what shows is that the archive fell behind the retention.
 * The alert says from when runs may be missing.
 */
async function checkRetention(deps: ArchiverDeps, archivedThrough: Date | undefined, now: Date): Promise<void> {
  if (!archivedThrough) return;
  const retentionMs = await namespaceRetentionMs(deps.client);
  if (retentionMs === undefined || archivedThrough.getTime() >= now.getTime() - retentionMs) return;
  await raiseAlert(deps.db, {
    kind: 'archive.behind-retention',
    subject: deps.client.options.namespace,
    detail: `the archive had taken everything closed before ${archivedThrough.toISOString()} only, more than the namespace's retention (${Math.round(retentionMs / 3_600_000)} h) ago: runs that closed after it and before ${new Date(now.getTime() - retentionMs).toISOString()} may have been removed unarchived`,
  });
}

/** The namespace's retention of closed workflows, as Temporal reports it. */
export async function namespaceRetentionMs(client: Client): Promise<number | undefined> {
  const { config } = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  const ttl = config?.workflowExecutionRetentionTtl;
  if (!ttl) return undefined;
  return Number(ttl.seconds ?? 0) * 1000 + Math.floor((ttl.nanos ?? 0) / 1e6);
}

async function archiveBatch(deps: ArchiverDeps, listed: WorkflowExecutionInfo[], pass: ArchivePass, log: (line: string) => void): Promise<void> {
  const fetched: { wf: WorkflowExecutionInfo; history: History }[] = [];
  for (const wf of listed) {
    try {
      fetched.push({ wf, history: await deps.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory() });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || (err as { code?: number }).code === 5) {
        // Retention (or an operator) removed it before the archiver got to it: the loss must show.
        pass.lost++;
        await raiseAlert(deps.db, { kind: 'archive.lost', subject: `${wf.workflowId}/${wf.runId}`, detail: `${wf.type} closed ${wf.closeTime?.toISOString() ?? '?'} and was gone from Temporal before it was archived` });
      } else {
        pass.retryLater++;
        log(`Archive: could not fetch ${wf.workflowId} run ${wf.runId} (${(err as Error).message}); the next pass tries again`);
      }
    }
  }
  if (!fetched.length) return;

  const replay = Worker.runReplayHistories(
    { workflowBundle: deps.workflowBundle, dataConverter: deps.dataConverter, replayName: 'hrda-archive' },
    fetched.map(({ wf, history }) => ({ workflowId: wf.workflowId, history })),
  );
  let i = 0;
  for await (const result of replay) {
    const { wf, history } = fetched[i++]!;
    const bytes = HistoryMessage.encode(HistoryMessage.fromObject(history)).finish();
    const replayedOk = !result.error;
    // A meeting is read by its queries: their answers are kept beside its history.
    const queries = await captureQueries(deps.client, wf);
    if (queries.missing.length) {
      await raiseAlert(deps.db, {
        kind: 'archive.queries-missing',
        subject: `${wf.workflowId}/${wf.runId}`,
        detail: `${wf.type}: queries ${queries.missing.join(', ')} were not answered when it was archived (no worker for its task queue?); its reads from the archive will lack them`,
      });
    }
    const stored = await insertArchivedRun(deps.db, {
      workflowId: wf.workflowId,
      runId: wf.runId,
      workflowType: wf.type,
      status: wf.status.name,
      startTime: wf.startTime,
      closeTime: wf.closeTime ?? new Date(),
      previousRunId: startedAttributes(history).continuedExecutionRunId || null,
      searchAttributes: (wf.searchAttributes ?? {}) as Record<string, unknown>,
      history: bytes,
      historySha256: sha256Hex(bytes),
      events: eventsOf(history).length,
      replayedOk,
      queries: queries.answers,
    });
    if (stored) pass.archived++;
    else pass.alreadyArchived++;
    if (!replayedOk) {
      pass.replayFailures++;
      await raiseAlert(deps.db, {
        kind: 'archive.replay-failed',
        subject: `${wf.workflowId}/${wf.runId}`,
        detail: `${wf.type} does not replay against the current workflow code (${result.error!.name}); archived all the same — the code needs patched() for it (docs/ops.md)`,
      });
    }
    await deps.afterStore?.({ workflowId: wf.workflowId, runId: wf.runId });
  }
}

/**
 * The archiver of a process: a pass now and then every `intervalMs` until stopped. A pass that fails
 * (the store or Temporal unreachable) is logged and tried again at the next tick.
 */
export function startArchiver(deps: ArchiverDeps & { intervalMs?: number }): { stop(): Promise<void>; passNow(): Promise<ArchivePass | 'busy'> } {
  const log = deps.log ?? (() => {});
  let stopped = false;
  let current: Promise<ArchivePass | 'busy'> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = (): Promise<ArchivePass | 'busy'> => {
    current ??= archivePass(deps).finally(() => (current = undefined));
    return current;
  };
  const tick = async () => {
    try {
      await run();
    } catch (err) {
      log(`Archive pass failed: ${(err as Error).message}; trying again in ${Math.round((deps.intervalMs ?? 60_000) / 1000)} s`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), deps.intervalMs ?? 60_000);
  };
  void tick();
  return {
    passNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}
