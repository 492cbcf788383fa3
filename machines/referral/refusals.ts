import type { Profile } from '../../domain/profile';
import type { Route } from '../../domain/timeline';
import { riskRank } from '../../domain/referral';
import type { CaseSnapshot } from './deadlines';
import type { CommandEvent } from './events';
import { disclosureConsentProblem, disputeProblem, outcomeProblem, unknownAgencies } from './referral.machine';
import { mashProblem } from './mash';
import { noticeProblem } from './notices';
import { sharingProblem } from './information-sharing';
import { victimToldProblem } from './marac-referral';
import { victimToldConsentIssues } from './sharing-without-consent';
import { publicStage } from './public-state';
import { restrictionProblem } from './restriction';
import { childrenCheckProblem, riskConfirmationProblem } from './hearing-checks';
import { maracOutcomeProblem, maracReferralProblem } from './marac';

/**
 * The fields at fault in an action the case would otherwise take, by path within the action: rules
 * that read the case and were added after actions of that type had been recorded, so they are
 * checked when an action is offered (the update's validator) and never in the machine's guards,
 * where a recorded action would replay differently.
 */
export function commandFieldIssues(profile: Profile, snapshot: CaseSnapshot, event: CommandEvent): { path: string; message: string }[] {
  if (event.type === 'recordVictimTold') return victimToldConsentIssues(profile, snapshot.context, event);
  return [];
}

/**
 * Why the case refuses a user action, in words the user can act on; undefined when it accepts.
 * The workflow's update validators call this, so a refused action changes nothing and the
 * caller is told the reason.
 */
export function refusalReason(profile: Profile, snapshot: CaseSnapshot, event: CommandEvent): string | undefined {
  if (snapshot.can(event)) return undefined;
  const c = snapshot.context;
  const stage = publicStage(snapshot);
  if (snapshot.status === 'done') return `the case is closed (${c.closed?.rationale ?? 'closed'})`;
  const noMeeting = withoutMeeting(profile, snapshot);
  switch (event.type) {
    case 'submitSummary':
      if (noMeeting) return noMeeting;
      if (!snapshot.matches('preparing')) return `summaries are taken before the meeting; the case is ${stage}`;
      return `${event.agency} is not on the information request list of ${profile.id} (${profile.infoRequest.agencies.join(', ')})`;
    case 'recordVictimContact':
      if (snapshot.matches('preparing')) return `unknown agency for profile ${profile.id}: ${event.chosenLeadAgency}`;
      return noMeeting ?? `the victim's voice is recorded before the meeting; the case is ${stage}`;
    case 'recordMeetingOutcome': {
      if (noMeeting) return noMeeting;
      if (snapshot.matches('preparing')) return `the case is to be heard at ${c.meetingAt}; its outcome can be recorded from then`;
      if (!snapshot.matches('atMeeting')) return `the meeting outcome is already recorded; the case is ${stage}`;
      return outcomeProblem(profile, c, event) ?? 'the outcome cannot be recorded now';
    }
    case 'updateAction': {
      if (noMeeting) return noMeeting;
      if (!snapshot.matches('monitoring')) return `actions exist once the meeting outcome is recorded; the case is ${stage}`;
      const action = c.actions.find((a) => a.id === event.actionId);
      if (!action) return `no action ${event.actionId} on this case (actions: ${c.actions.map((a) => a.id).join(', ') || 'none'})`;
      return `action ${event.actionId} is already ${action.status}`;
    }
    case 'requestReview':
      if (noMeeting) return noMeeting;
      if (!snapshot.matches('monitoring')) return `a management review can be requested after the meeting; the case is ${stage}`;
      if (!profile.monthlyMeeting) return `${profile.id} holds no management review meeting: its cases are reviewed at its MARAC`;
      if (!profile.monthlyMeeting.reasons.includes(event.reason)) return `reason must be one of ${profile.monthlyMeeting.reasons.join(', ')}`;
      return `a review is already requested for the meeting of ${c.review?.meetingAt}`;
    case 'recordQaDecision':
      if (!c.review) return 'no management review is requested';
      if (c.review.qa && 'notQualityAssured' in c.review.qa) return `the QA point (${c.review.qaBy}) passed without a decision; the case stays on the agenda marked "not quality-assured"`;
      return 'the review request has already been quality-assured';
    case 'recordReviewOutcome':
      if (!c.review) return 'no management review is requested';
      if (unknownAgencies(profile, event.actions.map((a) => a.owner)).length) return `unknown agencies for profile ${profile.id}: ${unknownAgencies(profile, event.actions.map((a) => a.owner)).join(', ')}`;
      return `the review is to be heard at ${c.review.meetingAt}; its outcome can be recorded from then`;
    case 'changeRisk':
      if (riskRank(event.risk) <= riskRank(c.risk)) return `professional judgement may raise the risk level, never lower it (it is ${c.risk})`;
      return `the risk level cannot be changed; the case is ${stage}`;
    case 'raiseDispute':
      return disputeProblem(profile, c, event) ?? 'a dispute cannot be raised now';
    case 'recordDisclosureConsent':
      return disclosureConsentProblem(snapshot.context, event) ?? 'the consent cannot be recorded now';
    case 'recordDvds':
    case 'signOffDvds':
    case 'recordDvpo':
    case 'reportDvpoBreach':
      return noticeProblem(profile, c, event) ?? `the case cannot take ${event.type} now; it is ${stage}`;
    case 'recordFirstResponseDecision':
    case 'recordHealthSharing':
      return sharingProblem(profile, c, event) ?? `the case cannot take ${event.type} now; it is ${stage}`;
    case 'recordVictimTold':
      return victimToldProblem(profile, c, event) ?? `the case cannot take ${event.type} now; it is ${stage}`;
    case 'closeCase':
      if (c.openDisputes.length) return `disputes are open (${c.openDisputes.join(', ')}); a case cannot close while one is open`;
      return `the case cannot be closed now; it is ${stage}`;
    case 'restrictCase':
    case 'amendNeedToKnow':
      return restrictionProblem(c, event) ?? `the need-to-know list cannot be changed now; the case is ${stage}`;
    case 'confirmRisk':
      if (!profile.riskConfirmation) return riskConfirmationProblem(profile, c, event);
      if (snapshot.matches('preparing')) return `the chair confirms the level at the daily meeting; the case is to be heard at ${c.meetingAt}`;
      if (!snapshot.matches('atMeeting')) return riskConfirmationProblem(profile, c, event) ?? `the risk level is confirmed at the daily meeting, before its outcome; the case is ${stage}`;
      return riskConfirmationProblem(profile, c, event) ?? 'the risk level cannot be confirmed now';
    case 'referToMarac':
      if (!profile.marac) return maracReferralProblem(profile, c, event);
      if (!snapshot.matches('atMeeting') && !snapshot.matches('monitoring')) return maracReferralProblem(profile, c, event) ?? `the daily meeting refers a case on to the MARAC when it hears it ([002] 2.28); the case is ${stage}`;
      return maracReferralProblem(profile, c, event) ?? 'the case cannot be referred to the MARAC now';
    case 'recordMaracOutcome':
      if (!snapshot.matches('monitoring')) return maracOutcomeProblem(profile, c, event) ?? `the MARAC outcome is recorded after the daily meeting's; the case is ${stage}`;
      return maracOutcomeProblem(profile, c, event) ?? 'the MARAC outcome cannot be recorded now';
    case 'recordChildrenCheck':
      if (!profile.childrenCheck) return childrenCheckProblem(profile, c, event);
      if (!snapshot.matches('preparing') && !snapshot.matches('atMeeting')) return childrenCheckProblem(profile, c, event) ?? `the check is made before the meeting's outcome; the case is ${stage}`;
      return childrenCheckProblem(profile, c, event) ?? 'the check cannot be recorded now';
    case 'recordScreening':
    case 'setRagRating':
    case 'recordTriageResponse':
    case 'conveneMashMeeting':
    case 'recordMashDecision':
      return mashProblem(profile, c, event) ?? `the case cannot take ${event.type} now; it is ${stage}`;
  }
}

/**
 * Why a meeting's steps (summaries, the victim's voice, the outcome, actions, reviews) do not apply
 * to a case that goes to no meeting, or not yet: one in the MASH, or one referred on to an offer and
 * kept open for First Response and health. Undefined for any other case. Without it such a case was
 * told its meeting outcome "is already recorded" (issue 14's generated scenarios).
 */
function withoutMeeting(profile: Profile, snapshot: CaseSnapshot): string | undefined {
  if (snapshot.matches('mash')) return `the case is in the MASH (${publicStage(snapshot)}); it goes to a meeting only if the MASH refers it to MARAC`;
  if (snapshot.matches('followingUp')) {
    const route = snapshot.context.route as Exclude<Route, 'hrda'>;
    return `the case was referred on to the ${route} (${profile.routing.offers[route]}) and goes to no meeting; it stays open until First Response and health have acted`;
  }
  return undefined;
}
