import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { ensureDatabase, migrateDatabase, openDatabase, type Database } from '../../store/database';

export interface TestDatabase {
  /** A URL for this database alone, as HRDA_DATABASE_URL would give it. */
  url: string;
  db: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A database of the test's own on the run's real PostgreSQL server (test/global-setup.ts), migrated
 * from empty as the service does at start-up: test files run in parallel and never share one.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `hrda_test_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  if (opts.migrate !== false) await migrateDatabase(url);
  const db = openDatabase(url, { applicationName: 'hrda-test' });
  return {
    url,
    db,
    drop: async () => {
      await db.end();
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
