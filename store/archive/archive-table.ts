import { createHash } from 'node:crypto';
import type { Database } from '../database';
import type { ArchivedRun, ArchivedRunInfo } from './archived-run';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Stores a run; a run already archived (by another archiver, or by a pass that was stopped after
 * its insert) is left untouched. Returns whether this call stored it.
 */
export async function insertArchivedRun(db: Database, run: ArchivedRun): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO archived_workflows
       (workflow_id, run_id, workflow_type, status, start_time, close_time, previous_run_id, search_attributes, history, history_sha256, events, replayed_ok, queries)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (workflow_id, run_id) DO NOTHING`,
    [run.workflowId, run.runId, run.workflowType, run.status, run.startTime, run.closeTime, run.previousRunId,
      JSON.stringify(run.searchAttributes), Buffer.from(run.history), run.historySha256, run.events, run.replayedOk, run.queries === null ? null : JSON.stringify(run.queries)],
  );
  return rowCount === 1;
}

export async function isArchived(db: Database, workflowId: string, runId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM archived_workflows WHERE workflow_id = $1 AND run_id = $2', [workflowId, runId]);
  return rowCount === 1;
}

interface Row {
  workflow_id: string; run_id: string; workflow_type: string; status: string; start_time: Date; close_time: Date;
  previous_run_id: string | null; search_attributes: Record<string, unknown>; history?: Buffer; history_sha256: string;
  events: number; replayed_ok: boolean; archived_at: Date; queries: Record<string, string> | null;
}

const infoOf = (r: Row): ArchivedRunInfo => ({
  workflowId: r.workflow_id, runId: r.run_id, workflowType: r.workflow_type, status: r.status, startTime: r.start_time,
  closeTime: r.close_time, previousRunId: r.previous_run_id, searchAttributes: r.search_attributes, historySha256: r.history_sha256,
  events: r.events, replayedOk: r.replayed_ok, archivedAt: r.archived_at, queries: r.queries ?? null,
});

/**
 * Every archived run of a workflow, oldest first (runs of a case that continued as new follow each
 * other by previous_run_id; their start times order them too). The digest is checked on the way
 * out: bytes that no longer match what was archived are an error, never read as a history.
 */
export async function archivedRuns(db: Database, workflowId: string): Promise<(ArchivedRunInfo & { history: Uint8Array })[]> {
  const { rows } = await db.query<Row & { history: Buffer }>(
    'SELECT * FROM archived_workflows WHERE workflow_id = $1 ORDER BY start_time, close_time', [workflowId],
  );
  return rows.map((r) => {
    if (sha256Hex(r.history) !== r.history_sha256) throw new Error(`The archived history of ${r.workflow_id} run ${r.run_id} does not match its SHA-256: the archive was altered`);
    return { ...infoOf(r), history: new Uint8Array(r.history) };
  });
}

/** The latest archived run of a workflow, without its history (its search attributes, say). */
export async function latestArchivedRun(db: Database, workflowId: string): Promise<ArchivedRunInfo | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT workflow_id, run_id, workflow_type, status, start_time, close_time, previous_run_id, search_attributes, history_sha256, events, replayed_ok, archived_at, queries
     FROM archived_workflows WHERE workflow_id = $1 ORDER BY start_time DESC, close_time DESC LIMIT 1`, [workflowId],
  );
  return rows[0] ? infoOf(rows[0]) : undefined;
}

/** IDs of archived workflows of one type (optionally with a prefix), sorted. */
export async function archivedWorkflowIds(db: Database, workflowType: string, prefix = ''): Promise<string[]> {
  const { rows } = await db.query<{ workflow_id: string }>(
    'SELECT DISTINCT workflow_id FROM archived_workflows WHERE workflow_type = $1 AND starts_with(workflow_id, $2) ORDER BY workflow_id', [workflowType, prefix],
  );
  return rows.map((r) => r.workflow_id);
}

/** How many runs closed after `closedAfter` the archive holds (the backlog subtracts them from visibility's count). */
export async function archivedCountSince(db: Database, closedAfter: Date): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM archived_workflows WHERE close_time > $1', [closedAfter]);
  return Number(rows[0]!.n);
}

export async function archiveTotals(db: Database): Promise<{ runs: number; bytes: number; replayFailures: number }> {
  const { rows } = await db.query<{ runs: string; bytes: string | null; failures: string }>(
    'SELECT count(*) AS runs, sum(octet_length(history)) AS bytes, count(*) FILTER (WHERE NOT replayed_ok) AS failures FROM archived_workflows',
  );
  return { runs: Number(rows[0]!.runs), bytes: Number(rows[0]!.bytes ?? 0), replayFailures: Number(rows[0]!.failures) };
}
