import { IllegalStateError } from '@temporalio/common';
import { Runtime, type LogLevel, type LogMetadata, type Logger as SdkLogger } from '@temporalio/worker';
import type { Logger } from 'pino';

/** The SDK's levels as pino names them. */
const pinoLevel = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<LogLevel, string>;
/**
 * The core's filter for a pino level: the core's INFO lines are about its own machinery, so it says
 * nothing below WARN unless someone is debugging (fatal has no core counterpart; silent keeps ERROR).
 */
const coreLevel = { trace: 'TRACE', debug: 'DEBUG', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' } as const satisfies Record<string, LogLevel>;

/** The SDK's Logger interface over a pino logger, so its lines and the core's are the project's. */
export function sdkLoggerOver(logger: Logger): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[pinoLevel[level]](meta ?? {}, message);
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Installs the SDK's runtime with `logger` for the SDK's own lines (the bundler's, the worker's)
 * and the core's (Rust) lines forwarded to it. Without this the core prints straight to stdout,
 * coloured, which broke `hrda simulate --json` (issue 18): everything now goes where `logger` writes,
 * which is stderr. Must run before anything creates a worker or a native connection; a runtime
 * installed already (a test's, or an earlier command's in the same process) is kept, and then
 * `false` is returned: its telemetry, metrics included, is whatever that one was given.
 *
 * With `metricsAddress` (host:port) the core serves its own Prometheus metrics there at `/metrics`
 * (`temporal_` names: workflow task schedule-to-start latency, poll and task failures, sticky cache…).
 * Their labels are the SDK's — namespace, task queue, workflow and activity type — never a
 * workflow ID or a payload. Counters carry `_total` and durations are in seconds, as Prometheus names them.
 */
export function installRuntime(logger: Logger, opts: { metricsAddress?: string } = {}): boolean {
  const level = coreLevel[logger.level as keyof typeof coreLevel] ?? 'WARN';
  try {
    Runtime.install({
      logger: sdkLoggerOver(logger),
      telemetryOptions: {
        logging: { forward: {}, filter: { core: level, other: 'ERROR' } },
        ...(opts.metricsAddress ? { metrics: workerMetrics(opts.metricsAddress) } : {}),
      },
    });
    return true;
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
    return false;
  }
}

/** The core's Prometheus exporter on `bindAddress`, named as Prometheus conventions (and deploy/prometheus's rules) expect. */
export const workerMetrics = (bindAddress: string) => ({
  prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
});
