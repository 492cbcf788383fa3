import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Where logs go unless told otherwise: stderr, always — stdout is for a command's results, which
 * machines read (issue 18: `--json` is one document). One line of JSON per entry for machines and
 * log collectors; coloured lines for a person when stderr is a terminal. Synchronous, so that a
 * command that exits right after its work loses no line.
 */
function stderrDestination(): DestinationStream {
  if (process.stderr.isTTY) return pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' });
  return pino.destination({ dest: 2, sync: true });
}

/**
 * Structured logs. Log lines carry opaque identifiers (case IDs, workflow IDs,
 * agency codes) and never payloads: payloads hold personal data.
 */
export function createLogger(level: string, name = 'hrda', destination: DestinationStream = stderrDestination()): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    // Defence in depth: should a payload-bearing field ever be logged, it is blanked.
    redact: { paths: ['*.victim', '*.perpetrator', '*.children', '*.referral', '*.payload', '*.args', '*.result'], censor: '[redacted]' },
  }, destination);
}
