import { eventId, eventsOf, eventTimeMs, int64, protoMs, type History, type HistoryEvent, type Payloads } from './history';

/**
 * A history cut into the workflow tasks that completed, each with what the workflow code saw in
 * it — the same grouping the SDK's activations follow when the history is replayed:
 * - the workflow's clock during the task is the time of its WorkflowTaskStarted event;
 * - signals, timer firings and activity results recorded before a task completed are that
 *   task's input (signals and updates are handled first, then the rest in history order);
 * - updates are accepted, and timers started, by the task whose completion precedes them.
 */
export interface WorkflowTask {
  index: number;
  /** Epoch milliseconds: what `Date.now()` returned in the workflow during this task. */
  at: number;
  completedEventId: number;
  signals: { eventId: number; name: string; input: Payloads | null | undefined }[];
  updates: { eventId: number; name: string; input: Payloads | null | undefined }[];
  /** Timer firings, activity results and the like, in history order. */
  resolutions: HistoryEvent[];
  /** Timers this task started and did not cancel again, with the instant each was to fire. */
  timersStarted: { eventId: number; fireAt: number }[];
}

export interface ScheduledActivity {
  eventId: number;
  name: string;
  input: Payloads | null | undefined;
  /** The workflow task that scheduled it. */
  taskCompletedEventId: number;
}

export type RunEnd =
  | { kind: 'running' }
  | { kind: 'completed'; eventId: number; result: Payloads | null | undefined }
  | { kind: 'continued-as-new'; eventId: number; input: Payloads | null | undefined }
  | { kind: 'failed' | 'terminated' | 'canceled' | 'timed-out'; eventId: number };

export interface RunTasks {
  input: Payloads | null | undefined;
  tasks: WorkflowTask[];
  activities: Map<number, ScheduledActivity>;
  /** Instant each timer was to fire, by its TimerStarted event ID. */
  timerFireAt: Map<number, number>;
  end: RunEnd;
}

/** An inbound event: something the workflow code reacts to in the next task. */
const isResolution = (e: HistoryEvent): boolean =>
  Boolean(
    e.timerFiredEventAttributes
      || e.activityTaskCompletedEventAttributes
      || e.activityTaskFailedEventAttributes
      || e.activityTaskTimedOutEventAttributes
      || e.activityTaskCanceledEventAttributes
      || e.childWorkflowExecutionStartedEventAttributes
      || e.startChildWorkflowExecutionFailedEventAttributes
      || e.childWorkflowExecutionCompletedEventAttributes
      || e.childWorkflowExecutionFailedEventAttributes
      || e.childWorkflowExecutionCanceledEventAttributes
      || e.childWorkflowExecutionTimedOutEventAttributes
      || e.childWorkflowExecutionTerminatedEventAttributes
      || e.externalWorkflowExecutionSignaledEventAttributes
      || e.signalExternalWorkflowExecutionFailedEventAttributes
      || e.workflowExecutionCancelRequestedEventAttributes,
  );

export function workflowTasksOf(history: History): RunTasks {
  const events = eventsOf(history);
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error('The history does not begin with WorkflowExecutionStarted: it is not a whole run');

  const taskStartedAt = new Map<number, number>();
  const activities = new Map<number, ScheduledActivity>();
  const timerFireAt = new Map<number, number>();
  const tasks: WorkflowTask[] = [];
  let inbound: HistoryEvent[] = [];
  let end: RunEnd = { kind: 'running' };
  let lastTaskStartedAt: number | undefined;
  // A command's event follows the completion of the task that gave it. (Its workflowTaskCompletedEventId
  // would say so too, but the time-skipping test server fills that field with the task's start.)
  const commandsOf = (what: string, id: number): WorkflowTask => {
    const task = tasks[tasks.length - 1];
    if (!task) throw new Error(`Event ${id} (${what}) comes before any workflow task completed`);
    return task;
  };

  for (const e of events) {
    const id = eventId(e);
    if (e.workflowTaskStartedEventAttributes) {
      taskStartedAt.set(id, eventTimeMs(e));
      lastTaskStartedAt = eventTimeMs(e);
    } else if (e.workflowTaskCompletedEventAttributes) {
      // The time-skipping test server leaves startedEventId unset: the start is then the latest one.
      const startedId = int64(e.workflowTaskCompletedEventAttributes.startedEventId);
      const at = startedId ? taskStartedAt.get(startedId) : lastTaskStartedAt;
      if (at === undefined) throw new Error(`WorkflowTaskCompleted ${id} names a start (${startedId}) the history does not have`);
      const task: WorkflowTask = {
        index: tasks.length,
        at,
        completedEventId: id,
        signals: inbound.filter((x) => x.workflowExecutionSignaledEventAttributes).map((x) => ({
          eventId: eventId(x),
          name: x.workflowExecutionSignaledEventAttributes!.signalName ?? '',
          input: x.workflowExecutionSignaledEventAttributes!.input,
        })),
        updates: [],
        resolutions: inbound.filter(isResolution),
        timersStarted: [],
      };
      inbound = [];
      tasks.push(task);
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes;
      commandsOf('WorkflowExecutionUpdateAccepted', id).updates.push({ eventId: id, name: a.acceptedRequest?.input?.name ?? '', input: a.acceptedRequest?.input?.args });
    } else if (e.timerStartedEventAttributes) {
      const task = commandsOf('TimerStarted', id);
      const fireAt = task.at + protoMs(e.timerStartedEventAttributes.startToFireTimeout);
      timerFireAt.set(id, fireAt);
      task.timersStarted.push({ eventId: id, fireAt });
    } else if (e.timerCanceledEventAttributes) {
      const startedId = int64(e.timerCanceledEventAttributes.startedEventId);
      const task = commandsOf('TimerCanceled', id);
      task.timersStarted = task.timersStarted.filter((t) => t.eventId !== startedId);
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      activities.set(id, { eventId: id, name: a.activityType?.name ?? '', input: a.input, taskCompletedEventId: commandsOf('ActivityTaskScheduled', id).completedEventId });
    } else if (e.workflowExecutionSignaledEventAttributes || isResolution(e)) {
      inbound.push(e);
    } else if (e.workflowExecutionCompletedEventAttributes) {
      end = { kind: 'completed', eventId: id, result: e.workflowExecutionCompletedEventAttributes.result };
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      end = { kind: 'continued-as-new', eventId: id, input: e.workflowExecutionContinuedAsNewEventAttributes.input };
    } else if (e.workflowExecutionFailedEventAttributes) {
      end = { kind: 'failed', eventId: id };
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      end = { kind: 'terminated', eventId: id };
    } else if (e.workflowExecutionCanceledEventAttributes) {
      end = { kind: 'canceled', eventId: id };
    } else if (e.workflowExecutionTimedOutEventAttributes) {
      end = { kind: 'timed-out', eventId: id };
    }
  }
  return { input: started.input, tasks, activities, timerFireAt, end };
}

/** The ActivityTaskScheduled event an activity result answers. */
export function scheduledEventIdOf(e: HistoryEvent): number | undefined {
  const a = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
  return a ? int64(a.scheduledEventId) : undefined;
}
