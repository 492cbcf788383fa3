import type { Actor } from '../../domain/actor';
import type { Profile } from '../../domain/profile';
import { consentIssues, type CaseSharingWithoutConsent, type ConsentIssue, type SharingWithoutConsent } from '../../domain/sharing-without-consent';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';
import type { VictimToldEvent } from './marac-referral';
import { withEntry } from './timeline';

/**
 * Sharing without the victim's consent (issue 21 item 5; domain/sharing-without-consent.ts): the
 * lawful basis and who decided, on the timeline (`sharing.without-consent`) and kept on the case
 * for the SafeLives return. Only a referral or an update that carries the decision writes it, so a
 * case begun before this existed is told exactly as it was.
 */
export function recordSharingWithoutConsent(
  c: CaseContext,
  decision: SharingWithoutConsent,
  at: Instant,
  decidedAt: CaseSharingWithoutConsent['decidedAt'],
  actor: Actor,
): Pick<CaseContext, 'sharingWithoutConsent' | 'timeline'> {
  const { basis, decidedBy, rationale } = decision;
  return {
    sharingWithoutConsent: { basis, decidedBy, decidedAt, at },
    timeline: withEntry(c, 'sharing.without-consent', at, { basis, decidedBy, decidedAt }, { actor, ...(rationale ? { rationale } : {}) }),
  };
}

/** At intake: the referral's own decision, when the victim's consent to share was absent. */
export function sharingAtIntake(c: CaseContext): Pick<CaseContext, 'sharingWithoutConsent' | 'timeline'> | undefined {
  const r = c.referral;
  const decision = r.victim.consent.sharingWithoutConsent;
  if (!decision || r.victim.consent.share || c.sharingWithoutConsent) return undefined;
  return recordSharingWithoutConsent(c, decision, r.receivedAt, 'referral', c.submitter ?? { role: 'agency-practitioner', agency: r.referrer.agency });
}

/**
 * The field errors of a "victim told" update for its consent: the victim refused to share, the case
 * goes to the MARAC regardless ([001]), and neither the referral nor this update gives the basis.
 * Checked when the update is offered (its validator, workflows/case/commands.ts), never in the
 * machine's guard: an update accepted before this rule existed replays as it was recorded.
 */
export function victimToldConsentIssues(profile: Profile, c: CaseContext, e: VictimToldEvent): ConsentIssue[] {
  const decision = e.sharingWithoutConsent;
  const issues: ConsentIssue[] = [];
  if (decision && !profile.agencies.some((a) => a.id === decision.decidedBy.agency)) {
    issues.push({ path: 'sharingWithoutConsent.decidedBy.agency', message: `unknown agency "${decision.decidedBy.agency}" for profile ${profile.id}` });
  }
  // The referral already gave the basis for sharing without consent: the refusal needs no second one.
  if (c.sharingWithoutConsent && e.consentToShare === false && !decision) return issues;
  return [...issues, ...consentIssues(profile.sharingWithoutConsent, profile.id, e.consentToShare, decision, { consent: 'consentToShare', decision: 'sharingWithoutConsent' })];
}
