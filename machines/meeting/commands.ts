import { z } from 'zod';
import { actorSchema, agencyIdSchema } from '../../domain/actor';
import { caseCommandFields } from '../../domain/case-commands';

/**
 * What people do to a meeting: one schema per update. A decision about a case taken at a
 * meeting (its outcome, the chairs' QA decision, a review outcome) is recorded on the case
 * itself by the client (client/meetings.ts), so that its free text lives only in the case's
 * history, under the case's data key; the meeting's update carries the reference alone — which
 * case, who, and for QA whether it was accepted — and the meeting checks with the case that the
 * decision stands (workflows/meeting-host.ts). Fields that would carry the text are refused here.
 */
const reason = z.string().trim().min(1).max(2_000);
const caseId = z.string().min(1).max(200);
const onTheCase = (what: string) =>
  z.never({ error: `${what} is recorded on the case, not sent to the meeting: the meeting keeps only the reference (use MeetingClient, which records it on the case)` }).optional();

export const meetingCommandSchemas = {
  recordOutcome: z.strictObject({ caseId, actor: actorSchema, outcome: onTheCase('the outcome (the HRDA Matrix)') }),
  recordAttendance: z.object({
    agencies: z.array(agencyIdSchema).min(1, 'name at least one attending agency'),
    actor: actorSchema.default({ role: 'administrator' }),
  }),
  declareClosure: z.object({ reason, actor: actorSchema }),
  recordQaDecision: z.strictObject({ caseId, accepted: z.boolean(), actor: actorSchema, feedback: onTheCase("the chairs' feedback") }),
  recordReviewOutcome: z.strictObject({
    caseId,
    actor: actorSchema,
    risks: onTheCase('the review outcome (risks)'),
    actions: onTheCase('the review outcome (actions)'),
    rationale: onTheCase('the review outcome (rationale)'),
  }),
  /**
   * [002] 3.17–3.23: the MARAC's outcome for a case is recorded on the case (its
   * `recordMaracOutcome`); the MARAC keeps the reference.
   */
  recordMaracOutcome: z.strictObject({
    caseId,
    actor: actorSchema,
    risks: onTheCase('the MARAC outcome (risks)'),
    actions: onTheCase('the MARAC outcome (actions)'),
    rationale: onTheCase('the MARAC outcome (rationale)'),
  }),
} as const;

export type MeetingCommandName = keyof typeof meetingCommandSchemas;
export type MeetingCommand<N extends MeetingCommandName> = z.output<(typeof meetingCommandSchemas)[N]>;
export type MeetingCommandInput<N extends MeetingCommandName> = z.input<(typeof meetingCommandSchemas)[N]>;

/**
 * The decision updates as they were before the meeting kept decisions by reference: they carried
 * the case's fields and the meeting forwarded them (activity `forwardToCase`). Read only when a
 * history recorded before that change is replayed (their validators do not run again).
 */
export const recordedMeetingCommandSchemas = {
  recordOutcome: z.object({ caseId, outcome: caseCommandFields.recordMeetingOutcome.shape.outcome, actor: actorSchema }),
  recordQaDecision: caseCommandFields.recordQaDecision.extend({ caseId, actor: actorSchema }),
  recordReviewOutcome: caseCommandFields.recordReviewOutcome.extend({ caseId, actor: actorSchema }),
} as const;
export type RecordedMeetingCommand<N extends keyof typeof recordedMeetingCommandSchemas> = z.output<(typeof recordedMeetingCommandSchemas)[N]>;
