import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usesEmbeddedDatabase, type Config } from '../domain/config';
import { dataDir } from '../scripts/paths';

/**
 * The URL of the service's store for a client process (the CLI): HRDA_DATABASE_URL, or the embedded
 * server that `npm start` runs (its generated password beside its cluster in .data/). Undefined when
 * the embedded server was never initialised here.
 */
export async function storeUrl(config: Config): Promise<string | undefined> {
  if (!usesEmbeddedDatabase(config)) return config.HRDA_DATABASE_URL;
  const password = await readFile(path.join(dataDir, 'postgres.password'), 'utf8').catch(() => undefined);
  if (password === undefined) return undefined;
  return `postgres://hrda:${encodeURIComponent(password.trim())}@127.0.0.1:${config.HRDA_POSTGRES_PORT}/hrda`;
}
