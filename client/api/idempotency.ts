import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { PersonalDataDestroyedError } from '../../worker/codec';
import type { Database } from '../../store/database';
import { z } from 'zod';
import type { Disclosure } from './access-log';
import { principalOf } from './auth';
import { ProblemError } from './problem';

/**
 * `Idempotency-Key` on every write, so that a retry never creates a second case or a second
 * action. A submission's case ID is derived from the caller and the key (the case workflow is
 * started with USE_EXISTING, so the same key finds the same case, even after a restart); other
 * writes are remembered here, and the case itself refuses a second matrix with the same action IDs.
 */
export const idempotencyKeyHeader = 'idempotency-key';
export const idempotencyKeySchema = z
  .string()
  .min(8, 'at least 8 characters (a UUID is a good key)')
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .meta({ description: 'Makes the write safe to retry: the same key from the same caller returns the first response (with Idempotent-Replayed: true) and changes nothing again.' });

/** Namespace of the case IDs derived from idempotency keys (RFC 9562 §5.5, UUIDv5). */
const caseIdNamespace = Buffer.from('b33ac1849f7245b08d6897e175733908', 'hex');

export function caseIdForKey(sub: string, key: string): string {
  const hash = createHash('sha1').update(caseIdNamespace).update(`${sub}|${key}`, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  payload: string;
  disclosure: Disclosure | null;
}

export type Begin = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' } | { kind: 'in-progress' };

/** What a `done` row holds: the body sealed (it may carry personal data), the rest in clear. */
interface StoredRow {
  status: number;
  headers: Record<string, string>;
  disclosure: Disclosure | null;
  /** The body as an encrypted Temporal payload (protobuf JSON's shape: metadata and data in base64). */
  sealed: { metadata: Record<string, string>; data: string };
}

/**
 * The idempotency records of every write, in the store (table idempotency_records), so every API
 * process sees the same ones and a restart forgets nothing. A (caller, key) is claimed by one INSERT:
 * the process whose INSERT lands performs the write; any other request with the key meanwhile gets
 * `in-progress` (the API answers 409 idempotency-key-in-use with Retry-After: 1) and, once the first
 * finished, `replay` of its stored response, or `mismatch` (422) if its request differs.
 *
 * A claim whose process died mid-write is taken over after `leaseMs`: a case's own writes are
 * idempotent as well (a submission's case ID derives from the key), so the second attempt finds
 * what the first did. The stored body is sealed under the case's data key (the key ring when it
 * names no case): destroying the case's key destroys it too.
 */
export class IdempotencyStore {
  private readonly ttlMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Database,
    private readonly codec: PayloadCodec,
    opts: { ttlMs?: number; leaseMs?: number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000;
    this.leaseMs = opts.leaseMs ?? 60_000;
  }

  /** The scope as stored: a hash, so the caller's key itself is not kept. */
  static scopeOf(sub: string, key: string): string {
    return createHash('sha256').update(`${sub}\n${key}`, 'utf8').digest('base64url');
  }

  async begin(scope: string, fingerprint: string): Promise<Begin> {
    // Claimed if new, expired, or a pending claim whose lease ran out; otherwise the row as it stands.
    const claimed = await this.db.query(
      `INSERT INTO idempotency_records AS r (scope, fingerprint, state, claimed_at, expires_at)
       VALUES ($1, $2, 'pending', now(), now() + $3 * interval '1 millisecond')
       ON CONFLICT (scope) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, state = 'pending', response = NULL,
         claimed_at = now(), expires_at = EXCLUDED.expires_at
       WHERE r.expires_at < now() OR (r.state = 'pending' AND r.fingerprint = EXCLUDED.fingerprint AND r.claimed_at < now() - $4 * interval '1 millisecond')
       RETURNING scope`,
      [scope, fingerprint, this.ttlMs, this.leaseMs],
    );
    if (claimed.rowCount) return { kind: 'new' };
    const { rows } = await this.db.query<{ fingerprint: string; state: 'pending' | 'done'; response: StoredRow | null }>(
      'SELECT fingerprint, state, response FROM idempotency_records WHERE scope = $1', [scope],
    );
    const row = rows[0];
    // Deleted between the two statements (abandoned by the process that held it): try again.
    if (!row) return this.begin(scope, fingerprint);
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state === 'pending' || !row.response) return { kind: 'in-progress' };
    const { sealed, ...rest } = row.response;
    let plain: Payload | undefined;
    try {
      [plain] = await this.codec.decode([{
        metadata: Object.fromEntries(Object.entries(sealed.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(sealed.data, 'base64'),
      }]);
    } catch (err) {
      if (!(err instanceof PersonalDataDestroyedError)) throw err;
      // The case's data key was destroyed: the response is gone with it. The write runs again and the
      // route answers as for a key whose case was retired (410).
      await this.db.query(`DELETE FROM idempotency_records WHERE scope = $1 AND state = 'done'`, [scope]);
      return this.begin(scope, fingerprint);
    }
    return { kind: 'replay', response: { ...rest, payload: Buffer.from(plain!.data ?? new Uint8Array()).toString('utf8') } };
  }

  async complete(scope: string, fingerprint: string, response: StoredResponse): Promise<void> {
    const { payload, ...rest } = response;
    const caseId = response.disclosure?.caseIds.length === 1 ? response.disclosure.caseIds[0] : undefined;
    const context = caseId ? { type: 'workflow' as const, namespace: '', workflowId: `case-${caseId}` } : undefined;
    const [sealed] = await this.codec.encode([{ metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.from(payload, 'utf8') }], context);
    const stored: StoredRow = {
      ...rest,
      sealed: {
        metadata: Object.fromEntries(Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(sealed!.data ?? new Uint8Array()).toString('base64'),
      },
    };
    await this.db.query(
      `UPDATE idempotency_records SET state = 'done', response = $3, expires_at = now() + $4 * interval '1 millisecond'
       WHERE scope = $1 AND fingerprint = $2`,
      [scope, fingerprint, JSON.stringify(stored), this.ttlMs],
    );
  }

  /** A failed write changed nothing: the key is free again. */
  async abandon(scope: string, fingerprint: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_records WHERE scope = $1 AND fingerprint = $2 AND state = 'pending'`, [scope, fingerprint]);
  }

  /** Removes records past their time (the start-up and an hourly sweep); returns how many. */
  async sweep(): Promise<number> {
    return (await this.db.query('DELETE FROM idempotency_records WHERE expires_at < now()')).rowCount ?? 0;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is a write that honours Idempotency-Key. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency: { scope: string; fingerprint: string; settled: boolean } | null;
  }
}

export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const value = req.headers[idempotencyKeyHeader];
  return Array.isArray(value) ? value[0] : value;
}

/** JSON with object keys sorted, so that the same request always has the same fingerprint. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const replayedHeaders = ['location', 'content-type'];

export function installIdempotency(app: FastifyInstance, store: IdempotencyStore): void {
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (req, reply) => {
    const key = idempotencyKeyOf(req);
    if (!req.routeOptions.config.idempotent || key === undefined) return;
    const scope = IdempotencyStore.scopeOf(principalOf(req).sub, key);
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ method: req.method, route: req.routeOptions.url, params: req.params, query: req.query, body: req.body }))
      .digest('base64url');
    const begun = await store.begin(scope, fingerprint);
    switch (begun.kind) {
      case 'mismatch':
        throw new ProblemError('idempotency-key-reused', 'This Idempotency-Key was already used for a different request; use a new key for a new request.');
      case 'in-progress':
        throw new ProblemError('idempotency-key-in-use', 'A request with this Idempotency-Key is still being processed; retry shortly.', undefined, { 'retry-after': '1' });
      case 'replay': {
        const { status, headers, payload, disclosure } = begun.response;
        req.disclosure = disclosure;
        // A replayed creation answers 200: nothing was created this time.
        reply.code(status === 201 ? 200 : status).headers(headers).header('idempotent-replayed', 'true');
        return reply.send(payload);
      }
      case 'new':
        req.idempotency = { scope, fingerprint, settled: false };
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const pending = req.idempotency;
    if (!pending || pending.settled) return payload;
    pending.settled = true;
    if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
      const headers = Object.fromEntries(replayedHeaders.flatMap((h) => {
        const v = reply.getHeader(h);
        return v === undefined ? [] : [[h, String(v)]];
      }));
      await store.complete(pending.scope, pending.fingerprint, { status: reply.statusCode, headers, payload, disclosure: req.disclosure });
    } else {
      // A failed write changed nothing: the same key may try again.
      await store.abandon(pending.scope, pending.fingerprint);
    }
    return payload;
  });

  app.addHook('onResponse', async (req) => {
    if (req.idempotency && !req.idempotency.settled) await store.abandon(req.idempotency.scope, req.idempotency.fingerprint).catch(() => {});
  });
}
