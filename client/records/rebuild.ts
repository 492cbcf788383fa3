import { sha256Hex } from '../../store/archive/archive-table';
import type { Client } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { caseRecordOfView } from '../../machines/referral';
import type { Database } from '../../store/database';
import { writeCaseRecord } from '../../store/records/write';
import { caseWorkflowId, referralWorkflowType } from '../../workflows/referral.messages';
import { fetchRuns, listCaseIds } from '../audit/audit-case';
import { eventsOf, eventTimeMs, startedAttributes, type History } from '../audit/history';
import { rebuildTimeline } from '../audit/rebuild-timeline';

export interface RebuildOutcome {
  caseId: string;
  /** Where its history came from, and what became of its record. */
  source: 'live' | 'archive';
  result: 'written' | 'kept' | 'failed';
  version?: number;
  problem?: string;
}

/**
 * `hrda ops rebuild-records`: the case record (store/records) rebuilt from the cases' histories — each
 * case's runs replayed through the referral machine (client/audit/rebuild-timeline.ts), the record
 * derived from the view that gives, and written as the workflow would have written it. A record the
 * store holds at a later version is kept (a case that moved on while this ran).
 *
 * Histories come from Temporal while it keeps them, and from the archive (table archived_workflows,
 * issue 15 item 2) for cases it has forgotten.
 */
export async function rebuildCaseRecords(
  client: Client,
  db: Database,
  opts: { caseIds?: string[]; log?: (outcome: RebuildOutcome) => void } = {},
): Promise<RebuildOutcome[]> {
  const converter = client.options.loadedDataConverter;
  const namespace = client.options.namespace;
  const archived = await archivedCaseHistories(db, opts.caseIds);
  const live = opts.caseIds ?? (await listCaseIds(client));
  const ids = [...new Set([...live, ...archived.keys()])].sort();
  const outcomes: RebuildOutcome[] = [];
  for (const caseId of ids) {
    let outcome: RebuildOutcome;
    try {
      const fromTemporal = live.includes(caseId) ? await fetchRuns(client, caseWorkflowId(caseId)).then((runs) => runs.map((r) => r.history), () => undefined) : undefined;
      const histories = fromTemporal ?? archived.get(caseId);
      const source = fromTemporal ? 'live' : 'archive';
      if (!histories?.length) outcome = { caseId, source, result: 'failed', problem: 'no history in Temporal or in the archive' };
      else outcome = { caseId, source, ...(await rebuildOne(db, converter, namespace, caseId, histories)) };
    } catch (err) {
      outcome = { caseId, source: 'live', result: 'failed', problem: (err as Error).message };
    }
    outcomes.push(outcome);
    opts.log?.(outcome);
  }
  return outcomes;
}

async function rebuildOne(db: Database, converter: LoadedDataConverter, namespace: string, caseId: string, histories: History[]): Promise<Pick<RebuildOutcome, 'result' | 'version' | 'problem'>> {
  const rebuilt = await rebuildTimeline(histories, { dataConverter: converter });
  if (!rebuilt.view) return { result: 'failed', problem: 'the history ends before the case was registered' };
  const first = eventsOf(histories[0]!)[0];
  const record = caseRecordOfView(rebuilt.view, {
    version: rebuilt.timeline.length,
    startedAt: new Date(first ? eventTimeMs(first) : 0).toISOString(),
    status: rebuilt.end === 'completed' ? 'completed' : 'running',
  });
  const written = await writeCaseRecord(db, converter, namespace, record, caseWorkflowId(caseId));
  return { result: written ? 'written' : 'kept', version: record.version, ...(rebuilt.problems.length ? { problem: rebuilt.problems[0] } : {}) };
}

/**
 * The archive's closed runs of each case (table archived_workflows, store/archive), each history a
 * temporal.api.history.v1.History in protobuf, its payloads still encrypted. A case's runs are put
 * in order by following each run's `continuedExecutionRunId` back from the last. A history that does
 * not decode or whose SHA-256 no longer matches is left out (the archiver raises its own alert).
 */
async function archivedCaseHistories(db: Database, caseIds?: string[]): Promise<Map<string, History[]>> {
  const byCase = new Map<string, History[]>();
  const { rows: all } = await db.query<{ workflow_id: string; run_id: string; history: Buffer; history_sha256: string }>(
    `SELECT workflow_id, run_id, history, history_sha256 FROM archived_workflows WHERE workflow_type = $1${caseIds ? ' AND workflow_id = ANY ($2)' : ''}`,
    caseIds ? [referralWorkflowType, caseIds.map(caseWorkflowId)] : [referralWorkflowType],
  );
  const rows = all.filter((r) => sha256Hex(r.history) === r.history_sha256);
  const runs = new Map<string, Map<string, History>>();
  for (const row of rows) {
    let history: History;
    try {
      history = proto.temporal.api.history.v1.History.decode(row.history) as History;
    } catch {
      continue;
    }
    const caseRuns = runs.get(row.workflow_id) ?? new Map<string, History>();
    caseRuns.set(row.run_id, history);
    runs.set(row.workflow_id, caseRuns);
  }
  for (const [workflowId, caseRuns] of runs) {
    const previous = new Set([...caseRuns.values()].map((h) => startedAttributes(h).continuedExecutionRunId).filter(Boolean));
    // The last run is the one no other run continued from.
    let last = [...caseRuns.entries()].find(([runId]) => !previous.has(runId));
    const chain: History[] = [];
    while (last) {
      chain.unshift(last[1]);
      const before = startedAttributes(last[1]).continuedExecutionRunId;
      last = before && caseRuns.has(before) ? [before, caseRuns.get(before)!] : undefined;
      if (chain.length > caseRuns.size) break;
    }
    byCase.set(workflowId.replace(/^case-/, ''), chain);
  }
  return byCase;
}
