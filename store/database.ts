import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

/**
 * The service's own store (PostgreSQL): what must outlive Temporal's retention and be shared by every
 * API and worker process. One pool per process; every query goes through it.
 */
export type Database = pg.Pool;

export interface DatabaseOptions {
  /** Connections this process may hold (the API and the worker each have a pool). */
  max?: number;
  /** Name shown in pg_stat_activity, so an operator sees which process holds a connection. */
  applicationName?: string;
}

export function openDatabase(url: string, opts: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'hrda',
    // A store that does not answer must not hold a request for ever: the caller sees a 503 instead.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its connection (a restarted server) emits here; without a listener
  // the process would crash. The next query opens a new connection.
  pool.on('error', () => {});
  // A client checked out of the pool (a transaction, the archiver's advisory lock) has no such
  // listener while it is out: a server that goes away then would emit an 'error' nobody hears and
  // crash the process (seen in the store-outage test). The query in progress still fails with the
  // error, which is what the caller acts on; the pool then discards the broken client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** The versioned schema: SQL files in store/migrations, applied in the order of their numbers. */
export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies every migration not yet applied, in one transaction, under node-pg-migrate's advisory lock
 * (two processes starting at once apply each migration once). Returns the names applied.
 */
export async function migrateDatabase(url: string, log: (line: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl: { connectionString: url, application_name: 'hrda-migrate' },
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    checkOrder: true,
    singleTransaction: true,
    // A second process starting at the same moment waits for the first, then finds nothing to do.
    advisoryLockMode: 'wait',
    logger: { debug: () => {}, info: () => {}, warn: (m: string) => log(m), error: (m: string) => log(m) },
  });
  for (const m of applied) log(`Applied migration ${m.name}`);
  return applied.map((m) => m.name);
}

/**
 * Database `name` on the server `adminUrl` points at, dropped (with whatever is connected to it)
 * and created empty: for the sandbox, whose Temporal server starts empty too. Its URL.
 */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
  return ensureDatabase(adminUrl, name);
}

/**
 * The URL of database `name` on the server `adminUrl` points at, created if it does not exist yet
 * (the embedded server and the tests: a production database is created by its operators).
 */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } catch (err) {
        // Another process created it between our check and our CREATE.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
