import { z } from 'zod';
import { agencyIdSchema } from './actor';
import type { Profile } from './profile';
import { referralSourceSchema, type Referral, type ReferralSource, type Risk } from './referral';
import type { Route } from './timeline';

/**
 * Which referrals a meeting hears beyond its plain level routing, for a protocol that triages
 * ([002] 2.2, 2.5): every high-risk case; a medium-risk police incident only where children are
 * linked or the victim consents to information sharing; MARAC transfers, DVDS applications and
 * DVPO notices whatever their level. A profile without `routing.triage` routes by level alone.
 */
export const triageConditions = ['children-linked', 'victim-consents-to-share'] as const;

export const triageSchema = z.object({
  /** [002] 2.5: a medium-risk police incident is heard when any of these holds; otherwise it takes the medium route. */
  mediumPoliceIncidentHeardWhen: z.array(z.enum(triageConditions)).min(1),
  /** Sources heard whatever their level ([002] 2.7 MARAC transfers, 2.10 DVDS, 2.11 DVPOs). */
  alwaysHeard: z.array(referralSourceSchema).default([]),
  /** The agency whose referrals are police incidents when a referral does not say its source. */
  policeAgency: agencyIdSchema.default('police'),
});
export type Triage = z.infer<typeof triageSchema>;

/** What brings a referral: as it says, or by who referred it. */
export function sourceOf(profile: Profile, referral: Referral): ReferralSource {
  return referral.source ?? (referral.referrer.agency === (profile.routing.triage?.policeAgency ?? 'police') ? 'police-incident' : 'third-party');
}

const holds = (condition: (typeof triageConditions)[number], referral: Referral): boolean =>
  condition === 'children-linked' ? referral.children.length > 0 : referral.victim.consent.share;

/** Why the triage sends this referral to the meeting although its level alone would not, or undefined. */
export function triageReason(profile: Profile, referral: Referral, risk: Risk): string | undefined {
  const triage = profile.routing.triage;
  if (!triage || profile.routing[risk] === 'hrda') return undefined;
  const source = sourceOf(profile, referral);
  if (triage.alwaysHeard.includes(source)) return `A ${source} referral is heard whatever its level (assessed as ${risk} risk).`;
  if (risk !== 'medium' || source !== 'police-incident') return undefined;
  const met = triage.mediumPoliceIncidentHeardWhen.filter((c) => holds(c, referral));
  if (!met.length) return undefined;
  return `A medium-risk police incident is heard where ${met.map((c) => (c === 'children-linked' ? 'children are linked' : 'the victim consents to information sharing')).join(' and ')}.`;
}

/** The route a referral takes unless it is a repeat (PROTOCOL.md §1.1, with the profile's triage). */
export function routeIfNotRepeat(profile: Profile, referral: Referral, risk: Risk = referral.assessment.risk): Route {
  return triageReason(profile, referral, risk) ? 'hrda' : profile.routing[risk];
}
