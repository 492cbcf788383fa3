import type { Profile } from '../../domain/profile';
import type { CaseCommand } from '../../domain/case-commands';
import type { CaseContext, Lead } from './context';

type Leads = CaseContext['leads'];

/**
 * PROTOCOL.md §1.3: the DAA leads for the victim unless the victim has chosen a lead agency
 * ([004] case co-ordination); Children's Social Care for the children when there are any;
 * Probation automatically for MAPPA level 2 or 3, otherwise the agency the meeting agreed.
 * Returns the leads, or the reason the outcome cannot stand.
 */
export function assignLeads(profile: Profile, context: CaseContext, agreed: CaseCommand<'recordMeetingOutcome'>['outcome']['leads']): Leads | string {
  const leads: Leads = {};
  const chosen = context.referral.victim.chosenLeadAgency;
  leads.victim = chosen
    ? { agency: chosen, basis: 'chosen by the victim' }
    : agreed.victim
      ? { agency: agreed.victim, basis: 'agreed at the meeting' }
      : { agency: profile.leads.victim, basis: `the protocol: ${profile.leads.victimBasis}` };

  if (context.referral.children.length > 0) {
    leads.children = agreed.children
      ? { agency: agreed.children, basis: 'agreed at the meeting' }
      : { agency: profile.leads.children, basis: 'the protocol: children are linked to the case' };
  } else if (agreed.children) {
    return 'no children are linked to the case, so no lead for children can be assigned';
  }

  const mappa = context.referral.perpetrator.mappaLevel;
  const automatic = mappa !== undefined && profile.leads.perpetratorByMappa.levels.includes(mappa);
  if (automatic) {
    const agency = profile.leads.perpetratorByMappa.agency;
    if (agreed.perpetrator && agreed.perpetrator !== agency) {
      return `the perpetrator is MAPPA level ${mappa}, so ${agency} leads for the perpetrator automatically (not ${agreed.perpetrator})`;
    }
    leads.perpetrator = { agency, basis: `the protocol: MAPPA level ${mappa}` } satisfies Lead;
  } else if (agreed.perpetrator) {
    leads.perpetrator = { agency: agreed.perpetrator, basis: 'agreed at the meeting' };
  } else {
    return 'a lead professional for the perpetrator must be agreed (outcome.leads.perpetrator): no MAPPA level makes one automatic';
  }
  return leads;
}
