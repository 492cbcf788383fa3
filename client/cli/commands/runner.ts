import { withStore, withTemporal, type CommandContext, type StoreContext } from '../context';
import { exitWhenFlushed } from '../exit';
import { CliError, processIo, type CliIo } from '../output';

/**
 * Runs a command body against Temporal, prints what went wrong, and ends the process with its status.
 * `purpose` is the command's `--purpose`, for commands that read personal data.
 */
export type Runner = (body: (ctx: CommandContext) => Promise<number | void>, opts?: { purpose?: string | undefined }) => Promise<void>;
/** As Runner, for commands that need the store only (`hrda audit verify-log`). */
export type StoreRunner = (body: (ctx: StoreContext) => Promise<number | void>) => Promise<void>;

export function createStoreRunner(io: CliIo = processIo): StoreRunner {
  return async (body) => {
    let code: number;
    try {
      code = (await withStore(io, body)) ?? 0;
    } catch (err) {
      code = reportError(io, err);
    }
    await exitWhenFlushed(code);
  };
}

export function createRunner(io: CliIo = processIo): Runner {
  return async (body, opts = {}) => {
    let code: number;
    try {
      code = (await withTemporal(io, body, process.env, opts.purpose ? { purpose: opts.purpose } : {})) ?? 0;
    } catch (err) {
      code = reportError(io, err);
    }
    // The SDK's native runtime (replay workers) keeps the event loop alive after its work is done.
    await exitWhenFlushed(code);
  };
}

export function reportError(io: CliIo, err: unknown): number {
  if (err instanceof CliError) {
    io.err(err.message);
    return err.exitCode;
  }
  io.err(`Unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  return 1;
}
