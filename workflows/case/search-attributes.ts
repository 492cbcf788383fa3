import { patched, upsertSearchAttributes, type SearchAttributes } from '@temporalio/workflow';
import type { Profile } from '../../domain/profile';
import { nextDeadline, publicStage, type CaseSnapshot } from '../../machines/referral';
import { involvedAgencies } from '../../machines/referral/messages';

/** What ops filter cases on (domain/search-attributes.ts): stages, instants and agency codes only. */
export function caseSearchAttributes(profile: Profile, s: CaseSnapshot): SearchAttributes {
  const c = s.context;
  const next = nextDeadline(s);
  return {
    HrdaKind: ['case'],
    HrdaProfile: [c.profileId],
    HrdaStage: [publicStage(s)],
    HrdaRisk: [c.risk],
    HrdaRoute: c.route ? [c.route] : [],
    HrdaAgencies: [...new Set([...involvedAgencies(profile, c), ...Object.keys(c.summaries)])],
    HrdaNextDeadline: next ? [new Date(next)] : [],
    HrdaNextMeeting: c.review ? [new Date(c.review.meetingAt)] : c.marac && c.marac.heardAt === null ? [new Date(c.marac.meetingAt)] : c.meetingAt && !c.heardAt ? [new Date(c.meetingAt)] : [],
    HrdaOverdueActions: [c.actions.filter((a) => a.overdue && (a.status === 'open' || a.status === 'in-progress')).length],
    HrdaOpenDisputes: [c.openDisputes.length],
    HrdaRestricted: [Boolean(c.restriction)],
    HrdaNeedToKnow: c.restriction?.needToKnow ?? [],
  };
}

/** Cases closed before this change kept the next meeting they had been put on. */
const closedCaseNoNextMeetingPatch = 'closed-case-no-next-meeting';

/** Upserts only when something changed, so an idle case adds nothing to its history. */
export function searchAttributeIndexer(profile: Profile): (s: CaseSnapshot) => void {
  let indexed = '';
  return (s) => {
    const attributes = caseSearchAttributes(profile, s);
    // A closed case goes to no meeting (as its record in the store says, domain/case-record.ts).
    if (publicStage(s) === 'closed' && (attributes.HrdaNextMeeting as unknown[]).length > 0 && patched(closedCaseNoNextMeetingPatch)) attributes.HrdaNextMeeting = [];
    const signature = JSON.stringify(attributes);
    if (signature === indexed) return;
    indexed = signature;
    upsertSearchAttributes(attributes);
  };
}
