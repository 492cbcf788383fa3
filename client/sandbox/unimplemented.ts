/** gRPC's status UNIMPLEMENTED: what a Temporal server answers for a service or method it does not have. */
const unimplemented = 12;

/**
 * Whether a Temporal call failed because the server does not implement it: the time-skipping test
 * server (the sandbox) has no visibility API (ListWorkflowExecutions, CountWorkflowExecutions), and the
 * dev server or a cluster no TestService. Raw service calls reject with the gRPC error; the client's
 * wrappers with a ServiceError whose cause it is.
 */
export function isUnimplemented(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === unimplemented) return true;
  }
  return false;
}
