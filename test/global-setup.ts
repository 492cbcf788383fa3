import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../scripts/dev-server';
import { startLocalPostgres } from '../scripts/postgres';
import { ensureTemporalCli } from '../scripts/temporal-cli';
import { ensureTestServer } from '../scripts/test-server';

/**
 * Provisions both Temporal servers once per run (a no-op when they are already built), so that
 * `npm test` works on a fresh machine and test files only start them; and starts one real
 * PostgreSQL server for the run, on which each test file creates databases of its own
 * (test/support/database.ts).
 */
export default async function setup(project: TestProject) {
  const log = (line: string) => console.error(`[provision] ${line}`);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'hrda-test-postgres-'));
  const [temporalCli, testServer, postgres] = await Promise.all([
    ensureTemporalCli({ log }),
    ensureTestServer({ log }),
    freePort().then((port) => startLocalPostgres({ dataDir: path.join(folder, 'data'), passwordFile: path.join(folder, 'password'), port, ephemeral: true, log })),
  ]);
  project.provide('temporalCli', temporalCli);
  project.provide('testServer', testServer);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  return async () => {
    await postgres.stop();
    await rm(folder, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCli: string;
    testServer: string;
    /** The superuser's URL on the run's PostgreSQL server (database `postgres`). */
    postgresAdminUrl: string;
  }
}
