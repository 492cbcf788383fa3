import { randomUUID } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { PoolClient } from 'pg';
import type { Actor } from '../../domain/actor';
import type { LegalHold } from '../../domain/legal-hold';
import { PersonalDataDestroyedError, type DestructionGuard } from '../../worker/codec';
import type { Database } from '../database';

/** Placing or lifting a hold was refused: why, in a word the API maps to a status, and in a sentence. */
export class HoldRefusedError extends Error {
  override name = 'HoldRefusedError';
  constructor(readonly refusal: 'already-held' | 'not-held' | 'destroyed', message: string) {
    super(message);
  }
}

/** A hold as the store keeps it: the subject's keyed hash beside what the contract shows. */
export type StoredHold = LegalHold & { subjectKey: string };

/** Shown where a reason was sealed under a key that has since been destroyed. */
export const destroyedReason = '(destroyed with the case’s personal data)';

interface Row {
  hold_id: string; case_id: string; subject_key: string; placed_at: Date; placed_by: Actor; reason: Sealed;
  lifted_at: Date | null; lifted_by: Actor | null; lift_reason: Sealed | null;
}
/** An encrypted payload as JSON (metadata and data in base64), as idempotency records keep theirs. */
interface Sealed { metadata: Record<string, string>; data: string }

/**
 * The legal holds (table legal_holds). Placing a hold and the retention's destruction of data keys
 * (`guard`) take the same advisory locks — the case's and the subject's, always in the same order —
 * so they are serialised: a hold committed first is seen by the destruction, which then destroys
 * nothing; a destruction committed first leaves a tombstone the hold sees, and the hold is refused
 * as too late. Whatever the timing, a hold never exists beside a destroyed key.
 */
export class LegalHolds {
  constructor(
    private readonly db: Database,
    /** The payload codec with per-case keys: reasons are sealed under the case's data key. */
    private readonly codec: PayloadCodec,
  ) {}

  async place(req: { caseId: string; subjectKey: string; at: string; by: Actor; reason: string; holdId?: string }): Promise<StoredHold> {
    const sealed = await this.seal(req.caseId, req.reason);
    const holdId = req.holdId ?? randomUUID();
    await this.inTransaction(async (tx) => {
      await lockHolds(tx, [req.caseId], req.subjectKey);
      const { rows: [tombstone] } = await tx.query<{ destroyed_at: Date }>(
        'SELECT destroyed_at FROM data_key_tombstones WHERE scope = $1 ORDER BY generation DESC LIMIT 1', [`case:${req.caseId}`],
      );
      if (tombstone) throw new HoldRefusedError('destroyed', `case ${req.caseId}: its personal data was destroyed on ${tombstone.destroyed_at.toISOString()}; there is nothing left to hold`);
      const { rows: [held] } = await tx.query<{ placed_at: Date }>('SELECT placed_at FROM legal_holds WHERE case_id = $1 AND lifted_at IS NULL', [req.caseId]);
      if (held) throw new HoldRefusedError('already-held', `case ${req.caseId} is already on hold (since ${held.placed_at.toISOString()}); lift that hold first to place another`);
      await tx.query(
        'INSERT INTO legal_holds (hold_id, case_id, subject_key, placed_at, placed_by, reason) VALUES ($1, $2, $3, $4, $5, $6)',
        [holdId, req.caseId, req.subjectKey, req.at, JSON.stringify(req.by), JSON.stringify(sealed)],
      );
    });
    return { holdId, caseId: req.caseId, subjectKey: req.subjectKey, placedAt: new Date(req.at).toISOString(), placedBy: req.by, reason: req.reason };
  }

  async lift(req: { caseId: string; at: string; by: Actor; reason: string }): Promise<StoredHold> {
    const sealed = await this.seal(req.caseId, req.reason);
    const row = await this.inTransaction(async (tx) => {
      const { rows: [inPlace] } = await tx.query<{ subject_key: string }>('SELECT subject_key FROM legal_holds WHERE case_id = $1 AND lifted_at IS NULL', [req.caseId]);
      if (!inPlace) throw new HoldRefusedError('not-held', `case ${req.caseId} has no legal hold in place`);
      await lockHolds(tx, [req.caseId], inPlace.subject_key);
      const { rows: [lifted] } = await tx.query<Row>(
        'UPDATE legal_holds SET lifted_at = $2, lifted_by = $3, lift_reason = $4 WHERE case_id = $1 AND lifted_at IS NULL RETURNING *',
        [req.caseId, req.at, JSON.stringify(req.by), JSON.stringify(sealed)],
      );
      if (!lifted) throw new HoldRefusedError('not-held', `case ${req.caseId} has no legal hold in place`);
      return lifted;
    });
    return this.toHold(row);
  }

  /** Every hold of a case, placed and lifted, oldest first, reasons unsealed. */
  async ofCase(caseId: string): Promise<StoredHold[]> {
    const { rows } = await this.db.query<Row>('SELECT * FROM legal_holds WHERE case_id = $1 ORDER BY placed_at, hold_id', [caseId]);
    return Promise.all(rows.map((r) => this.toHold(r)));
  }

  /** The hold in place on a case, if any. */
  async inPlace(caseId: string): Promise<StoredHold | undefined> {
    return (await this.ofCase(caseId)).find((h) => !h.lifted);
  }

  private async inTransaction<T>(body: (tx: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  private async seal(caseId: string, text: string): Promise<Sealed> {
    const [sealed] = await this.codec.encode([{ metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.from(text, 'utf8') }], { type: 'workflow', namespace: '', workflowId: `case-${caseId}` });
    return {
      metadata: Object.fromEntries(Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(sealed!.data ?? new Uint8Array()).toString('base64'),
    };
  }

  private async unseal(sealed: Sealed): Promise<string> {
    const payload: Payload = {
      metadata: Object.fromEntries(Object.entries(sealed.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
      data: Buffer.from(sealed.data, 'base64'),
    };
    try {
      const [plain] = await this.codec.decode([payload]);
      return Buffer.from(plain!.data ?? new Uint8Array()).toString('utf8');
    } catch (err) {
      if (err instanceof PersonalDataDestroyedError) return destroyedReason;
      throw err;
    }
  }

  private async toHold(r: Row): Promise<StoredHold> {
    return {
      holdId: r.hold_id, caseId: r.case_id, subjectKey: r.subject_key, placedAt: r.placed_at.toISOString(), placedBy: r.placed_by, reason: await this.unseal(r.reason),
      ...(r.lifted_at && r.lifted_by && r.lift_reason ? { lifted: { at: r.lifted_at.toISOString(), by: r.lifted_by, reason: await this.unseal(r.lift_reason) } } : {}),
    };
  }
}

/**
 * The holds' advisory locks of some cases and their subject, taken in one order (sorted names) by
 * everyone, so two transactions never wait on each other in a cycle.
 */
async function lockHolds(tx: Pick<PoolClient, 'query'>, caseIds: readonly string[], subjectKey: string): Promise<void> {
  const names = [...new Set([...caseIds.map((id) => `legal-hold:case:${id}`), `legal-hold:subject:${subjectKey}`])].sort();
  for (const name of names) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
}

/**
 * The guard the retention's destruction runs inside its transaction: takes the holds' locks of the
 * subject and its cases and names each hold in place on any of them (opaque IDs only). It needs no
 * codec, so every process that can destroy keys checks holds, whatever else it was given.
 */
export function legalHoldGuard(subjectKey: string, caseIds: readonly string[]): DestructionGuard {
  return async (tx) => {
    await lockHolds(tx, caseIds, subjectKey);
    const { rows } = await tx.query<{ hold_id: string; case_id: string }>(
      'SELECT hold_id, case_id FROM legal_holds WHERE lifted_at IS NULL AND (subject_key = $1 OR case_id = ANY($2::text[])) ORDER BY placed_at',
      [subjectKey, [...caseIds]],
    );
    return rows.map((r) => `hold ${r.hold_id} on case ${r.case_id}`);
  };
}
