import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { agencyIdSchema } from '../../domain/actor';
import { apiRoleSchema } from '../../domain/auth';
import { instantSchema } from '../../domain/time';
import { purposeOf } from './auth';

/**
 * The consultation and disclosure log (Data Protection Act 2018 s62): who read or was shown
 * which case, when, through which route, and why. One JSON object per line, appended before
 * the response leaves; auditors read it through GET /access-log.
 */
export const accessLogEntrySchema = z.object({
  at: instantSchema,
  sub: z.string(),
  role: apiRoleSchema,
  agency: agencyIdSchema.optional(),
  caseId: z.string(),
  action: z.enum(['read', 'list', 'write', 'decode', 'disclose']).meta({ description: 'read: a case or its timeline; list: the case appeared in a list; write: the case was returned after a change; decode: payloads were decrypted by the codec server (the Temporal Web UI), caseId being the case they name or "unidentified"; disclose: the case was exported for a third party under the chair\'s consent (consentId).' }),
  route: z.string().meta({ description: 'Method and route template, e.g. "GET /cases/:caseId".' }),
  view: z.enum(['full', 'skeleton']).meta({ description: 'skeleton: without personal data (ops).' }),
  purpose: z.string(),
  requestId: z.string(),
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

export const accessLogFileName = 'access-log.jsonl';

export class AccessLog {
  readonly file: string;
  private tail: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.file = path.join(dir, accessLogFileName);
  }

  /** Appends in order; a failed append fails the request that needed it. */
  record(entries: AccessLogEntry[]): Promise<void> {
    if (entries.length === 0) return this.tail;
    const lines = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const write = this.tail.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, lines, { encoding: 'utf8', mode: 0o600 });
    });
    this.tail = write.catch(() => {});
    return write;
  }

  /** The most recent `limit` entries, oldest first, optionally for one case. */
  async read(filter: { caseId?: string; limit: number }): Promise<AccessLogEntry[]> {
    await this.tail;
    const found: AccessLogEntry[] = [];
    const stream = createReadStream(this.file, { encoding: 'utf8' });
    try {
      await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const entry = accessLogEntrySchema.safeParse(JSON.parse(line));
      if (!entry.success || (filter.caseId && entry.data.caseId !== filter.caseId)) continue;
      found.push(entry.data);
      if (found.length > filter.limit) found.shift();
    }
    return found;
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
