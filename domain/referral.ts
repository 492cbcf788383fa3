import { z } from 'zod';
import { actorSchema, agencyIdSchema } from './actor';
import { equalityMonitoringSchema } from './equality';
import { incidentFactsSchema } from './incident-facts';
import { sharingWithoutConsentSchema } from './sharing-without-consent';
import { multiLineText, singleLineText, textLimits } from './text';
import { instantInputSchema, localDateSchema } from './time';

export const riskLevels = ['standard', 'medium', 'high'] as const;
export const riskSchema = z.enum(riskLevels);
export type Risk = z.infer<typeof riskSchema>;
export const riskRank = (r: Risk): number => riskLevels.indexOf(r);

export const assessmentTools = ['safelives-dash', 'police-dash', 'gp-red-flag', 'professional-judgement'] as const;
export const assessmentToolSchema = z.enum(assessmentTools);
const dashTools: readonly string[] = ['safelives-dash', 'police-dash'];

export const referralFlags = [
  'pregnancy', 'honour-based-violence', 'forced-marriage', 'stalking', 'separation', 'weapons',
  'strangulation', 'rape', 'perpetrator-on-licence', 'substance-misuse', 'mental-health', 'disability',
  'escalation', 'children-present', 'coercive-control', 'financial-abuse', 'threats-to-kill', 'pets',
] as const;

/**
 * What brings a referral to the meeting, where a protocol orders or routes by it ([002] 2.2, 2.20):
 * a police incident, a referral by another agency ("MARAC/3rd party"), a MARAC transfer from
 * another area, a DVDS application (section 4) or a DVPO notice (section 5). Optional: a referral
 * without it is a police incident when the police referred it, otherwise a third-party referral.
 */
export const referralSources = ['police-incident', 'third-party', 'marac-transfer', 'dvds', 'dvpo'] as const;
export const referralSourceSchema = z.enum(referralSources);
export type ReferralSource = z.infer<typeof referralSourceSchema>;

/**
 * Far above any real household, far below what would strain a case's history: a referral past
 * them is refused naming the field, not truncated.
 */
export const maxChildren = 30;
export const maxHousehold = 30;

const consentSchema = z.object({
  share: z.boolean(),
  contact: z.boolean(),
  /** Consent to share absent: the lawful basis chosen and who decided (domain/sharing-without-consent.ts); required then under a profile that asks. */
  sharingWithoutConsent: sharingWithoutConsentSchema.optional(),
});
const personName = singleLineText(textLimits.name);

const contactDetailsSchema = z.object({
  email: z.email().max(254).optional(),
  phone: singleLineText(40).optional(),
  address: multiLineText(textLimits.shortText).optional(),
});
export type ContactDetails = z.infer<typeof contactDetailsSchema>;

/** Someone connected to the perpetrator (PROTOCOL.md §1.1 invariant; [002] 3.41). */
const associateSchema = z.object({
  name: personName,
  relationship: singleLineText(textLimits.name),
  contact: contactDetailsSchema.optional(),
});

export const referralSchema = z
  .object({
    /** When the referral reached the single point of contact (PROTOCOL.md §1.1); defaults to now. */
    receivedAt: instantInputSchema.optional(),
    referrer: z.object({
      agency: agencyIdSchema,
      name: personName,
      contact: singleLineText(textLimits.name),
      /** Police referrals pass through the Safeguarding Referral Unit: who forwarded it, and when. */
      sru: z.object({ forwardedBy: personName, forwardedAt: instantInputSchema }).optional(),
    }),
    assessment: z.object({
      tool: assessmentToolSchema,
      risk: riskSchema,
      score: z.number().int().min(0).max(27).optional(),
      override: z.object({ risk: riskSchema, rationale: multiLineText(textLimits.note), by: singleLineText(textLimits.name) }).optional(),
    }),
    incident: z.object({
      occurredAt: instantInputSchema,
      summary: multiLineText(textLimits.summary),
      flags: z.array(z.enum(referralFlags)).max(referralFlags.length).default([]),
      /** The officer's answers to the information-sharing questions; a profile with criteria requires those it reads. */
      facts: incidentFactsSchema.optional(),
    }),
    victim: z.object({
      name: personName,
      dateOfBirth: localDateSchema,
      consent: consentSchema,
      contact: contactDetailsSchema.optional(),
      /** The victim may choose the agency that co-ordinates for them ([004] case co-ordination). */
      chosenLeadAgency: agencyIdSchema.optional(),
      /** Equality monitoring for the SafeLives data return (domain/equality.ts); every field optional. */
      equality: equalityMonitoringSchema.optional(),
    }),
    perpetrator: z.object({
      name: personName,
      dateOfBirth: localDateSchema.optional(),
      mappaLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
      /** Held so that nothing can ever be sent there (PROTOCOL.md §1.1 invariant). */
      contact: contactDetailsSchema.optional(),
      /**
       * People connected to the perpetrator (family, friends, new partner): nothing is ever sent to
       * their contact details either, and exports leave them out (domain/perpetrator-safety.ts).
       */
      associates: z.array(associateSchema).max(50).optional(),
    }),
    children: z.array(z.object({ name: personName, dateOfBirth: localDateSchema })).max(maxChildren).default([]),
    household: z.array(z.object({
      name: personName,
      relationship: singleLineText(textLimits.name),
      contact: contactDetailsSchema.optional(),
      /** Marks a household member as connected to the perpetrator: their contact details are blocked like the perpetrator's. */
      connectedToPerpetrator: z.boolean().optional(),
    })).max(maxHousehold).default([]),
    /** What brings the referral ([002] 2.2); see referralSources. */
    source: referralSourceSchema.optional(),
  })
  .superRefine((r, ctx) => {
    // Runs even when other fields failed (`when` below), so values may be unparsed: read defensively.
    const given = r as Partial<typeof r> | null | undefined;
    const { tool, score, risk, override } = (given && typeof given === 'object' ? given.assessment : undefined) ?? ({} as Partial<(typeof r)['assessment']>);
    if (typeof tool === 'string' && dashTools.includes(tool) && score === undefined) {
      ctx.addIssue({ code: 'custom', path: ['assessment', 'score'], message: `a score (0–27) is required for ${tool}` });
    }
    if (override && riskLevels.includes(override.risk) && override.risk !== risk) {
      ctx.addIssue({ code: 'custom', path: ['assessment', 'override', 'risk'], message: `the override records the level chosen, so it must equal assessment.risk (${risk})` });
    }
  }, { when: () => true });

export type ReferralInput = z.input<typeof referralSchema>;
export type Referral = z.output<typeof referralSchema> & { receivedAt: string };

/** A risk level changed by professional judgement: who, when and why (PROTOCOL.md §1.1). */
export const riskChangeSchema = z.object({ risk: riskSchema, rationale: z.string().min(1), by: actorSchema });
