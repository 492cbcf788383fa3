import type { AgencyId } from '../../domain/actor';
import type { Profile } from '../../domain/profile';
import type { CaseContext } from './context';

/**
 * Agencies the MASH stage has involved in a case (machines/referral/mash.ts): its lead, those asked
 * at triage, those the incident was shared with, and those a decision's outcomes went to. Empty for
 * a case without a MASH stage.
 */
export function mashAgencies(profile: Profile, c: Pick<CaseContext, 'mash' | 'restriction'>): AgencyId[] {
  const m = c.mash;
  if (!m) return [];
  const outcomeAgencies = (m.decision?.outcomes ?? []).flatMap((id) => profile.mash?.outcomes.find((o) => o.id === id)?.notify ?? []);
  return [...new Set([c.restriction?.leadAgency ?? m.leadAgency, ...(m.triage?.agencies ?? []), ...(m.screening.completed?.sharedWith ?? []), ...outcomeAgencies])];
}
