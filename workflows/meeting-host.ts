import type { UpdateDefinition } from '@temporalio/common';
import {
  ActivityFailure, allHandlersFinished, ApplicationFailure, condition, currentUpdateInfo, getExternalWorkflowHandle, log, patched, proxyActivities,
  setHandler, sleep, upsertSearchAttributes, type SearchAttributes,
} from '@temporalio/workflow';
import type { Instant } from '../domain/time';
import {
  meetingCommandSchemas, recordedMeetingCommandSchemas, type MeetingCommand, type MeetingCommandName, type MeetingEffect, type RecordedMeetingCommand,
} from '../machines/meeting';
import type { ConfirmRequest, ForwardRequest, MeetingActivities } from './meeting-activity-types';
import { deadlineTimers } from './deadline-timers';
import { decisionDeliveredSignal, heldDecisionsQuery } from './meeting.messages';
import { caseWorkflowId, rollOverSignal } from './referral.messages';

export const now = (): Instant => new Date().toISOString();

export function meetingActivities(): MeetingActivities {
  // Papers and mail are retried until they go: a meeting's papers are never dropped.
  const papers = proxyActivities<MeetingActivities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  // Forwarding answers a person waiting on an update: a few tries, then the failure goes back to them.
  const forwarding = proxyActivities<MeetingActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 3 },
  });
  return {
    circulateMeetingPapers: papers.circulateMeetingPapers,
    circulateMeetingMinutes: papers.circulateMeetingMinutes,
    announceMeetingClosure: papers.announceMeetingClosure,
    ensureMeetingWorkflows: papers.ensureMeetingWorkflows,
    forwardToCase: forwarding.forwardToCase,
    confirmOnCase: forwarding.confirmOnCase,
  };
}

/** Runs a case update through the activity; the case's refusal becomes this update's failure, with its reason. */
export async function forwardToCase(forward: MeetingActivities['forwardToCase'], request: ForwardRequest): Promise<{ caseId: string; stage: string }> {
  try {
    return await forward(request);
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure) {
      throw ApplicationFailure.create({ type: cause.type ?? 'Refused', message: cause.message, details: cause.details ? [...cause.details] : undefined, nonRetryable: true });
    }
    throw ApplicationFailure.create({ type: 'ForwardFailed', message: `case ${request.caseId} could not be reached: ${(err as Error).message}`, nonRetryable: true });
  }
}

/**
 * Decisions taken at a meeting are recorded on the case by the client, and the meeting keeps the
 * reference (machines/meeting/commands.ts): the decision's free text then lives in the case's
 * history alone, under the case's data key, and destroying that key reaches it. Meanwhile the
 * meeting holds the case's place (its update is in flight, so the meeting's end waits for it and a
 * closure is refused, as when it forwarded decisions itself), waits for the client's
 * `decisionDelivered` — or, should the client be gone, this long — then asks the case. A technical
 * wait, not a protocol deadline.
 */
const deliveryWindow = '1 minute';

/** Meetings recorded before this change cancelled the delivery window's timer when the signal came first. */
const uncancelledWindowPatch = 'meeting-delivery-window-uncancelled';

/** Updates recorded before this change carried the decision and replay the forwarding path. */
export const decisionsByReferencePatch = 'meeting-decisions-by-reference';

export function caseDecisions(confirm: MeetingActivities['confirmOnCase']): (request: ConfirmRequest) => Promise<void> {
  const delivered = new Set<string>();
  const held = new Map<string, string>();
  // Registered before any await, with the meeting's other handlers.
  setHandler(decisionDeliveredSignal, ({ caseId }) => void delivered.add(caseId));
  setHandler(heldDecisionsQuery, () => [...held].map(([updateId, caseId]) => ({ updateId, caseId })));
  return async (request) => {
    // Held from the update's acceptance (this runs before the handler's first await).
    const updateId = currentUpdateInfo()?.id ?? `case:${request.caseId}`;
    held.set(updateId, request.caseId);
    delivered.delete(request.caseId);
    try {
      if (patched(uncancelledWindowPatch)) {
        // The window's timer is left to run out rather than cancelled when the signal comes first:
        // under time skipping the signal and the timer often arrive together, and the Java test
        // server fails a workflow task that cancels a timer it has just fired ("invalid history
        // builder state for action"), after which the meeting waits for ever.
        const window = sleep(deliveryWindow);
        await Promise.race([condition(() => delivered.has(request.caseId)), window]);
      } else {
        await condition(() => delivered.has(request.caseId), deliveryWindow);
      }
      delivered.delete(request.caseId);
      let confirmed: boolean;
      try {
        ({ confirmed } = await confirm(request));
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        throw ApplicationFailure.create({ type: 'ForwardFailed', message: `case ${request.caseId} could not be asked whether it holds the decision: ${(cause as Error).message}`, nonRetryable: true });
      }
      if (!confirmed) {
        throw ApplicationFailure.create({ type: 'Refused', message: `case ${request.caseId} holds no ${request.decision} from the meeting at ${request.meetingAt} (the case's own answer to the caller says why)`, nonRetryable: true });
      }
    } finally {
      held.delete(updateId);
    }
  };
}

/** Sends the case its `rollOver` signal; a case that has ended has nothing left to move. */
export async function rollOverCase(effect: Extract<MeetingEffect, { type: 'rollOver' }>): Promise<void> {
  try {
    await getExternalWorkflowHandle(caseWorkflowId(effect.caseId)).signal(rollOverSignal, { missedMeetingAt: effect.missedMeetingAt, reason: effect.reason });
  } catch {
    log.warn('Could not roll a case over: its workflow has ended or does not exist', { caseId: effect.caseId, reason: effect.reason });
  }
}

/**
 * One update of a meeting: the validator parses (every field at fault listed) and asks the
 * machine's refusal function; the handler does the work and answers with the agenda.
 */
export function meetingUpdate<N extends MeetingCommandName, R, A extends unknown[]>(
  name: N,
  definition: UpdateDefinition<R, A>,
  opts: {
    refusal(command: MeetingCommand<N>): string | undefined;
    handle(command: MeetingCommand<N>): Promise<void> | void;
    answer(): R;
    /** A decision update as recorded before decisions were kept by reference (replay only: its validator does not run again). */
    recorded?: N extends keyof typeof recordedMeetingCommandSchemas ? (command: RecordedMeetingCommand<N>) => Promise<void> : never;
  },
): void {
  const schema = meetingCommandSchemas[name];
  setHandler(
    definition as unknown as UpdateDefinition<R, [unknown]>,
    async (raw) => {
      // The patch, not the argument's shape, decides: an accepted QA decision without feedback
      // has the same shape either way, and only the old path forwarded it.
      if (opts.recorded && name in recordedMeetingCommandSchemas && !patched(decisionsByReferencePatch)) {
        const recorded = recordedMeetingCommandSchemas[name as keyof typeof recordedMeetingCommandSchemas];
        await (opts.recorded as (command: unknown) => Promise<void>)(recorded.parse(raw));
      } else {
        await opts.handle(schema.parse(raw) as MeetingCommand<N>);
      }
      return opts.answer();
    },
    {
      validator: (raw) => {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
          throw ApplicationFailure.create({
            type: 'InvalidInput',
            message: `Invalid ${name}: ${fields.join('; ')}`,
            details: [parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))],
            nonRetryable: true,
          });
        }
        const reason = opts.refusal(parsed.data as MeetingCommand<N>);
        if (reason) throw ApplicationFailure.create({ type: 'Refused', message: `${name} refused: ${reason}`, nonRetryable: true });
      },
    },
  );
}

export interface MeetingHost<S> {
  snapshot(): S;
  send(event: { type: 'clock'; at: Instant } | { type: 'effectsTaken'; ids: string[] }): void;
  subscribe(listener: () => void): void;
  effects(s: S): MeetingEffect[];
  deadline(s: S): Instant | undefined;
  finished(s: S): boolean;
  /** Does one effect and reports its result to the machine. */
  run(effect: MeetingEffect): Promise<void>;
  /** Work a deadline must wait for (outcomes being forwarded when the meeting's time is up). */
  busy(): boolean;
  searchAttributes(s: S): SearchAttributes;
}

/**
 * The loop every meeting workflow runs: deliver the machine's effects, keep the search
 * attributes current, arm one timer for the machine's next deadline and send `clock` when it
 * fires; finish once the machine is done and nothing is left in flight.
 */
export async function hostMeeting<S>(host: MeetingHost<S>): Promise<void> {
  let version = 0;
  host.subscribe(() => void version++);
  const inFlight = new Set<Promise<unknown>>();
  let settled = 0;
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => {
      inFlight.delete(p);
      settled++;
    });
  };
  let indexed = '';
  const untilDeadline = deadlineTimers();
  let stuckAt: Instant | undefined;

  for (;;) {
    const pending = host.effects(host.snapshot());
    if (pending.length) {
      host.send({ type: 'effectsTaken', ids: pending.map((e) => e.id) });
      for (const effect of pending) track(host.run(effect));
    }
    const attributes = host.searchAttributes(host.snapshot());
    const signature = JSON.stringify(attributes);
    if (signature !== indexed) {
      indexed = signature;
      upsertSearchAttributes(attributes);
    }
    if (host.finished(host.snapshot()) && inFlight.size === 0 && host.effects(host.snapshot()).length === 0 && allHandlersFinished()) return;

    const seenVersion = version;
    const seenSettled = settled;
    const changed = () => version !== seenVersion || settled !== seenSettled || (host.finished(host.snapshot()) && inFlight.size === 0 && allHandlersFinished());
    const deadline = host.finished(host.snapshot()) ? undefined : host.deadline(host.snapshot());
    if (deadline !== undefined && deadline === stuckAt) {
      log.error('Deadline reached but not consumed by the meeting machine', { deadline });
      await condition(changed);
      continue;
    }
    const due = deadline === undefined ? undefined : Date.parse(deadline);
    const woken = due !== undefined && due <= Date.now() ? false : await untilDeadline(due, changed);
    if (!woken && deadline !== undefined) {
      await condition(() => !host.busy());
      stuckAt = deadline;
      // The machine records the protocol's instant; the history keeps when the timer fired.
      host.send({ type: 'clock', at: deadline });
    } else {
      stuckAt = undefined;
    }
  }
}
