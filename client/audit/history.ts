import type { LoadedDataConverter } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';

/** Reading Temporal histories: event kinds, times and payloads, as the audit needs them. */
export type { History };
export type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
export type Payloads = proto.temporal.api.common.v1.IPayloads;

export const EventType = proto.temporal.api.enums.v1.EventType;

export const eventsOf = (history: History): HistoryEvent[] => history.events ?? [];

/** An int64 as a number, whichever form the protobuf runtime gave it (Long, string or number). */
export const int64 = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
};

/** A Timestamp or Duration in milliseconds, truncated as the SDK truncates it (workflow `Date.now()`). */
export const protoMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  t ? int64(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000) : 0;

export const eventId = (e: HistoryEvent): number => int64(e.eventId);

export const eventTimeMs = (e: HistoryEvent): number => protoMs(e.eventTime);

/** The event's kind without its prefix, e.g. "TimerFired", for messages people read. */
export const eventKind = (e: HistoryEvent): string => {
  const name = EventType[e.eventType ?? 0] ?? `EVENT_TYPE_${e.eventType}`;
  return name.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
};

export function startedAttributes(history: History): proto.temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes {
  const first = eventsOf(history)[0];
  const attrs = first?.workflowExecutionStartedEventAttributes;
  if (!attrs) throw new Error('The history does not begin with WorkflowExecutionStarted: it is not a whole history');
  return attrs;
}

export const workflowTypeOf = (history: History): string => startedAttributes(history).workflowType?.name ?? '';

export async function decodePayloads(converter: LoadedDataConverter, payloads: Payloads | null | undefined): Promise<unknown[]> {
  return decodeArrayFromPayloads(converter, payloads?.payloads ?? []);
}

/**
 * IDs of the workflows this one started or talked to: child workflows, workflows it signalled,
 * and workflow IDs returned by its activities (the subject entity, meetings).
 */
export async function relatedWorkflowIds(history: History, converter: LoadedDataConverter): Promise<string[]> {
  const ids = new Set<string>();
  for (const e of eventsOf(history)) {
    const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
    if (child) ids.add(child);
    const signalled = e.signalExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId;
    if (signalled) ids.add(signalled);
    const result = e.activityTaskCompletedEventAttributes?.result;
    if (result) {
      const [value] = await decodePayloads(converter, result);
      if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) if (key.endsWith('WorkflowId') && typeof v === 'string') ids.add(v);
      }
    }
  }
  return [...ids];
}
