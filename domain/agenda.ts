import { z } from 'zod';
import { maracCategorySchema } from './marac';
import { referralSourceSchema, riskSchema } from './referral';
import { instantSchema } from './time';

/**
 * What a meeting knows of a case it will hear: enough to order its agenda, and nothing personal,
 * so a meeting's history and search attributes carry no personal data.
 */
export const agendaEntrySchema = z.object({
  caseId: z.string().min(1),
  risk: riskSchema,
  childrenLinked: z.boolean(),
  repeat: z.boolean(),
  receivedAt: instantSchema,
  /** What brings the case to this meeting. */
  item: z.enum(['new-referral', 'rolled-over', 'management-review', 'marac-referral']),
  /** What brought the referral, for a profile that orders by it ([002] 2.20; domain/triage.ts). */
  source: referralSourceSchema.optional(),
  /** A police incident: whether it happened in the meeting's incident window ([002] 2.5; domain/cutoffs.ts). */
  inIncidentWindow: z.boolean().optional(),
  /** At a MARAC: the category the daily meeting referred the case in ([002] 2.54, 3.7). */
  maracCategory: maracCategorySchema.optional(),
});
export type AgendaEntry = z.infer<typeof agendaEntrySchema>;

export const meetingKinds = ['daily', 'monthly', 'marac'] as const;
export type MeetingKind = (typeof meetingKinds)[number];

/** Deterministic and free of personal data: one meeting workflow per profile, kind and date. */
export const meetingWorkflowId = (profileId: string, kind: MeetingKind, date: string) => `meeting-${profileId}-${kind}-${date}`;

/** Why a case was not heard at the meeting it was on, and goes to the next one. */
export const rollOverReasonSchema = z.enum(['out-of-time', 'meeting-cancelled', 'after-cut-off']);
export type RollOverReason = z.infer<typeof rollOverReasonSchema>;
