import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. Log lines carry opaque identifiers (case IDs, workflow IDs,
 * agency codes) and never payloads: payloads hold personal data.
 */
export function createLogger(level: string, name = 'hrda', destination?: DestinationStream): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    // Defence in depth: should a payload-bearing field ever be logged, it is blanked.
    redact: { paths: ['*.victim', '*.perpetrator', '*.children', '*.referral', '*.payload', '*.args', '*.result'], censor: '[redacted]' },
  }, destination);
}
