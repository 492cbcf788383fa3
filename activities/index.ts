/** The activities the worker registers, built over the ports' adapters. */
export function createActivities(): Record<string, (...args: never[]) => Promise<unknown>> {
  return {};
}
