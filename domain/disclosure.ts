import { z } from 'zod';
import { instantInputSchema, instantSchema } from './time';

/**
 * Third-party disclosure ([002] 3.39–3.40): case information goes to no third party, and into no
 * report for court, child protection, adult safeguarding or another process, without the express
 * consent of the chair. The chair records that consent on the case (`recordDisclosureConsent`);
 * an export for a third party names the consent and carries only what it covers.
 */
export const disclosurePurposes = ['court', 'child-protection', 'adult-safeguarding', 'other-process'] as const;
export const disclosurePurposeSchema = z.enum(disclosurePurposes);
export type DisclosurePurpose = z.infer<typeof disclosurePurposeSchema>;

/** The parts of a case an export may carry; a consent names those it covers. */
export const disclosureParts = ['case', 'referral', 'timeline', 'matrix', 'agency-summaries', 'victim-contact'] as const;
export const disclosurePartSchema = z.enum(disclosureParts);
export type DisclosurePart = z.infer<typeof disclosurePartSchema>;

export const consentIdSchema = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"');

const text = z.string().trim().min(1).max(2_000);

/** The chair's consent: to whom, for what, covering which parts, until when, and why. */
export const disclosureConsentFields = z.object({
  consentId: consentIdSchema,
  /** The organisation or process receiving it (e.g. "Family Court, Bournemouth"); never the perpetrator. */
  recipient: text.max(500),
  purpose: disclosurePurposeSchema,
  scope: z.array(disclosurePartSchema).min(1).max(disclosureParts.length).transform((parts) => [...new Set(parts)]),
  /** After this instant the consent no longer allows an export. */
  expiresAt: instantInputSchema.optional(),
  rationale: text,
});
export type DisclosureConsentFields = z.output<typeof disclosureConsentFields>;

/** The timeline entry's data (domain/timeline.ts `disclosure.consented`). */
export const disclosureConsentedData = {
  consentId: z.string(),
  recipient: z.string(),
  purpose: disclosurePurposeSchema,
  scope: z.array(disclosurePartSchema),
  expiresAt: instantSchema.optional(),
};

/** A message the mail guard refused (activities/mail.guard.ts): the timeline entry `notification.withheld`. */
export const notificationWithheldData = {
  notificationId: z.string(),
  topic: z.string(),
  /** Positions in the message's recipient list, never the addresses. */
  positions: z.array(z.number().int().min(0)),
};
