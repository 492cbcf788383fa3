import type { Actor, AgencyId } from '../../domain/actor';
import type { AgendaEntry, RollOverReason } from '../../domain/agenda';
import type { Instant } from '../../domain/time';
import type { MaracMeetingPlan } from './marac-plan';
import type { MailedMinutes, MailedPapers } from './papers';
import type { DailyMeetingPlan, MonthlyMeetingPlan } from './plan';

/** A case on a meeting's agenda: what it enlisted with, and when. */
export interface Enlisted extends AgendaEntry {
  enlistedAt: Instant;
  /** Taken onto the agenda after it froze (e.g. a case the previous meeting ran out of time for). */
  lateAddition: boolean;
}

/** A case the meeting did not hear, sent on to the next meeting (the case's `rollOver`). */
export interface RolledOver {
  caseId: string;
  item: AgendaEntry['item'];
  reason: RollOverReason;
  at: Instant;
}

export interface Attendance {
  agencies: AgencyId[];
  at: Instant;
  by: Actor;
}

/** The pack (or the HRDAP case summaries) as mailed, by reference (machines/meeting/papers.ts). */
export interface PackRecord extends MailedPapers {
  revision: number;
  at: Instant;
}

export interface MinutesRecord extends MailedMinutes {
  at: Instant;
}

/*
 * Decisions taken at a meeting are kept by reference: who recorded which case's decision, and
 * when. The decision itself (the HRDA Matrix, the chairs' feedback, the review outcome) is free
 * text about the case's people and goes to the case alone, under the case's data key.
 */
export interface OutcomeRecord {
  caseId: string;
  at: Instant;
  by: Actor;
}

export interface QaRecord {
  caseId: string;
  at: Instant;
  by: Actor;
  accepted: boolean;
}

export interface ReviewOutcomeRecord {
  caseId: string;
  at: Instant;
  by: Actor;
}

/** Work the host does for the machine: signals to cases and activities, each taken once. */
export type MeetingEffect =
  | { id: string; type: 'rollOver'; caseId: string; missedMeetingAt: Instant; reason: RollOverReason }
  | { id: string; type: 'circulatePack'; revision: number }
  | { id: string; type: 'circulateMinutes' }
  | { id: string; type: 'announceClosure' };

/** Effects as queued by an action, before the machine numbers them. */
export type NewEffect = MeetingEffect extends infer E ? (E extends { id: string } ? Omit<E, 'id'> : never) : never;

/** A case closed before the meeting heard it: it left the agenda then (the case's `caseClosed` signal). */
export interface LeftAgenda {
  caseId: string;
  at: Instant;
}

interface MeetingContextBase {
  profileId: string;
  startedAt: Instant;
  entries: Enlisted[];
  /** Absent in meetings recorded before cases left agendas on closing. */
  leftAgenda?: LeftAgenda[];
  attendance: Attendance | null;
  /** The last pack revision asked for; each revision is sent as a message of its own. */
  packRevision: number;
  packs: PackRecord[];
  /** The latest revision mailed (also in `packs`). */
  pack: PackRecord | null;
  minutes: MinutesRecord | null;
  effects: MeetingEffect[];
  effectSeq: number;
}

export interface DailyMeetingContext extends MeetingContextBase {
  plan: DailyMeetingPlan;
  frozenAt: Instant | null;
  rolledOver: RolledOver[];
  outcomes: OutcomeRecord[];
  closure: { reason: string; at: Instant; by: Actor } | null;
}

export interface MonthlyMeetingContext extends MeetingContextBase {
  plan: MonthlyMeetingPlan;
  circulatedAt: Instant | null;
  qa: QaRecord[];
  /** Review requests the cases say are no longer for this meeting (decided on the case directly). */
  withdrawn: string[];
  /** Enlistments the meeting could not take (no meeting that day, or it was already over). */
  turnedAway: { caseId: string; at: Instant; reason: string }[];
  reviewOutcomes: ReviewOutcomeRecord[];
}

/** An action set at the previous MARAC and not yet complete when the papers were made ([002] 3.12). */
export interface OutstandingAction {
  caseId: string;
  actionId: string;
  owner: AgencyId;
  status: 'open' | 'in-progress';
  dueAt: Instant;
}

/** A MARAC outcome by reference, like the daily meeting's: the risks, actions and rationale are on the case. */
export interface MaracOutcomeRecord {
  caseId: string;
  at: Instant;
  by: Actor;
}

export interface MaracMeetingContext extends MeetingContextBase {
  plan: MaracMeetingPlan;
  circulatedAt: Instant | null;
  /** [002] 3.12: taken first, as the papers found them. */
  outstanding: OutstandingAction[];
  turnedAway: { caseId: string; at: Instant; reason: string }[];
  outcomes: MaracOutcomeRecord[];
}

/** What the host reports back from the activities. */
export type PapersResult = MailedPapers & {
  /** Cases no longer for this meeting when the papers were made (e.g. a review request returned on the case directly). */
  withdrawn?: string[];
};
export type MinutesResult = MailedMinutes;

/**
 * A case closed before its meeting leaves the agenda: it is no longer to be heard, rolled over or
 * minuted; papers already out go again without it. A case not on the agenda changes nothing.
 */
export function leaveAgenda<C extends MeetingContextBase>(context: C, caseId: string, at: Instant, papersOut: boolean) {
  if (!context.entries.some((e) => e.caseId === caseId)) return {};
  return {
    entries: context.entries.filter((e) => e.caseId !== caseId),
    leftAgenda: [...(context.leftAgenda ?? []), { caseId, at }],
    ...(papersOut ? { packRevision: context.packRevision + 1, ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }) } : {}),
  };
}

export const withEffects = <C extends { effects: MeetingEffect[]; effectSeq: number }>(context: C, ...effects: NewEffect[]) => ({
  effects: [...context.effects, ...effects.map((e, i) => ({ ...e, id: String(context.effectSeq + i + 1) }) as MeetingEffect)],
  effectSeq: context.effectSeq + effects.length,
});
