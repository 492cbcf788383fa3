import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

// A default import: @temporalio/proto is CommonJS, and Node's ESM loader (tsx) sees no named exports in it.
const { temporal } = proto;

type History = proto.temporal.api.history.v1.IHistory;

export interface HistoryShape {
  events: number;
  bytes: number;
  /** Event counts by type name (e.g. ACTIVITY_TASK_SCHEDULED). */
  byType: Record<string, number>;
}

const typeName = (t: proto.temporal.api.enums.v1.EventType | null | undefined): string =>
  (temporal.api.enums.v1.EventType[t ?? 0] ?? String(t)).replace(/^EVENT_TYPE_/, '');

/** Events, encoded size (the protobuf the server stores and sends) and event counts by type. */
export function historyShape(history: History): HistoryShape {
  const byType: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const name = typeName(e.eventType);
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return { events: history.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(history).finish().length, byType };
}

export async function fetchHistories(client: Client, workflowIds: string[], concurrency = 16): Promise<{ workflowId: string; history: History }[]> {
  const out: { workflowId: string; history: History }[] = new Array(workflowIds.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, workflowIds.length) }, async () => {
      while (next < workflowIds.length) {
        const i = next++;
        const workflowId = workflowIds[i]!;
        out[i] = { workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() };
      }
    }),
  );
  return out;
}

/** The mean of each shape's fields over several histories. */
export function meanShape(shapes: HistoryShape[]): HistoryShape {
  const n = shapes.length || 1;
  const byType: Record<string, number> = {};
  for (const s of shapes) for (const [k, v] of Object.entries(s.byType)) byType[k] = (byType[k] ?? 0) + v / n;
  return {
    events: shapes.reduce((a, s) => a + s.events, 0) / n,
    bytes: shapes.reduce((a, s) => a + s.bytes, 0) / n,
    byType,
  };
}

/** What a workflow asked of Temporal: activities, timers, updates and signals, from its history. */
export function workDone(shape: HistoryShape): { activities: number; timers: number; updates: number; signals: number; childWorkflows: number } {
  const t = shape.byType;
  return {
    activities: t.ACTIVITY_TASK_SCHEDULED ?? 0,
    timers: t.TIMER_STARTED ?? 0,
    updates: t.WORKFLOW_EXECUTION_UPDATE_ACCEPTED ?? 0,
    signals: t.WORKFLOW_EXECUTION_SIGNALED ?? 0,
    childWorkflows: t.START_CHILD_WORKFLOW_EXECUTION_INITIATED ?? 0,
  };
}
