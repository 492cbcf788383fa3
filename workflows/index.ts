// Every workflow type the worker registers.
export { referralWorkflow } from './referral.workflow';
export { subjectWorkflow } from './subject.workflow';
export { escalationWorkflow } from './escalation.workflow';
export { dailyMeetingWorkflow } from './daily-meeting.workflow';
export { monthlyMeetingWorkflow } from './monthly-meeting.workflow';
export { maracMeetingWorkflow } from './marac-meeting.workflow';
export { meetingPlannerWorkflow } from './meeting-planner.workflow';
export { retentionWorkflow } from './retention.workflow';
