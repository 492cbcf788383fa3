import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgendaEntry } from '../domain/agenda';
import type { LocalDate } from '../domain/time';
import type {
  Attendance, DailyAgendaView, MaracAgendaView, MaracOutcomeRecord, MeetingCommandInput, MinutesRecord, MonthlyAgendaView, OutcomeRecord, PackView, QaRecord, ReviewOutcomeRecord,
} from '../machines/meeting';

/**
 * The meeting workflows' public messages. Workflow IDs come from meetingWorkflowId (domain/agenda.ts):
 * one per profile, kind and date, and free of personal data.
 */
export const meetingWorkflowTypes = { daily: 'dailyMeetingWorkflow', monthly: 'monthlyMeetingWorkflow', marac: 'maracMeetingWorkflow' } as const;
export const meetingPlannerWorkflowType = 'meetingPlannerWorkflow';

export interface MeetingWorkflowInput {
  profileId: string;
  date: LocalDate;
}

/** From a case: put me on this meeting's agenda (signal-with-start, see activities/meetings.ts). */
export const enlistSignal = defineSignal<[AgendaEntry]>('enlist');
/**
 * From a case that closed before this meeting sat: take me off the agenda (workflows/case/effects.ts).
 * A plain signal: a meeting that does not exist has no agenda to leave.
 */
export const caseClosedSignal = defineSignal<[{ caseId: string }]>('caseClosed');

export const dailyAgendaQuery = defineQuery<DailyAgendaView>('agenda');
export const monthlyAgendaQuery = defineQuery<MonthlyAgendaView>('agenda');
/**
 * The latest pack (daily) or case summaries (HRDAP) as mailed, by reference: revision, when, to
 * whom, the agenda facts and the digest, never the text (client/meeting-papers.ts renders it on
 * read); null before the freeze.
 */
export const packQuery = defineQuery<PackView | null>('pack');
export const attendanceQuery = defineQuery<Attendance | null>('attendance');
export const dailyOutcomesQuery = defineQuery<OutcomeRecord[]>('outcomes');
export const monthlyOutcomesQuery = defineQuery<{ qa: QaRecord[]; reviewOutcomes: ReviewOutcomeRecord[] }>('outcomes');
/** The minutes as mailed, by reference (as the pack). */
export const minutesQuery = defineQuery<MinutesRecord | null>('minutes');

/**
 * From the client, once it has recorded a decision taken at the meeting on the case itself: the
 * meeting may ask the case now rather than at the end of its wait (meeting-host.ts).
 */
export const decisionDeliveredSignal = defineSignal<[{ caseId: string }]>('decisionDelivered');

/**
 * The decision updates the meeting has accepted and is holding a case's place for: how the client
 * knows its update was accepted (and not refused) before it records the decision on the case.
 */
export const heldDecisionsQuery = defineQuery<{ updateId: string; caseId: string }[]>('heldDecisions');

export const dailyMeetingUpdates = {
  /** The reference to an outcome the client records on the case (`recordMeetingOutcome`); the meeting holds the case's place and confirms it with the case. */
  recordOutcome: defineUpdate<DailyAgendaView, [MeetingCommandInput<'recordOutcome'>]>('recordOutcome'),
  recordAttendance: defineUpdate<DailyAgendaView, [MeetingCommandInput<'recordAttendance'>]>('recordAttendance'),
  /** A closure day: the meeting is cancelled and every case on it rolls over. */
  declareClosure: defineUpdate<DailyAgendaView, [MeetingCommandInput<'declareClosure'>]>('declareClosure'),
};

export const monthlyMeetingUpdates = {
  /** The reference to the chairs' decision the client records on the case (`recordQaDecision`; a rejection's feedback goes back to the professional from the case). */
  recordQaDecision: defineUpdate<MonthlyAgendaView, [MeetingCommandInput<'recordQaDecision'>]>('recordQaDecision'),
  /** The reference to a review outcome the client records on the case (`recordReviewOutcome`). */
  recordReviewOutcome: defineUpdate<MonthlyAgendaView, [MeetingCommandInput<'recordReviewOutcome'>]>('recordReviewOutcome'),
  recordAttendance: defineUpdate<MonthlyAgendaView, [MeetingCommandInput<'recordAttendance'>]>('recordAttendance'),
};

/** The MARAC ([002] section 3; workflows/marac-meeting.workflow.ts). */
export const maracAgendaQuery = defineQuery<MaracAgendaView>('agenda');
export const maracOutcomesQuery = defineQuery<MaracOutcomeRecord[]>('outcomes');
export const maracMeetingUpdates = {
  /** The reference to a MARAC outcome the client records on the case (`recordMaracOutcome`); the MARAC holds the case's place and confirms it with the case. */
  recordMaracOutcome: defineUpdate<MaracAgendaView, [MeetingCommandInput<'recordMaracOutcome'>]>('recordMaracOutcome'),
  recordAttendance: defineUpdate<MaracAgendaView, [MeetingCommandInput<'recordAttendance'>]>('recordAttendance'),
};

export interface MeetingPlannerInput {
  profileId: string;
  /** How many days ahead, from today, the meeting workflows should exist. */
  days: number;
}
