import type { LoadedDataConverter } from '@temporalio/common';
import { disputePersonalFactsSchema, type DisputeRecord } from '../../domain/dispute-record';
import type { Database } from '../database';
import { openSealed, sealPersonalFacts } from './personal';

/**
 * Writes a dispute's record unless the store holds a later one (idempotent by its timeline's length),
 * its learning sealed under the case's data key (the case workflow's serialization context).
 */
export async function writeDisputeRecord(db: Database, converter: LoadedDataConverter, namespace: string, r: DisputeRecord, workflowId: string): Promise<boolean> {
  const personal = await sealPersonalFacts(converter, namespace, `case-${r.caseId}`, r.personal);
  const { rowCount } = await db.query(
    `INSERT INTO dispute_records (case_id, dispute_id, workflow_id, version, profile, area, parties, raised_at, status, stage, highest_stage, highest_step, resolved_at, time_to_resolution_ms, personal)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (case_id, dispute_id) DO UPDATE SET
       workflow_id = EXCLUDED.workflow_id, version = EXCLUDED.version, profile = EXCLUDED.profile, area = EXCLUDED.area, parties = EXCLUDED.parties,
       raised_at = EXCLUDED.raised_at, status = EXCLUDED.status, stage = EXCLUDED.stage, highest_stage = EXCLUDED.highest_stage, highest_step = EXCLUDED.highest_step,
       resolved_at = EXCLUDED.resolved_at, time_to_resolution_ms = EXCLUDED.time_to_resolution_ms, personal = EXCLUDED.personal, recorded_at = now()
     WHERE dispute_records.version <= EXCLUDED.version`,
    [r.caseId, r.disputeId, workflowId, r.version, r.profile, r.area, r.parties, r.raisedAt, r.status, r.stage, r.highestStage, r.highestStep, r.resolvedAt, r.timeToResolutionMs, personal],
  );
  return Boolean(rowCount);
}

/** Disputes raised in [from, to), the learning decrypted (null when the case's data key was destroyed). */
export async function readDisputeRecords(db: Database, converter: LoadedDataConverter, from: string, to: string): Promise<DisputeRecord[]> {
  const { rows } = await db.query<{
    case_id: string; dispute_id: string; version: number; profile: string; area: string; parties: string[]; raised_at: string; status: DisputeRecord['status'];
    stage: number; highest_stage: number; highest_step: string; resolved_at: string | null; time_to_resolution_ms: number | null; personal: Buffer;
  }>('SELECT * FROM dispute_records WHERE raised_at >= $1 AND raised_at < $2 ORDER BY raised_at, case_id, dispute_id', [from, to]);
  return Promise.all(rows.map(async (r) => {
    const sealed = await openSealed(converter, r.personal);
    return {
      caseId: r.case_id, disputeId: r.dispute_id, version: r.version, profile: r.profile, area: r.area, parties: r.parties, raisedAt: r.raised_at, status: r.status,
      stage: r.stage, highestStage: r.highest_stage, highestStep: r.highest_step, resolvedAt: r.resolved_at, timeToResolutionMs: r.time_to_resolution_ms,
      personal: sealed === null ? { learning: null } : disputePersonalFactsSchema.parse(sealed),
    };
  }));
}
