import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLog, accessLogHash, type AccessLogEntry } from '../../client/api/access-log';
import { verifyAccessLog } from '../../client/audit/verify-log';
import { auditVerifyLog } from '../../client/cli/commands/audit';
import { parseConfig } from '../../domain/config';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** The access log on real PostgreSQL: a hash chain that an edited or deleted row breaks. */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const entry = (caseId: string, n: number): AccessLogEntry => ({
  at: new Date(Date.UTC(2026, 11, 7, 10, 0, n)).toISOString(), sub: `jo-${n}`, role: 'chair', caseId, action: 'read',
  route: 'GET /cases/:caseId', view: 'full', purpose: 'meeting preparation', requestId: `req-${n}`,
});

/** As someone with the database's superuser password would, behind the service's back (the trigger refuses the service). */
async function tamper(db: TestDatabase, sql: string, params: unknown[] = []): Promise<void> {
  const client = await db.db.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL session_replication_role = 'replica'");
    await client.query(sql, params);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function verifyThroughCli(db: TestDatabase): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await auditVerifyLog({ config: parseConfig({}), db: db.db, io: { out: (t) => void out.push(t), err: () => undefined, errIsTTY: false } });
  return { code, out: out.join('\n') };
}

describe('the access log in the store', () => {
  it('chains appends from several processes at once, and reads them back in order', async () => {
    const logs = [new AccessLog(database.db), new AccessLog(database.db), new AccessLog(database.db)];
    await Promise.all(Array.from({ length: 30 }, (_, n) => logs[n % 3]!.record([entry(`case-${n % 4}`, n), entry('case-x', n)])));
    const result = await verifyAccessLog(database.db);
    expect(result).toMatchObject({ ok: true, entries: 60, head: { seq: 60 }, problems: [] });
    const forCase = await logs[0]!.read({ caseId: 'case-1', limit: 100 });
    expect(forCase.map((e) => e.requestId).sort()).toEqual(['req-1', 'req-13', 'req-17', 'req-21', 'req-25', 'req-29', 'req-5', 'req-9']);
    expect(await logs[1]!.read({ limit: 2 })).toHaveLength(2);
    expect(await verifyThroughCli(database)).toEqual({ code: 0, out: expect.stringMatching(/^OK .* 60 entries are whole/) });
  });

  it('refuses updates and deletes from the service', async () => {
    await expect(database.db.query("UPDATE access_log SET entry = entry || '{\"purpose\":\"x\"}' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(database.db.query('DELETE FROM access_log WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  it('finds an edited row, naming it, and exits 1', async () => {
    await tamper(database, `UPDATE access_log SET entry = jsonb_set(entry, '{purpose}', '"nothing to see"') WHERE seq = 7`);
    const result = await verifyAccessLog(database.db);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([{ seq: 7, problem: 'entry 7 was edited: its content no longer matches its hash' }]);
    const cli = await verifyThroughCli(database);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('entry 7 was edited');
  });

  it('finds a row edited and rehashed by the one after it', async () => {
    const { rows: [row] } = await database.db.query<{ entry: AccessLogEntry; prev_hash: string }>('SELECT entry, prev_hash FROM access_log WHERE seq = 12');
    const forged = { ...row!.entry, sub: 'someone-else' };
    await tamper(database, 'UPDATE access_log SET entry = $1, hash = $2 WHERE seq = 12', [JSON.stringify(forged), accessLogHash(row!.prev_hash, 12, forged)]);
    const { problems } = await verifyAccessLog(database.db);
    expect(problems.map((p) => p.seq)).toEqual([7, 13]);
    expect(problems[1]!.problem).toMatch(/^entry 13 does not follow entry 12/);
  });

  it('finds a deleted row, and deleted last rows', async () => {
    await tamper(database, 'DELETE FROM access_log WHERE seq = 30');
    await tamper(database, 'DELETE FROM access_log WHERE seq >= 59');
    const { problems } = await verifyAccessLog(database.db);
    expect(problems.map((p) => p.problem)).toEqual([
      'entry 7 was edited: its content no longer matches its hash',
      expect.stringMatching(/^entry 13 does not follow entry 12/),
      'entry 30 is missing (deleted)',
      'entries 59–60, the last, are missing (deleted)',
    ]);
    const cli = await verifyThroughCli(database);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('entry 30 is missing (deleted)');
  });
});
