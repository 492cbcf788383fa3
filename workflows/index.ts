// Every workflow type the worker registers.
export { referralWorkflow } from './referral.workflow';
export { subjectWorkflow } from './subject.workflow';
export { escalationWorkflow } from './escalation.workflow';
