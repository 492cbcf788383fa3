import { createHash, randomBytes } from 'node:crypto';
import { apiRoleSchema, type Principal } from '../../domain/auth';
import type { Database } from '../../store/database';

/**
 * The codec server's browser sessions, in the service's store (migration 0005): the cookie carries
 * a random reference, never the bearer token, and the store keeps only the reference's SHA-256. A
 * session ends when the token that opened it would have expired, or at sign-out, whichever is first;
 * any API process of the deployment finds it.
 */
export const maxSessionSeconds = 8 * 60 * 60;
/** 32 random bytes in base64url: what a reference looks like, checked before the store is asked. */
const referencePattern = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (reference: string) => createHash('sha256').update(reference).digest();

export interface CodecSession {
  reference: string;
  expiresAt: Date;
}

export class CodecSessions {
  constructor(private readonly db: Database) {}

  /** A new session for the principal, ending at the token's expiry or after maxSessionSeconds. */
  async open(principal: Principal, tokenExpiresAt: Date, now: Date): Promise<CodecSession> {
    const reference = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Math.min(tokenExpiresAt.getTime(), now.getTime() + maxSessionSeconds * 1000));
    // Sessions that ended are of no use to anyone: swept as new ones open.
    await this.db.query('DELETE FROM codec_sessions WHERE expires_at <= $1', [now]);
    await this.db.query('INSERT INTO codec_sessions (reference_sha256, sub, role, agency, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      sha256(reference), principal.sub, principal.role, principal.agency ?? null, expiresAt,
    ]);
    return { reference, expiresAt };
  }

  /** The principal of a session that has not ended, or nothing. */
  async find(reference: string, now: Date): Promise<Principal | undefined> {
    if (!referencePattern.test(reference)) return undefined;
    const { rows } = await this.db.query<{ sub: string; role: string; agency: string | null }>(
      'SELECT sub, role, agency FROM codec_sessions WHERE reference_sha256 = $1 AND expires_at > $2',
      [sha256(reference), now],
    );
    const row = rows[0];
    const role = apiRoleSchema.safeParse(row?.role).data;
    if (!row || !role) return undefined;
    return { sub: row.sub, role, ...(row.agency ? { agency: row.agency } : {}) };
  }

  async close(reference: string): Promise<void> {
    if (!referencePattern.test(reference)) return;
    await this.db.query('DELETE FROM codec_sessions WHERE reference_sha256 = $1', [sha256(reference)]);
  }
}
