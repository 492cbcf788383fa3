import { z } from 'zod';
import { agencyIdSchema } from './actor';
import { sharingWithoutConsentSchema } from './sharing-without-consent';

/**
 * Referral to the MARAC whatever the victim's consent, the victim being told
 * (001_d05a419fff4ecf95.txt, "Multi-Agency Risk Assessment Conference": "Victims should always be
 * advised that their case is being referred to MARAC and their consent to share information must
 * be sought. In cases where the victim [is] unwilling to consent the victim must be advised that the
 * case will be referred to the MARAC irrespectively.").
 *
 * The engine never holds a case back for want of consent; a profile with this section makes
 * telling the victim a step of its own: the agency that holds the contact with the victim is asked
 * to tell them, and records that it has.
 */
export const maracReferralSchema = z.object({
  /** Who tells the victim: the agency that holds the contact with them (Trafford: the IDVA service). */
  victimToldBy: agencyIdSchema,
});
export type MaracReferralSection = z.infer<typeof maracReferralSchema>;

export const victimToldOutcomes = ['told', 'unable-to-contact', 'unsafe-to-contact'] as const;
export const victimToldOutcomeSchema = z.enum(victimToldOutcomes);

/** Each action's own fields (domain/case-commands.ts adds `actor`). */
export const maracReferralCommandFields = {
  /** The victim was told their case goes to the MARAC (or could not be, safely); the consent they gave, if asked. */
  recordVictimTold: z.object({
    outcome: victimToldOutcomeSchema,
    consentToShare: z.boolean().optional(),
    /** Consent to share refused: the lawful basis and who decided, unless the case already has one (domain/sharing-without-consent.ts). */
    sharingWithoutConsent: sharingWithoutConsentSchema.optional(),
    note: z.string().trim().min(1).max(20_000).optional(),
  }),
} as const;
