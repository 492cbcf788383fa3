import { caseRecordOf, type CaseRecord } from '../../domain/case-record';
import { getProfile } from '../../domain/profiles';
import type { CaseContext } from './context';
import { involvedAgencies } from './messages';
import type { CaseView } from './public-state';

/**
 * The case record (domain/case-record.ts) of a case view: the workflow takes it after every change,
 * and `hrda ops rebuild-records` from the view a history rebuilds to. The agencies are the ones the
 * search attribute HrdaAgencies lists (workflows/case/search-attributes.ts), read from the view, which
 * carries every context field they come from (referral, route, sharing, MARAC referral, actions, leads,
 * MASH stage and restriction).
 */
export function caseRecordOfView(view: CaseView, meta: { version: number; startedAt: string; status: CaseRecord['status'] }): CaseRecord {
  const profile = getProfile(view.profile);
  const context = { ...view, profileId: view.profile, restriction: view.restriction ?? null, mash: view.mash ?? null } as unknown as CaseContext;
  const agencies = [...new Set([...involvedAgencies(profile, context), ...view.summariesReceived])];
  return caseRecordOf(view, { ...meta, agencies });
}
