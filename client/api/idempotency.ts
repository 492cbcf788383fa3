import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

type Entry = { fingerprint: string; expiresAt: number } & ({ state: 'pending' } | { state: 'done'; response: StoredResponse });
export type Begin = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' } | { kind: 'in-progress' };

/** A bounded, least-recently-used memory of completed writes, by (caller, key). */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  begin(scope: string, fingerprint: string): Begin {
    const entry = this.entries.get(scope);
    if (entry && entry.expiresAt > this.now()) {
      this.entries.delete(scope);
      this.entries.set(scope, entry);
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return entry.state === 'done' ? { kind: 'replay', response: entry.response } : { kind: 'in-progress' };
    }
    this.set(scope, { fingerprint, state: 'pending', expiresAt: this.now() + this.ttlMs });
    return { kind: 'new' };
  }

  complete(scope: string, fingerprint: string, response: StoredResponse): void {
    this.set(scope, { fingerprint, state: 'done', response, expiresAt: this.now() + this.ttlMs });
  }

  abandon(scope: string): void {
    if (this.entries.get(scope)?.state === 'pending') this.entries.delete(scope);
  }

  get size(): number {
    return this.entries.size;
  }

  private set(scope: string, entry: Entry): void {
    this.entries.delete(scope);
    this.entries.set(scope, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
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
    const scope = `${principalOf(req).sub}\n${key}`;
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ method: req.method, route: req.routeOptions.url, params: req.params, query: req.query, body: req.body }))
      .digest('base64url');
    const begun = store.begin(scope, fingerprint);
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
      store.complete(pending.scope, pending.fingerprint, { status: reply.statusCode, headers, payload, disclosure: req.disclosure });
    } else {
      // A failed write changed nothing: the same key may try again.
      store.abandon(pending.scope);
    }
    return payload;
  });

  app.addHook('onResponse', async (req) => {
    if (req.idempotency && !req.idempotency.settled) store.abandon(req.idempotency.scope);
  });
}
