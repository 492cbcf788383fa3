import type { Actor, AgencyId } from '../../domain/actor';
import type { DisputeStart, EscalationStep } from '../../domain/dispute';
import type { Notification } from '../../domain/notification';
import type { Instant } from '../../domain/time';
import type { TimelineEntry } from '../../domain/timeline';

/** How a dispute came to a step: raised there, moved on by the clock, or escalated early by a party. */
export type StepEntry = 'raised' | 'lapsed' | 'advanced';

/** One step the dispute has been at: who owned it, its clock, and how it got there and left. */
export interface StepRecord {
  step: EscalationStep['id'];
  stage: number;
  owner: string;
  requires: EscalationStep['requires'];
  marking: string | null;
  enteredAt: Instant;
  deadline: Instant;
  /** The profile's reminder before the deadline; null when the step is shorter than that. */
  reminderAt: Instant | null;
  how: StepEntry;
  by: Actor;
  rationale: string;
  leftAt: Instant | null;
}

/** A response recorded at a step; at a `written-response` step it is the written response. */
export interface DisputeDocument {
  step: string;
  stage: number;
  kind: 'response' | 'written-response';
  at: Instant;
  by: Actor;
  text: string;
}

export interface DisputeResolution {
  agreement: string;
  learning: string | null;
  at: Instant;
  by: Actor;
  step: string;
  stage: number;
}

export interface DisputeContext {
  caseId: string;
  disputeId: string;
  profileId: string;
  area: string;
  raisedBy: AgencyId;
  with: AgencyId[];
  matter: string;
  raisedAt: Instant;
  raisedByActor: Actor;
  /** Index of the current step in the profile's `escalation.steps`. */
  stepIndex: number;
  deadline: Instant;
  reminderAt: Instant | null;
  reminded: boolean;
  /** The last step's deadline has passed unresolved: it stays with its owner (PROTOCOL.md §1.6). */
  overdue: boolean;
  /** Every step entered, in order; the last is the current one. */
  history: StepRecord[];
  documents: DisputeDocument[];
  resolution: DisputeResolution | null;
  timeline: TimelineEntry[];
  /** Messages queued by transitions, until the host reports them handed to the mail port. */
  outbox: Notification[];
}

export type DisputeInput = DisputeStart;
