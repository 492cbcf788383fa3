import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, migrationsDir } from '../../store/database';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('the store schema (real PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('migrates up from an empty database, in file order, and a second run applies nothing', async () => {
    const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
    expect(files.length).toBeGreaterThan(0);
    const applied = await migrateDatabase(database.url);
    expect(applied).toEqual(files.map((f) => f.replace(/\.sql$/, '')));
    const { rows } = await database.db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY run_on, id');
    expect(rows.map((r) => r.name)).toEqual(applied);
    expect(await migrateDatabase(database.url)).toEqual([]);
  });

  it('two processes migrating at once apply each migration once', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const [a, b] = await Promise.all([migrateDatabase(fresh.url), migrateDatabase(fresh.url)]);
      expect([...a, ...b].sort()).toEqual([...new Set([...a, ...b])].sort());
      const { rows } = await fresh.db.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
      expect(Number(rows[0]!.n)).toBe(a.length + b.length);
    } finally {
      await fresh.drop();
    }
  });

  it('keeps one open ops alert per kind and subject', async () => {
    const raise = () => database.db.query(`INSERT INTO ops_alerts (kind, subject, detail) VALUES ('archive.replay-failed', 'wf-1', 'x') ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING`);
    await raise();
    await raise();
    const { rows } = await database.db.query<{ n: string }>(`SELECT count(*) AS n FROM ops_alerts WHERE subject = 'wf-1'`);
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
