import type { CaseCommand, CaseCommandName } from '../../domain/case-commands';
import type { RollOverReason } from '../../domain/agenda';
import type { Instant } from '../../domain/time';
import type { TimelineEntry } from '../../domain/timeline';
import type { CheckResult } from './context';

/** A user action as the machine sees it: the validated command plus when the workflow received it. */
export type CommandEvent<N extends CaseCommandName = CaseCommandName> = N extends CaseCommandName
  ? { type: N; at: Instant } & CaseCommand<N>
  : never;

/** The workflow's clock: a protocol deadline in context has been reached. */
export interface ClockEvent {
  type: 'clock';
  at: Instant;
}

export interface ChecksOutput {
  at: Instant;
  results: CheckResult[];
}

/** The meeting did not hear the case (PROTOCOL.md §1.3; issue: meetings as workflows). */
export interface RollOverEvent {
  type: 'rollOver';
  at: Instant;
  missedMeetingAt: Instant;
  reason: RollOverReason;
}

export type CaseEvent =
  | RollOverEvent
  /** The host's clock for DVPO expiries, sent with every `clock` (machines/referral/notices.ts). */
  | { type: 'noticesClock'; at: Instant }
  | CommandEvent
  | ClockEvent
  | { type: 'delivered'; ids: string[] }
  /** The mail guard refused a message of this case: a recipient is a blocked contact (activities/mail.guard.ts). */
  | NotificationWithheldEvent
  /** A dispute's own timeline entry, from its workflow; `open` is false once it is resolved. */
  | { type: 'disputeProgress'; at: Instant; disputeId: string; entry: TimelineEntry; open: boolean };

export interface NotificationWithheldEvent {
  type: 'notificationWithheld';
  at: Instant;
  notificationId: string;
  topic: string;
  positions: number[];
}
