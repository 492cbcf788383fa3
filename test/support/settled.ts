import type { Client } from '@temporalio/client';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits until a workflow's latest run has nothing in flight: no activity pending, no workflow task
 * scheduled or started, and the same run and history length on two looks in a row.
 *
 * The time-skipping test server loses an update or query that reaches a run in the instant that run
 * continues as new (docs/test-server.md, "Three ways it stops for good"): the call waits
 * until its connection is dropped and the time-skipping lock it took is never given back. A test
 * that sends an update to a case that may be about to continue as new waits for it to settle first.
 */
export async function settled(client: Client, workflowId: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    const d = await client.workflow.getHandle(workflowId).describe();
    const busy = (d.raw.pendingActivities?.length ?? 0) > 0 || d.raw.pendingWorkflowTask != null;
    const mark = busy ? undefined : `${d.runId}:${d.historyLength}`;
    if (mark !== undefined && mark === last) return;
    last = mark;
    if (Date.now() > until) throw new Error(`${workflowId} did not settle within ${timeoutMs} ms`);
    await delay(50);
  }
}
