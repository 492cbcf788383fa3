import { withTemporal, type CommandContext } from '../context';
import { CliError, processIo, type CliIo } from '../output';

/** Runs a command body against Temporal, prints what went wrong, and ends the process with its status. */
export type Runner = (body: (ctx: CommandContext) => Promise<number | void>) => Promise<void>;

export function createRunner(io: CliIo = processIo): Runner {
  return async (body) => {
    let code: number;
    try {
      code = (await withTemporal(io, body)) ?? 0;
    } catch (err) {
      code = reportError(io, err);
    }
    // The SDK's native runtime (replay workers) keeps the event loop alive after its work is done.
    process.exit(code);
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
