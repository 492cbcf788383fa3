import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';

/** The running activity's cancellation signal; none outside an activity (a test calling one directly). */
function currentCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

/**
 * Every activity's calls through the service's client stop when the activity is cancelled. A
 * worker that drains (a deploy, Ctrl-C) cancels its activities; an activity querying a case that
 * only this worker could replay would otherwise wait for a workflow task nobody polls for, and the
 * worker would never finish stopping. The cancelled attempt fails and the server retries it on
 * another worker.
 */
export function cancellableActivities<T extends object>(client: Client, activities: T): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [
    name,
    (...args: unknown[]) => {
      const signal = currentCancellation();
      const run = () => (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      return signal ? client.withAbortSignal(signal, run) : run();
    },
  ])) as T;
}

/**
 * For a `catch` that turns a failed read into an answer ("its state could not be read"): a read
 * that failed because the activity was cancelled must fail the activity instead, or papers would
 * go out built on reads that never happened.
 */
export function rethrowIfCancelled(err: unknown): void {
  if (currentCancellation()?.aborted) throw err;
}
