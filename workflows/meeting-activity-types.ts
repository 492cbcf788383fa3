import type { Actor, AgencyId } from '../domain/actor';
import type { MeetingKind } from '../domain/agenda';
import type { Instant, LocalDate } from '../domain/time';
import type { Attendance, MinutesResult, PapersItem, PapersResult, RolledOver } from '../machines/meeting';

export type { PapersItem } from '../machines/meeting';

/** Which meeting: enough to name it, address its papers and find its workflow. */
export interface MeetingRef {
  profileId: string;
  kind: MeetingKind;
  date: LocalDate;
  meetingAt: Instant;
  workflowId: string;
  facilitator: AgencyId | null;
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

export type ForwardedCommand = 'recordMeetingOutcome' | 'recordQaDecision' | 'recordReviewOutcome';

/** Histories recorded before the meetings kept decisions by reference only: the meeting forwarded the decision's fields. */
export interface ForwardRequest {
  caseId: string;
  command: ForwardedCommand;
  /** The case command's own fields (domain/case-commands.ts), without `actor`. */
  fields: Record<string, unknown>;
  actor: Actor;
}

/** A decision taken at a meeting, which the case is asked to confirm it holds. */
export type CaseDecision = 'meeting-outcome' | 'qa-accepted' | 'qa-returned' | 'review-outcome' | 'marac-outcome';

export interface ConfirmRequest {
  caseId: string;
  decision: CaseDecision;
  /** The meeting the decision was taken at. */
  meetingAt: Instant;
}

/**
 * The activities the meeting workflows call, by signature only (the worker registers
 * activities/meeting-activities.ts under these names). Neither their inputs nor their results
 * carry personal data: inputs carry case IDs and agenda facts; results say what was mailed, to
 * whom, and its digest (machines/meeting/papers.ts), never the text.
 */
export interface MeetingActivities {
  /** Reads each case's state, renders the pack (daily) or case summaries (HRDAP), mails them to the attendees, and says what went: the items, recipients and digest. */
  circulateMeetingPapers(request: PapersRequest): Promise<PapersResult>;
  /** Reads each case's state, renders the minutes and HRDA Matrix, mails them, and says which cases were heard. */
  circulateMeetingMinutes(request: MinutesRequest): Promise<MinutesResult>;
  announceMeetingClosure(notice: ClosureNotice): Promise<{ mailId: string; recipients: AgencyId[] }>;
  /** Histories from before decisions were kept by reference: runs a case update through the case client; a refusal fails with type `Refused` (or `InvalidInput`) and the case's reason. */
  forwardToCase(request: ForwardRequest): Promise<{ caseId: string; stage: string }>;
  /** Reads the case and says whether it holds the decision taken at the meeting (the client recorded it there). */
  confirmOnCase(request: ConfirmRequest): Promise<{ caseId: string; confirmed: boolean; stage: string | null }>;
  /** Starts the meeting workflows that do not exist yet (workflow ID conflict policy USE_EXISTING). */
  ensureMeetingWorkflows(request: { profileId: string; meetings: { kind: MeetingKind; date: LocalDate }[] }): Promise<{ started: string[]; existing: string[] }>;
}
