export { backgroundChecksActor, createReferralMachine, type ReferralMachine } from './referral.machine';
export { pendingDeadlines, nextDeadline, type CaseSnapshot } from './deadlines';
export { refusalReason } from './refusals';
export { caseView, publicStage, caseStages, type CaseView, type CaseStage } from './public-state';
export type { CaseContext, CaseInput, CheckResult, RepeatInfo, PreviousPlan, MatrixAction } from './context';
export type { CaseEvent, CommandEvent, ChecksOutput } from './events';
export { dailySchedule, monthlyMeetingFor } from './schedule';
export { intakeRestriction, restrictionProblem } from './restriction';
export { caseRecordOfView } from './record';
