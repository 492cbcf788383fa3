import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ConfigError, parseConfig, temporalAddress, type Config } from '../../domain/config';
import { InvalidInputError, RefusedError } from '../cases';
import { connectClient } from '../temporal';
import { CliError, type CliIo } from './output';
import { openDatabase, type Database } from '../../store/database';
import { storeUrl } from '../../store/connect';

/** What a command runs with: the configuration from the environment, a Temporal client, and where to write. */
export interface CommandContext {
  config: Config;
  client: Client;
  io: CliIo;
  /** The service's store (lists and reports read the case record there); absent when none is configured or running. */
  db?: Database;
}

/** The store, for a command that reads it: a clear error when there is none. */
export function storeOf(ctx: CommandContext): Database {
  if (!ctx.db) throw new CliError('No store to read: set HRDA_DATABASE_URL, or start the service (`hrda start`) so that its embedded PostgreSQL is there.');
  return ctx.db;
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
  // The pool connects on its first query: commands that do not read the store never touch it.
  const url = await storeUrl(config);
  const db = url ? openDatabase(url, { max: 4, applicationName: 'hrda-cli' }) : undefined;
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
  return err;
}
