import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RollOverReason } from '../domain/agenda';
import type { CaseCommandInput, CaseCommandName } from '../domain/case-commands';
import type { BlockedContacts } from '../domain/perpetrator-safety';
import type { TimelineEntry } from '../domain/timeline';
import type { CaseView } from '../machines/referral';

/** The case workflow's public messages: one update per user action, and its queries. */
export const referralWorkflowType = 'referralWorkflow';

/**
 * What a command's update answers: which case, how far its timeline has come, and its stage. Not the
 * case itself: an update's result is written into the history, and a whole case view per command
 * (every summary, every note) made a case's history grow with the square of its activity until
 * Temporal terminated it. Callers that want the case read it with the state query.
 */
export interface CaseAcknowledgement {
  caseId: string;
  /** The number of entries on the case's timeline once the command was applied. */
  version: number;
  stage: CaseView['stage'];
}

type CaseUpdates = { [N in CaseCommandName]: ReturnType<typeof defineUpdate<CaseAcknowledgement, [CaseCommandInput<N>]>> };

const names: CaseCommandName[] = [
  'submitSummary', 'recordVictimContact', 'recordMeetingOutcome', 'updateAction', 'requestReview',
  'recordQaDecision', 'recordReviewOutcome', 'changeRisk', 'raiseDispute', 'closeCase',
  'recordDisclosureConsent',
  'restrictCase', 'amendNeedToKnow',
  'recordDvds', 'signOffDvds', 'recordDvpo', 'reportDvpoBreach',
  'confirmRisk', 'recordChildrenCheck', 'referToMarac', 'recordMaracOutcome',
  'recordFirstResponseDecision', 'recordHealthSharing', 'recordVictimTold',
  'recordScreening', 'setRagRating', 'recordTriageResponse', 'conveneMashMeeting', 'recordMashDecision',
];
export const caseUpdates = Object.fromEntries(names.map((n) => [n, defineUpdate(n)])) as CaseUpdates;

/** Waits until the case is registered and routed, then returns it: what a submission answers with. */
export const caseReadyUpdate = defineUpdate<CaseView, []>('ready');

/** From a meeting: the case was not heard at `missedMeetingAt` and goes to the next meeting. */
export const rollOverSignal = defineSignal<[{ missedMeetingAt: string; reason: RollOverReason }]>('rollOver');

/** From the mail guard (activities/notify.ts): a message of the case was withheld; positions, never addresses. */
export const notificationWithheldSignal = defineSignal<[{ notificationId: string; topic: string; positions: number[] }]>('notificationWithheld');

export const caseStateQuery = defineQuery<CaseView>('state');
export const caseTimelineQuery = defineQuery<TimelineEntry[]>('timeline');
/** For the mail guard only (activities/mail.guard.ts): the contacts nothing may be sent to. */
export const caseBlockedContactsQuery = defineQuery<BlockedContacts>('blockedContacts');

export const caseWorkflowId = (caseId: string) => `case-${caseId}`;
