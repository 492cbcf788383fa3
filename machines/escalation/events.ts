import type { DisputeAction, DisputeActionName } from '../../domain/dispute';
import type { Instant } from '../../domain/time';

/** A party's action as the machine sees it: the validated action plus when the workflow received it. */
export type DisputeActionEvent<N extends DisputeActionName = DisputeActionName> = N extends DisputeActionName
  ? { type: N; at: Instant } & DisputeAction<N>
  : never;

/** The workflow's clock: a reminder or deadline in context has been reached. */
export interface ClockEvent {
  type: 'clock';
  at: Instant;
}

/**
 * The case says what made it raise this dispute by itself is gone (an action not progressed has
 * since been progressed): the dispute ends, with that reason.
 */
export interface CauseEndedEvent {
  type: 'causeEnded';
  at: Instant;
  reason: string;
}

export type DisputeEvent = DisputeActionEvent | ClockEvent | CauseEndedEvent | { type: 'delivered'; ids: string[] };
