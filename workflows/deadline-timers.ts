import { condition, patched, sleep } from '@temporalio/workflow';

/**
 * Waits recorded before this change used `condition(wake, timeout)`, which cancels its timer when
 * woken first. Histories with this marker arm one timer per deadline and never cancel it.
 */
export const uncancelledDeadlineTimersPatch = 'deadline-timers-uncancelled';

/**
 * The waits of a workflow that sleeps until its next deadline unless something happens first.
 *
 * A timer is armed once for each deadline instant and is never cancelled: under time skipping a
 * wake-up and the timer's firing often arrive together, and the Java test server fails a workflow
 * task that cancels a timer it has just fired ("invalid history builder state for action",
 * `processCancelTimer`), after which the workflow waits for ever (issue 14). A deadline the
 * workflow comes back to reuses its running timer; a timer whose deadline has moved on fires
 * later into nothing (a stale fire is ignored).
 */
export function deadlineTimers(): (deadline: number | undefined, wake: () => boolean) => Promise<boolean> {
  const running = new Set<number>();
  const fired = new Set<number>();
  const arm = (at: number) => {
    if (running.has(at) || fired.has(at)) return;
    running.add(at);
    void sleep(Math.max(1, at - Date.now())).then(() => {
      running.delete(at);
      fired.add(at);
    });
  };

  /**
   * Resolves true once `wake()` holds, false once the deadline (epoch milliseconds) has come. Both
   * at once count as woken: the caller looks at the deadline again, finds it passed, and acts on it
   * without waiting. With no deadline it waits for `wake()` alone and resolves false, as
   * `condition(wake, undefined)` did before (the hosts' loops rely on it).
   */
  return async (deadline, wake) => {
    if (deadline === undefined) {
      await condition(wake);
      return false;
    }
    if (!patched(uncancelledDeadlineTimersPatch)) return condition(wake, deadline - Date.now());
    // Fires of deadlines no longer awaited are forgotten: a deadline that comes back is past and never waited for.
    for (const at of fired) if (at !== deadline) fired.delete(at);
    arm(deadline);
    await condition(() => wake() || fired.has(deadline));
    if (wake()) return true;
    fired.delete(deadline);
    return false;
  };
}
