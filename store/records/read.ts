import type { LoadedDataConverter } from '@temporalio/common';
import type { CaseRecord } from '../../domain/case-record';
import type { Database } from '../database';
import { recordOfRow, type CaseRecordRow } from './columns';
import { openPersonalFacts } from './personal';

/** A record as read back: its personal facts null when they cannot be read any more (the case's data key was destroyed). */
export type StoredCaseRecord = Omit<CaseRecord, 'personal'> & { personal: CaseRecord['personal'] | null };

async function withActions(db: Database, rows: CaseRecordRow[]): Promise<Map<string, CaseRecord['actions']>> {
  const byCase = new Map<string, CaseRecord['actions']>();
  if (rows.length === 0) return byCase;
  const { rows: actions } = await db.query<{ case_id: string; action_id: string; owner: string; status: string; due_at: string; overdue: boolean }>(
    'SELECT * FROM case_record_actions WHERE case_id = ANY ($1) ORDER BY case_id, action_id',
    [rows.map((r) => r.case_id)],
  );
  for (const a of actions) {
    const list = byCase.get(a.case_id) ?? [];
    list.push({ id: a.action_id, owner: a.owner, status: a.status, dueAt: a.due_at, overdue: a.overdue });
    byCase.set(a.case_id, list);
  }
  return byCase;
}

/**
 * Records matching a WHERE clause over case_records (bind parameters only), each with its actions;
 * with a converter, the personal facts are decrypted too (a few at a time: the codec is cheap, the data keys cached).
 */
export async function readCaseRecords(db: Database, where: string, values: unknown[], converter?: LoadedDataConverter): Promise<StoredCaseRecord[]> {
  const { rows } = await db.query<CaseRecordRow>(`SELECT * FROM case_records WHERE ${where} ORDER BY case_id`, values);
  const actions = await withActions(db, rows);
  return Promise.all(rows.map(async (row) => recordOfRow(row, converter ? await openPersonalFacts(converter, row.personal) : null, actions.get(row.case_id) ?? [])));
}

/** One case's record, or undefined when the store has none. */
export async function readCaseRecord(db: Database, caseId: string, converter?: LoadedDataConverter): Promise<StoredCaseRecord | undefined> {
  return (await readCaseRecords(db, 'case_id = $1', [caseId], converter))[0];
}

/** The cases a SafeLives return for a period starting at `from` may count: heard or received since then, on the meeting route. */
export function readSafeLivesRecords(db: Database, converter: LoadedDataConverter, from: string, opts: { profile?: string } = {}): Promise<StoredCaseRecord[]> {
  return readCaseRecords(
    db,
    `route = 'hrda' AND (heard_at >= $1 OR received_at >= $1)${opts.profile ? ' AND profile = $2' : ''}`,
    opts.profile ? [from, opts.profile] : [from],
    converter,
  );
}

/** A MASH profile's cases open at some time since `from` (received since, or not closed before it). */
export function readMashRecords(db: Database, profileId: string, from: string): Promise<StoredCaseRecord[]> {
  return readCaseRecords(db, `profile = $1 AND mash IS NOT NULL AND (status = 'running' OR closed_at IS NULL OR closed_at >= $2 OR received_at >= $2)`, [profileId, from]);
}

/**
 * The cases a dashboard for a period starting at `from` reads: on the meeting route, and heard,
 * received or closed since then — or still running, for their overdue actions.
 */
export function readDashboardRecords(db: Database, converter: LoadedDataConverter, from: string, opts: { profile?: string } = {}): Promise<StoredCaseRecord[]> {
  return readCaseRecords(
    db,
    `route = 'hrda' AND (status = 'running' OR heard_at >= $1 OR received_at >= $1 OR closed_at >= $1)${opts.profile ? ' AND profile = $2' : ''}`,
    opts.profile ? [from, opts.profile] : [from],
    converter,
  );
}
