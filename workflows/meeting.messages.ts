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

export const dailyAgendaQuery = defineQuery<DailyAgendaView>('agenda');
export const monthlyAgendaQuery = defineQuery<MonthlyAgendaView>('agenda');
/** The latest pack (daily) or case summaries (HRDAP) as circulated: Markdown and HTML; null before the freeze. */
export const packQuery = defineQuery<PackView | null>('pack');
export const attendanceQuery = defineQuery<Attendance | null>('attendance');
export const dailyOutcomesQuery = defineQuery<OutcomeRecord[]>('outcomes');
export const monthlyOutcomesQuery = defineQuery<{ qa: QaRecord[]; reviewOutcomes: ReviewOutcomeRecord[] }>('outcomes');
export const minutesQuery = defineQuery<MinutesRecord | null>('minutes');

export const dailyMeetingUpdates = {
  /** Forwarded to the case's `recordMeetingOutcome`: the case validates, and its refusal comes back. */
  recordOutcome: defineUpdate<DailyAgendaView, [MeetingCommandInput<'recordOutcome'>]>('recordOutcome'),
  recordAttendance: defineUpdate<DailyAgendaView, [MeetingCommandInput<'recordAttendance'>]>('recordAttendance'),
  /** A closure day: the meeting is cancelled and every case on it rolls over. */
  declareClosure: defineUpdate<DailyAgendaView, [MeetingCommandInput<'declareClosure'>]>('declareClosure'),
};

export const monthlyMeetingUpdates = {
  /** Forwarded to the case's `recordQaDecision` (a rejection's feedback goes back to the professional). */
  recordQaDecision: defineUpdate<MonthlyAgendaView, [MeetingCommandInput<'recordQaDecision'>]>('recordQaDecision'),
  /** Forwarded to the case's `recordReviewOutcome`. */
  recordReviewOutcome: defineUpdate<MonthlyAgendaView, [MeetingCommandInput<'recordReviewOutcome'>]>('recordReviewOutcome'),
  recordAttendance: defineUpdate<MonthlyAgendaView, [MeetingCommandInput<'recordAttendance'>]>('recordAttendance'),
};

/** The MARAC ([002] section 3; workflows/marac-meeting.workflow.ts). */
export const maracAgendaQuery = defineQuery<MaracAgendaView>('agenda');
export const maracOutcomesQuery = defineQuery<MaracOutcomeRecord[]>('outcomes');
export const maracMeetingUpdates = {
  /** Forwarded to the case's `recordMaracOutcome`. */
  recordMaracOutcome: defineUpdate<MaracAgendaView, [MeetingCommandInput<'recordMaracOutcome'>]>('recordMaracOutcome'),
  recordAttendance: defineUpdate<MaracAgendaView, [MeetingCommandInput<'recordAttendance'>]>('recordAttendance'),
};

export interface MeetingPlannerInput {
  profileId: string;
  /** How many days ahead, from today, the meeting workflows should exist. */
  days: number;
}
