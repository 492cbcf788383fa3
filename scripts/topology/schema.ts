import path from 'node:path';
import pg from 'pg';
import { run, type Log } from '../run';
import type { TemporalServerTools } from '../temporal-server';

/**
 * The Temporal server's databases on the deployment's PostgreSQL — the same server as the case
 * record, databases of their own: `temporal` (persistence) and `temporal_visibility` (SQL advanced
 * visibility, which holds the service's custom search attributes in its predefined columns). Both
 * belong to a `temporal` role that owns nothing else. Idempotent: the schema tool applies only the
 * versions a database does not have yet, so an upgraded server upgrades its schema on the next `up`.
 */
export const temporalDatabases = { persistence: 'temporal', visibility: 'temporal_visibility' } as const;
export const temporalDatabaseRole = 'temporal';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function setUpTemporalSchemas(opts: { adminUrl: string; host: string; port: number; password: string; tools: TemporalServerTools; log: Log }): Promise<void> {
  const ident = (s: string) => pg.escapeIdentifier(s);
  await withClient(opts.adminUrl, async (c) => {
    const role = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [temporalDatabaseRole]);
    // The password is a literal in DDL (no parameters there), quoted by the driver.
    const password = c.escapeLiteral(opts.password);
    if (role.rowCount === 0) await c.query(`CREATE ROLE ${ident(temporalDatabaseRole)} LOGIN PASSWORD ${password}`);
    else await c.query(`ALTER ROLE ${ident(temporalDatabaseRole)} LOGIN PASSWORD ${password}`);
    for (const db of Object.values(temporalDatabases)) {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (exists.rowCount === 0) {
        opts.log(`Creating database ${db}…`);
        await c.query(`CREATE DATABASE ${ident(db)} OWNER ${ident(temporalDatabaseRole)}`);
      }
    }
  });
  const common = ['--plugin', 'postgres12', '--endpoint', opts.host, '--port', String(opts.port), '--user', temporalDatabaseRole];
  // The password through the environment, not the command line other users can read in ps.
  const env = { ...process.env, SQL_PASSWORD: opts.password };
  for (const [kind, db] of [['temporal', temporalDatabases.persistence], ['visibility', temporalDatabases.visibility]] as const) {
    const initialised = await withClient(opts.adminUrl.replace(/\/[^/?]*(\?|$)/, `/${db}$1`), async (c) =>
      (await c.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")).rowCount === 1,
    );
    if (!initialised) await run(opts.tools.sqlTool, [...common, '--database', db, 'setup-schema', '-v', '0.0'], { env });
    await run(opts.tools.sqlTool, [...common, '--database', db, 'update-schema', '-d', path.join(opts.tools.schemaDir, kind, 'versioned')], { env, log: (l) => { if (/error|fail/i.test(l)) opts.log(`  sql: ${l}`); } });
  }
  opts.log('Temporal schemas are up to date (persistence and visibility).');
}
