export { createEscalationMachine, type EscalationMachine } from './escalation.machine';
export { stepDeadline, stepReminder, pendingDeadlines, nextDeadline, type DisputeSnapshot } from './deadlines';
export { refusalReason } from './refusals';
export { disputeView, disputeStage, type DisputeView } from './view';
export { markedReferralAgency, parties, stepAgencies, stepRecipients, mayAct } from './parties';
export type { DisputeContext, DisputeInput, DisputeDocument, DisputeResolution, StepRecord, StepEntry } from './context';
export type { DisputeEvent, DisputeActionEvent, ClockEvent, CauseEndedEvent } from './events';
