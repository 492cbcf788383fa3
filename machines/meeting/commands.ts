import { z } from 'zod';
import { actorSchema, agencyIdSchema } from '../../domain/actor';
import { caseCommandFields } from '../../domain/case-commands';

/**
 * What people do to a meeting: one schema per update. Outcomes, QA decisions and review
 * outcomes carry the case's own fields (domain/case-commands.ts) and are forwarded to the case,
 * which has the last word on whether they stand.
 */
const reason = z.string().trim().min(1).max(2_000);
const caseId = z.string().min(1).max(200);

export const meetingCommandSchemas = {
  recordOutcome: z.object({ caseId, outcome: caseCommandFields.recordMeetingOutcome.shape.outcome, actor: actorSchema }),
  recordAttendance: z.object({
    agencies: z.array(agencyIdSchema).min(1, 'name at least one attending agency'),
    actor: actorSchema.default({ role: 'administrator' }),
  }),
  declareClosure: z.object({ reason, actor: actorSchema }),
  recordQaDecision: caseCommandFields.recordQaDecision.extend({ caseId, actor: actorSchema }).refine((d) => d.accepted || d.feedback, {
    message: 'feedback is required when a review request is not accepted (it goes back to the professional)',
    path: ['feedback'],
  }),
  recordReviewOutcome: caseCommandFields.recordReviewOutcome.extend({ caseId, actor: actorSchema }),
  /** [002] 3.17–3.23: forwarded to the case's `recordMaracOutcome`. */
  recordMaracOutcome: caseCommandFields.recordMaracOutcome.extend({ caseId, actor: actorSchema }),
} as const;

export type MeetingCommandName = keyof typeof meetingCommandSchemas;
export type MeetingCommand<N extends MeetingCommandName> = z.output<(typeof meetingCommandSchemas)[N]>;
export type MeetingCommandInput<N extends MeetingCommandName> = z.input<(typeof meetingCommandSchemas)[N]>;
export type MeetingOutcome = MeetingCommand<'recordOutcome'>['outcome'];
