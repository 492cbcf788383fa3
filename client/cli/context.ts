import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ConfigError, parseConfig, temporalAddress, type Config } from '../../domain/config';
import { InvalidInputError, RefusedError } from '../cases';
import { embeddedDatabaseUrl } from '../../local/embedded-store';
import { openDatabase, type Database } from '../../store/database';
import { isStoreUnavailable } from '../../store/unavailable';
import { connectClient } from '../temporal';
import { readServiceState, serviceStateFile, withServiceState } from '../service-state';
import { SandboxClock } from '../sandbox/clock';
import { connectTestService } from '../sandbox/test-service';
import { MeetingNotFoundError } from '../meetings';
import { isUnimplemented } from '../sandbox/unimplemented';
import { notOnThisServer } from '../sandbox/not-on-this-server';
import { CliError, type CliIo } from './output';

/** What a command that needs only the store runs with: the configuration, the store, and where to write. */
export interface StoreContext {
  config: Config;
  /**
   * The service's store (PostgreSQL): the access log, data keys, restrictions, and the archive that
   * reads of a case Temporal no longer has fall back to.
   */
  db: Database;
  io: CliIo;
}

/** The store, for a command that reads it (lists and reports read the case record there). */
export function storeOf(ctx: StoreContext): Database {
  return ctx.db;
}

/** What a command runs with: the store's context, a Temporal client, and why (`--purpose`) when it reads personal data. */
export interface CommandContext extends StoreContext {
  client: Client;
  /**
   * The cases' "now": the wall clock, or a sandbox's simulated clock (`hrda start --sandbox`) when the
   * running service's state says the CLI is talking to one, so that a referral submitted from the CLI is
   * received at the simulated time, as through the API. The wall clock when absent.
   */
  now?: () => Date;
  /** The purpose stated with `--purpose`, written to the access log with each read of personal data. */
  purpose?: string;
}

/**
 * The configuration from the environment, with the addresses of a running `hrda start` filled in
 * where TEMPORAL_ADDRESS is unset (client/service-state.ts), so the CLI finds a service on other
 * ports with no variable set.
 */
export function configFrom(env: NodeJS.ProcessEnv): Config {
  try {
    return parseConfig(withServiceState(env).env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * How long the CLI waits for the Temporal server before saying it cannot reach it: a server that
 * is up answers in milliseconds, and the person at the terminal should hear within 3 s (issue 18).
 */
export const cliConnectTimeoutMs = 2_000;

/** Where the address the CLI tried came from, and what to set instead: for the message when it is unreachable. */
export function unreachableServerMessage(config: Config, env: NodeJS.ProcessEnv, reason: string): string {
  const { from } = withServiceState(env);
  const source = env.TEMPORAL_ADDRESS
    ? 'TEMPORAL_ADDRESS'
    : from
      ? `the running service's state, ${from}`
      : env.HRDA_DEV_SERVER_PORT
        ? 'HRDA_DEV_SERVER_PORT'
        : `the embedded dev server's default port (HRDA_DEV_SERVER_PORT unset, and no running service's state in ${serviceStateFile(env.HRDA_DATA_DIR)})`;
  return [
    `Cannot reach the Temporal server at ${temporalAddress(config)} (namespace ${config.TEMPORAL_NAMESPACE}; the address from ${source}): ${reason}`,
    'Is the service running? `npm start` starts it and records its addresses for the CLI. For a service elsewhere set TEMPORAL_ADDRESS',
    "to its Temporal frontend's host:port (with TLS settings for a cluster), or HRDA_DEV_SERVER_PORT to the port its dev server was started on.",
  ].join('\n');
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
    client = await connectClient(config, db, { connectTimeout: cliConnectTimeoutMs });
  } catch (err) {
    await db.end();
    throw new CliError(unreachableServerMessage(config, env, (err as Error).message));
  }
  let sandbox: Awaited<ReturnType<typeof sandboxClockOf>>;
  try {
    sandbox = await sandboxClockOf(config, env);
    return await fn({ config, client, db, io, ...(sandbox ? { now: () => sandbox!.clock.now() } : {}), ...(extra.purpose ? { purpose: extra.purpose } : {}) });
  } catch (err) {
    throw explain(err, config);
  } finally {
    await sandbox?.close();
    await client.connection.close();
    await db.end();
  }
}

/** The cases' "now" for a command: the sandbox's simulated clock, or the wall clock. */
export const caseNow = (ctx: Pick<CommandContext, 'now'>): Date => ctx.now?.() ?? new Date();

/** The simulated clock of the sandbox the running service's state names (TEMPORAL_ADDRESS unset), read once. */
async function sandboxClockOf(config: Config, env: NodeJS.ProcessEnv): Promise<{ clock: SandboxClock; close(): Promise<void> } | undefined> {
  if (env.TEMPORAL_ADDRESS || !readServiceState(env.HRDA_DATA_DIR)?.temporal.sandbox) return undefined;
  const connection = await connectTestService(temporalAddress(config), cliConnectTimeoutMs);
  const clock = new SandboxClock(connection.service);
  try {
    await clock.refresh();
  } catch (err) {
    await connection.close();
    throw err;
  }
  return { clock, close: () => connection.close() };
}

/** Errors as the person at the terminal can act on them. */
export function explain(err: unknown, config?: Config): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof WorkflowNotFoundError) {
    const id = err.workflowId?.replace(/^case-/, '') ?? '(unknown)';
    return new CliError(`No case ${id} in namespace ${config?.TEMPORAL_NAMESPACE ?? '(configured)'} (workflow ${err.workflowId}). \`hrda case list\` shows the cases there.`);
  }
  if (err instanceof InvalidInputError || err instanceof RefusedError || err instanceof MeetingNotFoundError) return new CliError(err.message);
  if (isUnimplemented(err)) return new CliError(notOnThisServer);
  if (isStoreUnavailable(err)) {
    return new CliError(`Cannot reach the service's store (PostgreSQL${config?.HRDA_DATABASE_URL ? ', HRDA_DATABASE_URL' : ` on 127.0.0.1:${config?.HRDA_POSTGRES_PORT ?? 7432}, started by \`hrda start\``}): the data keys and the access log are there. Retry once it is back.`);
  }
  return err;
}
