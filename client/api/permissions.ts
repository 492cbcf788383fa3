import type { AgencyId } from '../../domain/actor';
import { isAgencyScoped, type ApiRole, type Principal } from '../../domain/auth';
import { restrictedAccess } from '../../domain/restriction';
import type { CaseCommandName } from '../../domain/case-commands';
import { getProfile, profiles } from '../../domain/profiles';
import type { CaseContext, CaseView } from '../../machines/referral';
import { involvedAgencies } from '../../machines/referral/messages';

/**
 * Who may do what (issue 6). Administrators and chairs act on every case; an agency
 * practitioner or lead professional sees and acts only on the cases their agency is involved
 * in, and any other case is "not found" to them so that its existence is not disclosed;
 * auditors read everything and write nothing; ops see a skeleton without personal data.
 */

/** Agencies involved in a case, in the protocol's sense (machines/referral/messages.ts), plus any that sent a summary. */
export function caseAgencies(view: CaseView): AgencyId[] {
  // The case view carries the context fields involvedAgencies reads (referral, route, actions, leads).
  const protocol = involvedAgencies(getProfile(view.profile), view as unknown as CaseContext);
  return [...new Set([...protocol, ...view.summariesReceived])];
}

/**
 * How much of a case the caller reads: `full`, `skeleton` (no personal data: ops, and chairs who
 * are not on a restricted case's need-to-know list) or `none` (the API answers 404).
 * A restricted case (domain/restriction.ts) is read in full by the people on its list — an agency
 * role among them even when its agency is not involved — and by auditors; nobody else but chairs
 * and ops learns it exists.
 */
export type CaseAccess = 'full' | 'skeleton' | 'none';

export function caseAccess(principal: Principal, view: CaseView): CaseAccess {
  const restricted = restrictedAccess(principal, view);
  if (restricted === 'hidden') return 'none';
  if (restricted === 'skeleton' || principal.role === 'ops') return 'skeleton';
  if (view.restricted) return 'full';
  if (!isAgencyScoped(principal.role)) return 'full';
  return principal.agency !== undefined && caseAgencies(view).includes(principal.agency) ? 'full' : 'none';
}

export function maySee(principal: Principal, view: CaseView): boolean {
  return caseAccess(principal, view) !== 'none';
}

/** Commands a chair who is not on a restricted case's list may still give: deciding who needs to know. */
export const restrictionCommands: readonly CaseCommandName[] = ['restrictCase', 'amendNeedToKnow'];

/** The profiles whose information request goes to the agency: it is involved in their HRDA cases. */
export const profilesAsking = (agency: AgencyId): string[] => Object.values(profiles).filter((p) => p.infoRequest.agencies.includes(agency)).map((p) => p.id);

/**
 * The visibility-query form of the same rule, for lists: the agencies the case workflow indexes
 * (HrdaAgencies), or an HRDA case of a profile whose information request goes to the agency.
 */
export function involvementClause(agency: AgencyId, literal: (s: string) => string): string {
  const asked = profilesAsking(agency).map(literal);
  const indexed = `HrdaAgencies = ${literal(agency)}`;
  return asked.length ? `(${indexed} OR (HrdaRoute = 'hrda' AND HrdaProfile IN (${asked.join(', ')})))` : indexed;
}

/**
 * The visibility-query form of restriction, for lists: administrators and agency roles see a
 * restricted case only when their `sub` is on its list (HrdaNeedToKnow). Auditors, chairs and ops
 * list every case (a list shows search attributes only: no personal data). A case without
 * HrdaRestricted was started before restriction existed and was never restricted at intake.
 */
export function restrictionClause(principal: Principal, literal: (s: string) => string): { unrestricted: string; onList: string } | null {
  if (principal.role === 'auditor' || principal.role === 'ops' || principal.role === 'chair') return null;
  return { unrestricted: '(HrdaRestricted IS NULL OR HrdaRestricted = false)', onList: `HrdaNeedToKnow = ${literal(principal.sub)}` };
}

export interface CommandRule<N extends CaseCommandName = CaseCommandName> {
  roles: readonly ApiRole[];
  /** A check on the caller and the input alone, before the case is looked at: why it is not permitted, or undefined. */
  checkInput?: (principal: Principal, input: CommandFields<N>) => string | undefined;
  /** A check against the case (which the caller may see): why it is not permitted, or undefined. */
  checkCase?: (principal: Principal, input: CommandFields<N>, view: CaseView) => string | undefined;
}
type CommandFields<N extends CaseCommandName> =
  N extends 'submitSummary' ? { agency: string } : N extends 'updateAction' ? { actionId: string } : N extends 'raiseDispute' ? { raisedBy: string } : unknown;

const professionals = ['administrator', 'chair', 'agency-practitioner', 'lead-professional'] as const;

export const commandRules: { [N in CaseCommandName]: CommandRule<N> } = {
  submitSummary: {
    roles: ['agency-practitioner', 'lead-professional', 'administrator', 'chair'],
    checkInput: (p, input) => (p.agency === input.agency ? undefined : `a summary is submitted by the agency itself; your token acts for ${p.agency ?? 'no agency'}, not ${input.agency}`),
  },
  recordVictimContact: { roles: ['agency-practitioner', 'lead-professional', 'administrator'] },
  recordMeetingOutcome: { roles: ['administrator'] },
  updateAction: {
    roles: ['agency-practitioner', 'lead-professional', 'administrator'],
    checkCase: (p, input, view) => {
      if (!isAgencyScoped(p.role)) return undefined;
      const action = view.actions.find((a) => a.id === input.actionId);
      // An unknown action is the case's to refuse, with the list of its actions.
      return !action || action.owner === p.agency ? undefined : `action ${input.actionId} is owned by ${action.owner}; only its owner updates it`;
    },
  },
  requestReview: {
    roles: ['lead-professional', 'administrator'],
    checkCase: (p, _input, view) =>
      !isAgencyScoped(p.role) || Object.values(view.leads).some((l) => l?.agency === p.agency)
        ? undefined
        : `a review is requested by a lead professional of the case (leads: ${Object.values(view.leads).map((l) => l?.agency).join(', ') || 'none yet'})`,
  },
  recordQaDecision: { roles: ['chair'] },
  recordReviewOutcome: { roles: ['administrator', 'chair'] },
  changeRisk: { roles: professionals },
  raiseDispute: {
    roles: professionals,
    checkInput: (p, input) =>
      !isAgencyScoped(p.role) || p.agency === input.raisedBy ? undefined : `an agency raises a dispute in its own name; your token acts for ${p.agency}, not ${input.raisedBy}`,
  },
  closeCase: { roles: ['administrator'] },
  /** [002] 3.39–3.40: the express consent of the chair. */
  recordDisclosureConsent: { roles: ['chair'] },
  // 003 §18.3: a chair decides who needs to know (domain/restriction.ts).
  restrictCase: { roles: ['chair'] },
  amendNeedToKnow: { roles: ['chair'] },
  // DVDS wording is agreed at the meeting (administrator, chair); the case refuses a sign-off by any agency but the profile's (the Police).
  recordDvds: { roles: ['administrator', 'chair'] },
  signOffDvds: { roles: professionals },
  recordDvpo: { roles: professionals },
  reportDvpoBreach: { roles: professionals },
  // [002] 2.26: the chair asks the representatives to confirm the level; the case refuses anyone else.
  confirmRisk: { roles: ['chair'] },
  recordChildrenCheck: { roles: ['administrator', 'chair'] },
  // [002] 2.28: the daily meeting agrees the referral on; its administrator or chair records it, and the MARAC's outcome.
  referToMarac: { roles: ['administrator', 'chair'] },
  recordMaracOutcome: { roles: ['administrator', 'chair'] },
  // [001]: First Response (children's social care) decides, health shares; the case refuses any other agency.
  recordFirstResponseDecision: { roles: professionals },
  recordHealthSharing: { roles: professionals },
  // The agency that holds the contact with the victim tells them of the MARAC referral; the case refuses any other.
  recordVictimTold: { roles: professionals },
  // The MASH stage (domain/mash.ts): the case refuses anyone the profile's rules do not name (e.g. a team manager's rating).
  recordScreening: { roles: professionals },
  setRagRating: { roles: ['chair', 'administrator'] },
  recordTriageResponse: {
    roles: ['agency-practitioner', 'lead-professional', 'administrator'],
    // 003 §14.4: an agency returns its own; MASH staff load the responses that come by secure email.
    checkInput: (p, input) => {
      const { agency } = input as { agency: string };
      return !isAgencyScoped(p.role) || p.agency === agency ? undefined : `an agency returns its own triage response; your token acts for ${p.agency ?? 'no agency'}, not ${agency}`;
    },
  },
  conveneMashMeeting: { roles: ['administrator', 'chair'] },
  recordMashDecision: { roles: ['chair', 'administrator'] },
};
