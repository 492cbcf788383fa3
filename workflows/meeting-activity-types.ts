import type { Actor, AgencyId } from '../domain/actor';
import type { AgendaEntry, MeetingKind } from '../domain/agenda';
import type { Instant, LocalDate } from '../domain/time';
import type { Attendance, MinutesResult, PapersResult, RolledOver } from '../machines/meeting';

/** Which meeting: enough to name it, address its papers and find its workflow. */
export interface MeetingRef {
  profileId: string;
  kind: MeetingKind;
  date: LocalDate;
  meetingAt: Instant;
  workflowId: string;
  facilitator: AgencyId | null;
}

export interface PapersItem {
  position: number;
  caseId: string;
  item: AgendaEntry['item'];
  lateAddition: boolean;
  /** HRDAP only: the chairs' QA status when the summaries go out. */
  qa?: 'awaiting-qa' | 'accepted' | 'not-quality-assured';
}

export interface PapersRequest extends MeetingRef {
  revision: number;
  items: PapersItem[];
}

export interface MinutesRequest extends MeetingRef {
  attendance: Attendance | null;
  items: PapersItem[];
  /** Outcomes recorded through the meeting; the activity also counts those recorded on a case directly. */
  recorded: { caseId: string; at: Instant }[];
  /** Cases sent on before the end (after the cut-off); the activity lists them. */
  rolledOver: RolledOver[];
  /** HRDAP only: requests the chairs returned, listed in the minutes without their feedback. */
  returned?: string[];
}

export interface ClosureNotice extends MeetingRef {
  reason: string;
  casesRolledOver: number;
}

export type ForwardedCommand = 'recordMeetingOutcome' | 'recordQaDecision' | 'recordReviewOutcome' | 'recordMaracOutcome';

export interface ForwardRequest {
  caseId: string;
  command: ForwardedCommand;
  /** The case command's own fields (domain/case-commands.ts), without `actor`. */
  fields: Record<string, unknown>;
  actor: Actor;
}

/**
 * The activities the meeting workflows call, by signature only (the worker registers
 * activities/meeting-activities.ts under these names). Personal data stays in their payloads:
 * inputs carry case IDs; results carry the rendered papers.
 */
export interface MeetingActivities {
  /** Reads each case's state, renders the pack (daily) or case summaries (HRDAP) and mails them to the attendees. */
  circulateMeetingPapers(request: PapersRequest): Promise<PapersResult>;
  /** Reads each case's state, renders the minutes and HRDA Matrix, mails them, and says which cases were heard. */
  circulateMeetingMinutes(request: MinutesRequest): Promise<MinutesResult>;
  announceMeetingClosure(notice: ClosureNotice): Promise<{ mailId: string; recipients: AgencyId[] }>;
  /** Runs a case update through the case client; a refusal fails with type `Refused` (or `InvalidInput`) and the case's reason. */
  forwardToCase(request: ForwardRequest): Promise<{ caseId: string; stage: string }>;
  /** Starts the meeting workflows that do not exist yet (workflow ID conflict policy USE_EXISTING). */
  ensureMeetingWorkflows(request: { profileId: string; meetings: { kind: MeetingKind; date: LocalDate }[] }): Promise<{ started: string[]; existing: string[] }>;
}
