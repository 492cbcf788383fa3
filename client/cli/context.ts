import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ConfigError, parseConfig, temporalAddress, type Config } from '../../domain/config';
import { InvalidInputError, RefusedError } from '../cases';
import { embeddedDatabaseUrl } from '../../scripts/postgres';
import { openDatabase, type Database } from '../../store/database';
import { connectClient } from '../temporal';
import { CliError, type CliIo } from './output';

/** What a command that needs only the store runs with: the configuration, the store, and where to write. */
export interface StoreContext {
  config: Config;
  /** The service's store (PostgreSQL): the access log, data keys, restrictions. */
  db: Database;
  io: CliIo;
}

/** What a command runs with: the store's context, a Temporal client, and why (`--purpose`) when it reads personal data. */
export interface CommandContext extends StoreContext {
  client: Client;
  /** The purpose stated with `--purpose`, written to the access log with each read of personal data. */
  purpose?: string;
}

function configFrom(env: NodeJS.ProcessEnv): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * The store the configuration names: HRDA_DATABASE_URL, or the embedded server `hrda start` runs.
 * A pool connects on its first query, so a command that never needs the store never touches it.
 */
export function openCliDatabase(config: Config): Database {
  const url = config.HRDA_DATABASE_URL ?? embeddedDatabaseUrl(config.HRDA_POSTGRES_PORT);
  if (!url) throw new CliError('No store to read: the embedded PostgreSQL was never started here (`hrda start` starts it), and HRDA_DATABASE_URL is not set.');
  return openDatabase(url, { max: 2, applicationName: 'hrda-cli' });
}

/** Reads the configuration, opens the store, runs, closes it: for commands that do not need Temporal. */
export async function withStore<T>(io: CliIo, fn: (ctx: StoreContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const config = configFrom(env);
  const db = openCliDatabase(config);
  try {
    return await fn({ config, db, io });
  } catch (err) {
    throw explain(err, config);
  } finally {
    await db.end();
  }
}

/** Reads the configuration (the embedded default when nothing is set), connects, runs, disconnects. */
export async function withTemporal<T>(io: CliIo, fn: (ctx: CommandContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env, extra: { purpose?: string } = {}): Promise<T> {
  const config = configFrom(env);
  const db = openCliDatabase(config);
  let client: Client;
  try {
    client = await connectClient(config, db);
  } catch (err) {
    throw new CliError(
      `Cannot reach the Temporal server at ${temporalAddress(config)} (namespace ${config.TEMPORAL_NAMESPACE}): ${(err as Error).message}\n`
        + 'Start the service with `hrda start`, or set TEMPORAL_ADDRESS (and TLS settings) for your cluster.',
    );
  }
  try {
    return await fn({ config, client, db, io, ...(extra.purpose ? { purpose: extra.purpose } : {}) });
  } catch (err) {
    throw explain(err, config);
  } finally {
    await client.connection.close();
    await db.end();
  }
}

/** Errors as the person at the terminal can act on them. */
export function explain(err: unknown, config?: Config): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof WorkflowNotFoundError) {
    const id = err.workflowId?.replace(/^case-/, '') ?? '(unknown)';
    return new CliError(`No case ${id} in namespace ${config?.TEMPORAL_NAMESPACE ?? '(configured)'} (workflow ${err.workflowId}). \`hrda case list\` shows the cases there.`);
  }
  if (err instanceof InvalidInputError || err instanceof RefusedError) return new CliError(err.message);
  return err;
}
