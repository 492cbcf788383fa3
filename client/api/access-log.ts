import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { agencyIdSchema } from '../../domain/actor';
import { apiRoleSchema } from '../../domain/auth';
import { instantSchema } from '../../domain/time';
import type { Database } from '../../store/database';
import { purposeOf } from './auth';
import { canonicalJson } from './idempotency';

/**
 * The consultation and disclosure log (Data Protection Act 2018 s62): who read or was shown
 * which case, when, through which route, and why, appended before the response leaves; and the
 * requests refused on a case (security events). Auditors read it through GET /access-log.
 */
export const accessLogEntrySchema = z.object({
  at: instantSchema,
  sub: z.string(),
  role: apiRoleSchema.optional().meta({ description: 'Absent only on a refused request that carried no valid token.' }),
  agency: agencyIdSchema.optional(),
  caseId: z.string(),
  action: z.enum(['read', 'list', 'write', 'decode', 'disclose', 'refused']).meta({ description: 'refused: a security event, a request on the case refused (status 401, 403 or 404), nothing disclosed; read: a case or its timeline (through the API, or the CLI as `cli:<OS user>`); list: the case appeared in a list; write: the case was returned after a change; decode: payloads were decrypted by the codec server (the Temporal Web UI), caseId being the case they name or "unidentified"; disclose: the case was exported for a third party under the chair\'s consent (consentId).' }),
  route: z.string().meta({ description: 'Method and route template, e.g. "GET /cases/:caseId".' }),
  view: z.enum(['full', 'skeleton']).meta({ description: 'skeleton: without personal data (ops).' }),
  purpose: z.string(),
  requestId: z.string(),
  status: z.number().int().optional().meta({ description: 'refused: the status the request was answered with.' }),
  payloads: z.number().int().min(0).optional().meta({ description: 'decode: how many payloads the request decrypted.' }),
  consentId: z.string().optional().meta({ description: "disclose: the chair's recorded consent the export was made under (the case's timeline names its recipient, purpose and scope)." }),
  restricted: z.literal(true).optional().meta({ description: 'The case is restricted to a need-to-know list (honour-based violence, forced marriage, or a chair\'s decision).' }),
});
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;

/** What a handler disclosed; the onSend hook writes it to the log when the response succeeds. */
export interface Disclosure {
  action: AccessLogEntry['action'];
  caseIds: string[];
  view: AccessLogEntry['view'];
  /** Used when the caller stated none (writes state theirs by what they do). */
  defaultPurpose?: string;
  /** disclose: the consent the export was made under. */
  consentId?: string;
  /** Of caseIds, those restricted to a need-to-know list: their entries say so, for auditors to review. */
  restrictedCaseIds?: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    disclosure: Disclosure | null;
  }
}

/** The hash the chain starts from: SHA-256 of nothing (as the migration seeds access_log_head). */
export const accessLogGenesis = createHash('sha256').digest('hex');

/** An entry's link in the chain: its sequence number, its content and the link before it. */
export function accessLogHash(prevHash: string, seq: number, entry: AccessLogEntry): string {
  return createHash('sha256').update(`${prevHash}\n${seq}\n${canonicalJson(entry)}`, 'utf8').digest('hex');
}

/**
 * The log in the store (table access_log), shared by every API process and the CLI: append-only
 * (a trigger refuses UPDATE and DELETE) and hash-chained, each entry carrying the hash of the one
 * before, so that `hrda audit verify-log` finds an entry edited or deleted behind the service's back.
 * Appends are serialised by a row lock on access_log_head, in the transaction that writes them.
 */
export class AccessLog {
  constructor(private readonly db: Database) {}

  /** Appends in order, all or nothing; a failed append fails the request that needed it. */
  async record(entries: AccessLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const checked = entries.map((e) => accessLogEntrySchema.parse(e));
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      const { rows: [head] } = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM access_log_head FOR UPDATE');
      let seq = Number(head!.seq);
      let hash = head!.hash;
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (const entry of checked) {
        const prev = hash;
        seq += 1;
        hash = accessLogHash(prev, seq, entry);
        const i = values.length;
        tuples.push(`($${i + 1}, $${i + 2}, $${i + 3}, $${i + 4}, $${i + 5}, $${i + 6})`);
        values.push(seq, entry.at, entry.caseId, JSON.stringify(entry), prev, hash);
      }
      await client.query(`INSERT INTO access_log (seq, at, case_id, entry, prev_hash, hash) VALUES ${tuples.join(', ')}`, values);
      await client.query('UPDATE access_log_head SET seq = $1, hash = $2', [seq, hash]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** The most recent `limit` entries, oldest first, optionally for one case. */
  async read(filter: { caseId?: string; limit: number }): Promise<AccessLogEntry[]> {
    const limit = Math.min(filter.limit, Number.MAX_SAFE_INTEGER);
    const { rows } = filter.caseId
      ? await this.db.query<{ entry: AccessLogEntry }>('SELECT entry FROM access_log WHERE case_id = $1 ORDER BY seq DESC LIMIT $2', [filter.caseId, limit])
      : await this.db.query<{ entry: AccessLogEntry }>('SELECT entry FROM access_log ORDER BY seq DESC LIMIT $1', [limit]);
    return rows.reverse().flatMap((r) => {
      const entry = accessLogEntrySchema.safeParse(r.entry);
      return entry.success ? [entry.data] : [];
    });
  }
}

export function installAccessLogging(app: FastifyInstance, log: AccessLog, now: () => Date = () => new Date()): void {
  app.decorateRequest('disclosure', null);
  app.addHook('onSend', async (req, reply, payload) => {
    const d = req.disclosure;
    if (!d || !req.principal || reply.statusCode >= 300) return payload;
    const { sub, role, agency } = req.principal;
    const purpose = purposeOf(req) ?? d.defaultPurpose ?? (role === 'auditor' ? 'audit' : 'unstated');
    const at = now().toISOString();
    await log.record(d.caseIds.map((caseId) => ({
      at, sub, role, ...(agency ? { agency } : {}), caseId, action: d.action,
      route: `${req.method} ${req.routeOptions.url}`, view: d.view, purpose, requestId: req.id,
      ...(d.consentId ? { consentId: d.consentId } : {}),
      ...(d.restrictedCaseIds?.includes(caseId) ? { restricted: true as const } : {}),
    })));
    return payload;
  });
}

/** The statuses of a refused request on a case, logged as security events. */
const refusedStatuses = new Set([401, 403, 404]);

/**
 * A request on a case (a route with :caseId) refused 401, 403 or 404: who tried, which case ID,
 * which route. Written once the answer has left (a refusal discloses nothing, and must not wait for
 * the store); a failure to write it is logged by name, without the request's data.
 */
export function installSecurityEventLogging(app: FastifyInstance, log: AccessLog, now: () => Date = () => new Date()): void {
  app.addHook('onResponse', async (req, reply) => {
    if (!refusedStatuses.has(reply.statusCode) || !req.routeOptions.url?.includes(':caseId')) return;
    const caseId = (req.params as { caseId?: unknown } | undefined)?.caseId;
    if (typeof caseId !== 'string' || caseId.length === 0 || caseId.length > 200) return;
    const principal = req.principal ?? undefined;
    const entry: AccessLogEntry = {
      at: now().toISOString(), sub: principal?.sub ?? 'unauthenticated', ...(principal ? { role: principal.role } : {}),
      ...(principal?.agency ? { agency: principal.agency } : {}), caseId, action: 'refused', status: reply.statusCode,
      route: `${req.method} ${req.routeOptions.url}`, view: 'skeleton', purpose: (principal ? purposeOf(req) : undefined) ?? 'unstated', requestId: req.id,
    };
    await log.record([entry]).catch((err: Error) => req.log.error({ err: { type: err.name }, requestId: req.id }, 'could not log a refused request'));
  });
}
