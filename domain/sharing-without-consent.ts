import { z } from 'zod';
import { agencyIdSchema } from './actor';
import { multiLineText, singleLineText, textLimits } from './text';

/**
 * Sharing without consent (issue 21 item 5). The referral forms (SafeLives', Kirklees') record,
 * when information is shared without the victim's consent, the lawful basis chosen and who made
 * the decision. The seed protocols share regardless of consent where the risk calls for it —
 * [001] MARAC: "In cases where the victim [is] unwilling to consent the victim must be advised that
 * the case will be referred to the MARAC irrespectively"; [003] §3.4: "Police do not require formal
 * consent to refer to Refuge where there are safeguarding concerns"; [003] MASH meetings: "The
 * statutory basis of the MASH meeting/ strategy discussion will always be made clear"; [001] DVDS:
 * "Any disclosure must be lawful, necessary and proportionate" — but none of them lists the bases.
 * The list below is the one the referral forms name, in the words of the statute each rests on
 * (Data Protection Act 2018 and UK GDPR); a profile says which of them its area accepts.
 */
export const lawfulBases = [
  'vital-interests',
  'safeguarding-individuals-at-risk',
  'prevention-or-detection-of-crime',
  'legal-obligation',
] as const;
export const lawfulBasisSchema = z.enum(lawfulBases);
export type LawfulBasis = z.infer<typeof lawfulBasisSchema>;

/** Each basis as papers, reports and docs print it: the statute's own wording and where it is. */
export const lawfulBasisWording: Record<LawfulBasis, string> = {
  'vital-interests': 'Vital interests: necessary to protect the vital interests of the victim or of another person (UK GDPR Art. 6(1)(d); Art. 9(2)(c) where the victim is incapable of giving consent)',
  'safeguarding-individuals-at-risk': 'Public task: safeguarding of children and of individuals at risk (UK GDPR Art. 6(1)(e); DPA 2018 Sch. 1 para 18)',
  'prevention-or-detection-of-crime': 'Prevention or detection of crime: preventing or detecting unlawful acts (DPA 2018 Sch. 1 para 10; the crime exemption of Sch. 2 para 2, formerly DPA 1998 s.29)',
  'legal-obligation': 'Legal obligation: necessary to comply with a legal obligation, e.g. a court order (UK GDPR Art. 6(1)(c))',
};

/**
 * Who decided to share without consent: their role (a post, e.g. "Detective Sergeant, Safeguarding
 * Referral Unit" — not a name) and agency. Whoever submits it is known from their token and is the
 * timeline entry's actor; the decision is often a manager's, so it is recorded apart.
 */
export const sharingDeciderSchema = z.object({
  role: singleLineText(textLimits.name),
  agency: agencyIdSchema,
});
export type SharingDecider = z.infer<typeof sharingDeciderSchema>;

/** The decision as a referral or a "victim told" update carries it. */
export const sharingWithoutConsentSchema = z.object({
  basis: lawfulBasisSchema.meta({ description: `The lawful basis for sharing without consent: ${lawfulBases.map((b) => `\`${b}\` — ${lawfulBasisWording[b]}`).join('; ')}. The profile may accept fewer (docs/profiles.md).` }),
  decidedBy: sharingDeciderSchema.meta({ description: 'Who decided to share without consent: their role (a post, not a name) and agency (the profile\'s). Who submits it is known from the token.' }),
  /** Why sharing was necessary and proportionate ([001] DVDS's words); free text, kept in the case. */
  rationale: multiLineText(textLimits.note).optional().meta({ description: 'Why sharing without consent was necessary and proportionate.' }),
}).meta({ description: 'Required when consent to share is absent (and refused when it is given): the lawful basis chosen and who decided (docs/contract.md, sharing without consent). On the timeline as `sharing.without-consent`.' });
export type SharingWithoutConsent = z.infer<typeof sharingWithoutConsentSchema>;

/** The profile's section: which bases the area accepts. Absent: the profile asks for none. */
export const sharingWithoutConsentProfileSchema = z.object({
  bases: z.array(lawfulBasisSchema).min(1),
});
export type SharingWithoutConsentProfile = z.infer<typeof sharingWithoutConsentProfileSchema>;

/** Where the consent was found absent: on the referral, or when the victim was told of the MARAC referral ([001]). */
export const sharingDecidedAtSchema = z.enum(['referral', 'victim-told']);

/** The timeline entry's data (`sharing.without-consent`): codes only; the rationale is the entry's `rationale`. */
export const sharingWithoutConsentData = {
  basis: lawfulBasisSchema,
  decidedBy: sharingDeciderSchema,
  decidedAt: sharingDecidedAtSchema,
};

/** What a case keeps of the latest such decision (its view `sharingWithoutConsent`). */
export interface CaseSharingWithoutConsent {
  basis: LawfulBasis;
  decidedBy: SharingDecider;
  decidedAt: z.infer<typeof sharingDecidedAtSchema>;
  at: string;
}

export interface ConsentIssue {
  path: string;
  message: string;
}

const allowed = (section: SharingWithoutConsentProfile) => section.bases.map((b) => `"${b}"`).join(', ');

/**
 * The field errors of a consent and its basis under a profile: absent consent needs a basis the
 * profile accepts and who decided; given consent takes none (a basis there would be counted as
 * sharing without consent). `prefix` is where the consent sits (`victim.consent` on a referral).
 */
export function consentIssues(
  section: SharingWithoutConsentProfile | undefined,
  profileId: string,
  consentGiven: boolean | undefined,
  decision: { basis?: unknown } | undefined,
  paths: { consent: string; decision: string },
): ConsentIssue[] {
  if (!section || consentGiven === undefined) return [];
  if (consentGiven && decision !== undefined) {
    return [{ path: paths.decision, message: `the victim consented to share (${paths.consent} = true): a lawful basis for sharing without consent is given only when consent is absent` }];
  }
  if (!consentGiven && decision === undefined) {
    return [{
      path: paths.decision,
      message: `the victim has not consented to share (${paths.consent} = false): give the lawful basis for sharing without consent, { basis, decidedBy: { role, agency }, rationale? }, the basis one of ${allowed(section)} (${profileId})`,
    }];
  }
  const basis = decision?.basis;
  if (typeof basis === 'string' && (lawfulBases as readonly string[]).includes(basis) && !section.bases.includes(basis as LawfulBasis)) {
    return [{ path: `${paths.decision}.basis`, message: `${profileId} does not accept "${basis}" as a basis for sharing without consent; one of ${allowed(section)}` }];
  }
  return [];
}

/** A case's consent as the SafeLives return counts it: present when information was shared without it, with the basis (null: not recorded). */
export interface WithoutConsent {
  basis: LawfulBasis | null;
}

/**
 * Whether a case was shared without the victim's consent, and on which basis: consent to share
 * absent on the referral, or refused when the victim was told of the MARAC referral ([001]). A
 * case from before bases were recorded has none (null).
 */
export function withoutConsentOf(c: {
  referral: { victim: { consent: { share: boolean } } };
  sharingWithoutConsent?: { basis: LawfulBasis };
  maracReferral?: { told: readonly { consentToShare?: boolean }[] };
}): WithoutConsent | null {
  const refused = !c.referral.victim.consent.share || (c.maracReferral?.told.some((t) => t.consentToShare === false) ?? false);
  if (!refused && !c.sharingWithoutConsent) return null;
  return { basis: c.sharingWithoutConsent?.basis ?? null };
}
