import type { Actor, AgencyId } from '../../domain/actor';
import type { Notification } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';
import type { CommandEvent } from './events';
import { restrictedNotice } from './messages';
import { recordSharingWithoutConsent } from './sharing-without-consent';
import { withEntry } from './timeline';

/**
 * Referral to the MARAC whatever the victim's consent, the victim being told
 * (001_d05a419fff4ecf95.txt, MARAC; domain/marac-referral.ts). Only a profile with
 * `maracReferral` gives a case this step.
 */
export type VictimToldEvent = CommandEvent<'recordVictimTold'>;

export interface CaseMaracReferral {
  /** The victim's consent to share, as the referral recorded it: the case is heard either way. */
  consent: boolean;
  victimToldBy: AgencyId;
  told: { at: Instant; outcome: VictimToldEvent['outcome']; consentToShare?: boolean; note?: string; by: Actor }[];
}

/**
 * On routing to the MARAC: the referral and the victim's consent on the timeline, and the agency
 * that holds the contact with the victim asked to tell them. Undefined under a profile without the step.
 */
export function referToMarac(profile: Profile, c: CaseContext): Pick<CaseContext, 'maracReferral' | 'timeline' | 'outbox'> | undefined {
  const section = profile.maracReferral;
  if (!section || c.maracReferral) return undefined;
  const r = c.referral;
  const consent = r.victim.consent.share;
  const by = r.victim.chosenLeadAgency ?? section.victimToldBy;
  const at = r.receivedAt;
  const why = consent
    ? `The victim consented to share. They are told that the case goes to the MARAC of ${c.meetingAt}.`
    : `The victim did not consent to share: the case goes to the MARAC of ${c.meetingAt} regardless ([001] MARAC), and the victim must be told so.`;
  return {
    maracReferral: { consent, victimToldBy: by, told: [] },
    timeline: withEntry(c, 'marac.referred', at, { consent, victimToldBy: by }, { rationale: why }),
    outbox: [...c.outbox, {
      id: `${c.caseId}:victim-to-be-told`,
      caseId: c.caseId,
      profileId: c.profileId,
      // An agency of the directory, never an address: nothing can reach the perpetrator this way.
      to: [by],
      topic: 'victim-to-be-told',
      subject: `[HRDA ${c.caseId.slice(0, 8)}] Tell the victim: case referred to the MARAC of ${c.meetingAt}`,
      body: [
        `This case is referred to the MARAC of ${c.meetingAt}. Tell the victim, when it is safe to, that it is being referred${consent ? '.' : ', and that it goes to the MARAC although they did not consent to share: the protocol refers it regardless.'}`,
        'Seek their consent to share information, and record on the case that they were told (or why they could not be).',
        ...(c.restriction
          ? [restrictedNotice]
          : [`Victim: ${r.victim.name}`, ...(r.victim.contact?.phone ? [`Phone: ${r.victim.contact.phone}`] : []), ...(r.victim.contact?.email ? [`Email: ${r.victim.contact.email}`] : [])]),
        'Never tell the perpetrator or anyone connected to them.',
      ],
    } satisfies Notification],
  };
}

/** Why the case refuses the action, or undefined when it takes it. */
export function victimToldProblem(profile: Profile, c: CaseContext, e: VictimToldEvent): string | undefined {
  if (!profile.maracReferral) return `${profile.id} has no step for telling the victim of a MARAC referral`;
  const m = c.maracReferral;
  if (!m) return `the case is not referred to the MARAC (route ${c.route ?? 'not yet decided'})`;
  const told = m.told.find((t) => t.outcome === 'told');
  if (told) return `the victim was already told at ${told.at}`;
  if (e.actor.agency !== m.victimToldBy) return `the victim is told by ${m.victimToldBy}, the agency that holds the contact with them, not ${e.actor.agency ?? 'an actor without an agency'}`;
  return undefined;
}

export function applyVictimTold(c: CaseContext, e: VictimToldEvent): Pick<CaseContext, 'maracReferral' | 'timeline' | 'sharingWithoutConsent'> {
  const m = c.maracReferral!;
  const record = { at: e.at, outcome: e.outcome, ...(e.consentToShare !== undefined ? { consentToShare: e.consentToShare } : {}), ...(e.note ? { note: e.note } : {}), by: e.actor };
  const timeline = withEntry(c, 'victim.told', e.at, { outcome: e.outcome, ...(e.consentToShare !== undefined ? { consentToShare: e.consentToShare } : {}) }, { actor: e.actor, rationale: e.note });
  // The victim refused to share and the case is heard regardless: the basis, when this update gives it.
  const sharing = e.consentToShare === false && e.sharingWithoutConsent
    ? recordSharingWithoutConsent({ ...c, timeline }, e.sharingWithoutConsent, e.at, 'victim-told', e.actor)
    : undefined;
  return { maracReferral: { ...m, told: [...m.told, record] }, timeline, ...sharing };
}
