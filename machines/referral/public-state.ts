import type { CaseSnapshot } from './deadlines';
import { pendingDeadlines } from './deadlines';
import type { Notices } from '../../domain/notices';
import { mashStepOf } from './mash';
import { noticesOf } from './notices';

/**
 * The stable public vocabulary of a case's stage (the timeline's language), decoupled from the
 * machine's internal state names so that the machine can change without breaking its readers.
 */
export const caseStages = ['received', 'preparing', 'at-meeting', 'monitoring', 'closed', 'screening', 'rag-rating', 'triage', 'mash-meeting'] as const;
export type CaseStage = (typeof caseStages)[number];

export function publicStage(snapshot: CaseSnapshot): CaseStage {
  if (snapshot.status === 'done' || snapshot.matches('closed')) return 'closed';
  if (snapshot.matches('preparing')) return 'preparing';
  if (snapshot.matches('atMeeting')) return 'at-meeting';
  if (snapshot.matches('monitoring')) return 'monitoring';
  // Referred on, with First Response and health still to act on a shared incident ([001]).
  if (snapshot.matches('followingUp')) return 'monitoring';
  // The MASH stage (machines/referral/mash.ts), under a profile that has one.
  const step = snapshot.matches('mash') ? mashStepOf(snapshot.context) : null;
  if (step) return ({ screening: 'screening', rating: 'rag-rating', triage: 'triage', meeting: 'mash-meeting' } as const)[step];
  return 'received';
}

/** What a case looks like to its readers (query `state`); everything in it derives from the snapshot. */
const hasNotices = (c: { notices?: Notices }) => (c.notices?.dvds.length ?? 0) + (c.notices?.dvpos.length ?? 0) > 0;

export function caseView(snapshot: CaseSnapshot) {
  const c = snapshot.context;
  const expected = Object.keys(c.summaries);
  return {
    caseId: c.caseId,
    profile: c.profileId,
    stage: publicStage(snapshot),
    risk: c.risk,
    route: c.route,
    repeat: c.repeat,
    receivedAt: c.referral.receivedAt,
    referral: c.referral,
    checks: c.checks,
    circulationDay: c.circulationDay,
    circulateBy: c.circulateBy,
    infoRequestSentAt: c.infoRequestSentAt,
    summariesReceived: expected,
    summaries: c.summaries,
    victimContact: c.victimContact,
    meetingAt: c.meetingAt,
    heardAt: c.heardAt,
    risks: c.risks,
    actions: c.actions,
    overdueActions: c.actions.filter((a) => a.overdue && a.status !== 'completed' && a.status !== 'closed').map((a) => a.id),
    leads: c.leads,
    review: c.review,
    reviewsHeld: c.reviewsHeld,
    disputes: c.disputes.map((d) => d.disputeId),
    openDisputes: c.openDisputes,
    nextDeadline: pendingDeadlines(snapshot)[0] ?? null,
    closed: c.closed,
    // Only on a restricted case (domain/restriction.ts): a case view recorded before restriction
    // existed is then still exactly what `hrda audit` rebuilds for an unrestricted case.
    ...(c.restriction ? { restricted: true, needToKnow: c.restriction.needToKnow, restriction: c.restriction } : {}),
    // Only on a case that has any, so that the view of every other case is what it always was.
    ...(hasNotices(c) ? { notices: noticesOf(c) } : {}),
    // Only for a profile that asks for them ([002] 2.22, 2.37, 2.53): the daily meeting's checks and the MARAC.
    ...(c.riskConfirmation ? { riskConfirmation: c.riskConfirmation } : {}),
    ...(c.childrenCheck ? { childrenCheck: c.childrenCheck } : {}),
    ...(c.marac ? { marac: c.marac } : {}),
    // Only under a profile with these steps ([001]), so that every other case's view is unchanged.
    ...(c.informationSharing ? { informationSharing: c.informationSharing } : {}),
    ...(c.maracReferral ? { maracReferral: c.maracReferral } : {}),
    // Only on a case of a profile with a MASH stage: every other case's view is what it always was.
    ...(c.mash ? { mash: c.mash } : {}),
    // Only on a case shared without the victim's consent (issue 21 item 5): every other view is unchanged.
    ...(c.sharingWithoutConsent ? { sharingWithoutConsent: c.sharingWithoutConsent } : {}),
  };
}

export type CaseView = ReturnType<typeof caseView>;
