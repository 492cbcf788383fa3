import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir } from './paths';

/** The superuser every PostgreSQL cluster of ours is initialised with (scripts/postgres.ts). */
export const localSuperuser = 'hrda';

/** A loopback URL for the superuser on a local server. */
export const localSuperuserUrl = (password: string, port: number, database: string): string =>
  `postgres://${localSuperuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/** The embedded server's password file, beside its cluster in .data (0600, written by scripts/postgres.ts). */
export const embeddedPasswordFile = (): string => path.join(dataDir, 'postgres.password');

/**
 * The URL of the embedded default's database (the service's `hrda` database on the server `hrda start`
 * runs), for the CLI and other processes beside the service; undefined when it was never initialised.
 */
export function embeddedDatabaseUrl(port: number, database = 'hrda'): string | undefined {
  let password: string;
  try {
    password = readFileSync(embeddedPasswordFile(), 'utf8').trim();
  } catch {
    return undefined;
  }
  return localSuperuserUrl(password, port, database);
}
