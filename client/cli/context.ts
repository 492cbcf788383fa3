import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ConfigError, parseConfig, temporalAddress, type Config } from '../../domain/config';
import { embeddedDatabaseUrl } from '../../scripts/postgres';
import { openDatabase, type Database } from '../../store/database';
import { InvalidInputError, RefusedError } from '../cases';
import { connectClient } from '../temporal';
import { CliError, type CliIo } from './output';

/** What a command runs with: the configuration from the environment, a Temporal client, and where to write. */
export interface CommandContext {
  config: Config;
  client: Client;
  io: CliIo;
  /**
   * The service's store (HRDA_DATABASE_URL, or the embedded server `hrda start` runs): where reads of
   * a case Temporal no longer has fall back to the archive. Absent when no store is configured.
   */
  db?: Database;
}

/** The store's pool for a command; it connects only when first queried. */
export function openCommandStore(config: Config): Database | undefined {
  const url = config.HRDA_DATABASE_URL ?? embeddedDatabaseUrl(config.HRDA_POSTGRES_PORT);
  return url ? openDatabase(url, { max: 2, applicationName: 'hrda-cli' }) : undefined;
}

/** Reads the configuration (the embedded default when nothing is set), connects, runs, disconnects. */
export async function withTemporal<T>(io: CliIo, fn: (ctx: CommandContext) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  let config: Config;
  try {
    config = parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (err) {
    throw new CliError(
      `Cannot reach the Temporal server at ${temporalAddress(config)} (namespace ${config.TEMPORAL_NAMESPACE}): ${(err as Error).message}\n`
        + 'Start the service with `hrda start`, or set TEMPORAL_ADDRESS (and TLS settings) for your cluster.',
    );
  }
  const db = openCommandStore(config);
  try {
    return await fn({ config, client, io, ...(db ? { db } : {}) });
  } catch (err) {
    throw explain(err, config);
  } finally {
    await client.connection.close();
    await db?.end();
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
  // The store (PostgreSQL) is read only when Temporal no longer has a case: say which one is unreachable.
  if (['ECONNREFUSED', '28P01', '3D000'].includes((err as { code?: string })?.code ?? '')) {
    return new CliError(`Cannot reach the store (${(err as Error).message}): set HRDA_DATABASE_URL, or start the service with \`hrda start\` for the embedded one.`);
  }
  return err;
}
