import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { setTimeout as delay } from 'node:timers/promises';

const { EventType } = temporal.api.enums.v1;

/**
 * Waits until a workflow's latest run has nothing in flight: no activity pending, its history
 * ending in a completed workflow task (or in the run's end), and the same run and history length on
 * two looks in a row. The history, not describe's `pendingWorkflowTask`, because the time-skipping
 * test server never fills that field.
 *
 * The time-skipping test server loses an update or query that reaches a run in the instant that run
 * continues as new (docs/test-server.md, "Three ways it stops for good"): the call waits
 * until its connection is dropped and the time-skipping lock it took is never given back. A test
 * that sends an update to a case that may be about to continue as new waits for it to settle first.
 */
export async function settled(client: Client, workflowId: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  const quiet = new Set([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]);
  let last: string | undefined;
  for (;;) {
    const handle = client.workflow.getHandle(workflowId);
    const d = await handle.describe();
    const events = (await client.workflow.getHandle(workflowId, d.runId).fetchHistory()).events ?? [];
    const lastEvent = events.at(-1)?.eventType;
    const busy = (d.raw.pendingActivities?.length ?? 0) > 0 || lastEvent == null || !quiet.has(lastEvent);
    const mark = busy ? undefined : `${d.runId}:${events.length}`;
    if (mark !== undefined && mark === last) return;
    last = mark;
    if (Date.now() > until) throw new Error(`${workflowId} did not settle within ${timeoutMs} ms`);
    await delay(50);
  }
}
