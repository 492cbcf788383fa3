import { installRuntime } from '../../worker/runtime';
import { createLogger } from '../../worker/logger';

/**
 * The SDK runtime for a CLI command that runs a worker (simulate, audit replays, archive passes):
 * its lines and the core's through the project's logger on stderr, at HRDA_LOG_LEVEL or warnings
 * only — the bundler's build report and a replay worker's start and stop are noise at a terminal.
 */
export function quietCliRuntime(env: NodeJS.ProcessEnv = process.env): void {
  installRuntime(createLogger(env.HRDA_LOG_LEVEL ?? 'warn', 'hrda-cli'));
}
