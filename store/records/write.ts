import type { LoadedDataConverter } from '@temporalio/common';
import type { CaseRecord } from '../../domain/case-record';
import type { Database } from '../database';
import { recordColumns, recordValues } from './columns';
import { sealPersonalFacts } from './personal';

const placeholders = recordColumns.map((_, i) => `$${i + 1}`).join(', ');
const updates = recordColumns.filter((c) => c !== 'case_id').map((c) => `${c} = EXCLUDED.${c}`).join(', ');

/**
 * Writes a case's record unless the store already holds a later one: idempotent by the timeline's
 * length (`version`). The case workflow writes its records one at a time and in order, so a write of
 * the same version is the newer (a change that added no timeline entry, or the close); an activity
 * retried after a later write, or a rebuild racing the live case, is refused by the WHERE.
 * Returns whether the record was written. The record and its actions change in one transaction.
 */
export async function writeCaseRecord(db: Database, converter: LoadedDataConverter, namespace: string, record: CaseRecord, workflowId: string): Promise<boolean> {
  const personal = await sealPersonalFacts(converter, namespace, workflowId, record.personal);
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO case_records (${recordColumns.join(', ')}) VALUES (${placeholders})
       ON CONFLICT (case_id) DO UPDATE SET ${updates}, recorded_at = now() WHERE case_records.version <= EXCLUDED.version`,
      recordValues(record, workflowId, personal),
    );
    if (rowCount) {
      await client.query('DELETE FROM case_record_actions WHERE case_id = $1', [record.caseId]);
      if (record.actions.length) {
        await client.query(
          `INSERT INTO case_record_actions (case_id, action_id, owner, status, due_at, overdue)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])`,
          [record.caseId, ...(['id', 'owner', 'status', 'dueAt', 'overdue'] as const).map((k) => record.actions.map((a) => a[k]))],
        );
      }
    }
    await client.query('COMMIT');
    return Boolean(rowCount);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
