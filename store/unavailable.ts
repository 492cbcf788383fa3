/**
 * Whether an error means the store (PostgreSQL) could not be reached or went away mid-query, as
 * opposed to a query it refused: the API answers 503 with Retry-After for these, and the caller
 * retries (with the same Idempotency-Key for a write). The error's causes are looked through, since
 * a payload codec's failure reaches the API wrapped by the Temporal SDK.
 */
const connectionCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  // PostgreSQL: connection exceptions (class 08), and the server shutting down or starting (57P01-57P03).
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03',
]);
const connectionMessages = /timeout exceeded when trying to connect|Connection terminated|connection error|Client was closed|terminating connection/i;

export function isStoreUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const { code, message, cause, errors } = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && connectionCodes.has(code)) return true;
  if (typeof message === 'string' && connectionMessages.test(message) && !/temporal/i.test(message)) return true;
  // AggregateError (a connection refused on IPv4 and IPv6 alike).
  if (Array.isArray(errors) && errors.some((e) => isStoreUnavailable(e, depth + 1))) return true;
  return isStoreUnavailable(cause, depth + 1);
}
