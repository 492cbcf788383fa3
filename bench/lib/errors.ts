/**
 * An error with its causes, for a result file. The client's "Workflow Update failed" is both the
 * message of an update the workflow refused and of a gRPC failure on the way; only the cause
 * tells them apart, so a bench failure is recorded with its whole chain.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 6; depth++) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' ← ');
}
