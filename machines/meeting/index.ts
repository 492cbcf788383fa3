export { createDailyMeetingMachine, type DailyMeetingMachine, type DailyMeetingSnapshot, type DailyMeetingEvent } from './daily-meeting.machine';
export { createMonthlyMeetingMachine, returnedCases, type MonthlyMeetingMachine, type MonthlyMeetingSnapshot, type MonthlyMeetingEvent } from './monthly-meeting.machine';
export { dailyMeetingPlan, managementMeeting, monthlyMeetingPlan, meetingPlan, meetingsBetween, meetingAttendees, type DailyMeetingPlan, type MonthlyMeetingPlan, type MeetingPlan } from './plan';
export { orderAgenda } from './agenda-order';
export { meetingCommandSchemas, recordedMeetingCommandSchemas, type MeetingCommand, type MeetingCommandInput, type MeetingCommandName, type RecordedMeetingCommand } from './commands';
export type { DailyMeetingContext, MonthlyMeetingContext, Enlisted, RolledOver, Attendance, MeetingEffect, OutcomeRecord, QaRecord, ReviewOutcomeRecord, PackRecord, MinutesRecord, PapersResult, MinutesResult } from './context';
export { mailedMinutes, mailedPapers, type MailedMinutes, type MailedPapers, type PapersDigest, type PapersItem } from './papers';
export * from './view';
