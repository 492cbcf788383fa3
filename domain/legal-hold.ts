import { z } from 'zod';
import { actorSchema, type Role } from './actor';
import { instantSchema } from './time';
import { multiLineText, textLimits } from './text';

/**
 * Legal hold (issue 21 item 7): a case, and with it its subject, kept past the end of its retention
 * while a domestic homicide review or litigation is pending. While a hold is in place the retention
 * workflow destroys no data key of the subject (docs/data-protection.md, legal hold).
 */

/**
 * Who may place and lift a hold: administrators only. Keeping personal data past its period is a
 * decision of the controller about what the service does with it (UK GDPR art. 5(1)(e) and its
 * exceptions), like closing a case; auditors read everything and write nothing, which is what makes
 * their reads trustworthy, so they ask an administrator (docs/security.md, roles).
 */
export const holdRoles = ['administrator'] as const satisfies readonly Role[];

/** Why a hold is placed or lifted: free text (it may name the review), kept sealed under the case's key. */
export const holdReasonSchema = multiLineText(textLimits.shortText);

/** Strict: a field the service does not know (an expiry date, say) is refused rather than silently dropped. */
export const placeHoldBodySchema = z.strictObject({ reason: holdReasonSchema }).describe('Place a legal hold: why (a domestic homicide review, litigation)');
export const liftHoldBodySchema = z.strictObject({ reason: holdReasonSchema }).describe('Lift the legal hold in place: why');
export type PlaceHoldBody = z.infer<typeof placeHoldBodySchema>;

export const legalHoldSchema = z.object({
  holdId: z.string(),
  caseId: z.string(),
  placedAt: instantSchema,
  placedBy: actorSchema,
  reason: z.string(),
  lifted: z.object({ at: instantSchema, by: actorSchema, reason: z.string() }).optional(),
});
export type LegalHold = z.infer<typeof legalHoldSchema>;
