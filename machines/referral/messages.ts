import type { AgencyId } from '../../domain/actor';
import type { Notification, Recipient } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import type { CaseContext, MatrixAction } from './context';
import { mashAgencies } from './mash-agencies';

/**
 * The messages a case sends, built from its context. Subjects carry the case reference only;
 * bodies carry what the recipients need to act, and go only to directory mailboxes.
 */
export const message = (context: CaseContext, id: string, to: Recipient[], topic: Notification['topic'], subject: string, body: string[]): Notification => ({
  id: `${context.caseId}:${id}`,
  caseId: context.caseId,
  profileId: context.profileId,
  to,
  topic,
  subject: `[HRDA ${context.caseId.slice(0, 8)}] ${subject}`,
  body,
});

export function caseDetails(context: CaseContext): string[] {
  const r = context.referral;
  return [
    `Risk: ${context.risk}${context.repeat ? ` (repeat: previous case ${context.repeat.previousCaseId})` : ''}`,
    `Victim: ${r.victim.name}, born ${r.victim.dateOfBirth}`,
    `Perpetrator: ${r.perpetrator.name}${r.perpetrator.dateOfBirth ? `, born ${r.perpetrator.dateOfBirth}` : ''}${r.perpetrator.mappaLevel ? `, MAPPA level ${r.perpetrator.mappaLevel}` : ''}`,
    ...r.children.map((c) => `Child: ${c.name}, born ${c.dateOfBirth}`),
    `Trigger incident (${r.incident.occurredAt}): ${r.incident.summary}`,
    ...(r.incident.flags.length ? [`Flags: ${r.incident.flags.join(', ')}`] : []),
    ...(context.repeat?.plan?.outstandingActions.length
      ? ['Outstanding actions from the previous case, to review (not to set again):', ...context.repeat.plan.outstandingActions.map((a) => `  - ${a.id} (${a.owner}, ${a.status}): ${a.description}`)]
      : []),
  ];
}

/** What a message about a restricted case says instead of its details. */
export const restrictedNotice = 'This case is restricted: its details go to the need-to-know list only, who read them through the HRDA service. The police lead the case.';

export const messages = {
  /** To the administrator only: the address is never repeated, just where it sits in the message. */
  recipientWithheld: (context: CaseContext, withheld: { notificationId: string; topic: string; positions: number[] }) =>
    message(context, `recipient-withheld:${withheld.notificationId}`, ['administrator'], 'recipient-withheld', 'A message was withheld: a recipient is connected to the perpetrator', [
      `The ${withheld.topic} message ${withheld.notificationId} ${withheld.topic === 'meeting-papers' ? 'went to the other recipients but not to' : 'was not sent to anyone:'} recipient ${withheld.positions.map((p) => `to[${p}]`).join(', ')}, which matches the contact details of the perpetrator of this case or of someone connected to them (docs/protocol.md §1.1).`,
      'Check the agency directory of the profile for that mailbox, and send what the agencies need by another route.',
    ]),

  offerReferral: (context: CaseContext, offeredTo: AgencyId) =>
    message(context, 'offer-referral', [offeredTo], 'offer-referral', `Referral for the ${context.route} (${context.risk} risk)`, caseDetails(context)),

  checksUnavailable: (context: CaseContext, systems: string[]) =>
    message(context, `checks-unavailable:${systems.join('+')}`, ['administrator'], 'checks-unavailable', 'Background checks could not be completed', [
      `These police systems could not be checked: ${systems.join(', ')}.`,
      'The gap is shown on the meeting agenda. Check them by hand before the meeting if you can.',
    ]),

  infoRequest: (profile: Profile, context: CaseContext) =>
    message(context, 'info-request', profile.infoRequest.agencies, 'info-request', `Information request: heard ${context.meetingAt}`, [
      `Please search your records and return a targeted summary (service involvement; risks identified; what your service has done; what you recommend HRDA actions) before the meeting at ${context.meetingAt}.`,
      ...caseDetails(context),
    ]),

  summaryReminder: (context: CaseContext, missing: AgencyId[]) =>
    message(context, `summary-reminder:${context.meetingAt}`, missing, 'summary-reminder', `Reminder: summary due for the meeting at ${context.meetingAt}`, [
      `Your agency has not returned its summary for the case heard at ${context.meetingAt}. Non-returns are listed on the agenda.`,
    ]),

  matrixCirculated: (profile: Profile, context: CaseContext) =>
    message(context, `matrix:${context.heardAt}`, involvedAgencies(profile, context), 'matrix-circulated', 'HRDA Matrix', context.restriction
      // A restricted case's matrix goes to agency mailboxes as owners and dates only (003 §18.3).
      ? [
        restrictedNotice,
        ...context.actions.map((a) => `Action ${a.id} — owner ${a.owner}, update due ${a.dueAt}`),
        ...Object.entries(context.leads).map(([who, lead]) => `Lead professional for the ${who}: ${lead?.agency}`),
      ]
      : [
        `Risks: ${context.risks.join('; ')}`,
        ...context.actions.map((a) => `Action ${a.id} — owner ${a.owner}, update due ${a.dueAt}: ${a.description}`),
        ...Object.entries(context.leads).map(([who, lead]) => `Lead professional for the ${who}: ${lead?.agency} (${lead?.basis})`),
      ]),

  actionReminder: (context: CaseContext, action: MatrixAction) =>
    message(context, `action-reminder:${action.id}:${action.dueAt}`, [action.owner], 'action-reminder', `Action ${action.id}: update due ${action.dueAt}`, [
      `Please update the administrator on action ${action.id} by ${action.dueAt}: ${action.description}`,
    ]),

  actionOverdue: (context: CaseContext, action: MatrixAction) =>
    message(context, `action-overdue:${action.id}:${action.dueAt}`, unique([action.owner, ...leadAgencies(context), 'administrator']), 'action-overdue', `Action ${action.id} is overdue`, [
      `No update on action ${action.id} (owner ${action.owner}) was received by ${action.dueAt}. Lead professionals may use the escalation protocol.`,
    ]),

  reviewScheduled: (context: CaseContext, deferred: boolean) =>
    message(context, `review-scheduled:${context.review?.requestedAt}`, unique([context.review?.requestedBy.agency ?? 'administrator', 'administrator']), 'review-scheduled', `Management review scheduled for ${context.review?.meetingAt}`, [
      `The case is on the management meeting of ${context.review?.meetingAt}; the chairs quality-assure it by ${context.review?.qaBy}.`,
      ...(deferred ? ['It was requested less than the QA period before this month\'s meeting, so it goes to the following meeting.'] : []),
    ]),

  reviewFeedback: (context: CaseContext, feedback: string) =>
    message(context, `review-feedback:${context.review?.requestedAt}`, [context.review?.requestedBy.agency ?? 'administrator'], 'review-feedback', 'Management review request not accepted', [
      'The chairs did not accept the case for the management meeting. Their feedback:',
      feedback,
    ]),

  caseClosed: (profile: Profile, context: CaseContext, rationale: string) =>
    message(context, 'closed', involvedAgencies(profile, context), 'case-closed', 'Case closed', context.restriction ? [restrictedNotice] : [rationale]),
};

export function leadAgencies(context: CaseContext): AgencyId[] {
  return unique(Object.values(context.leads).flatMap((l) => (l ? [l.agency] : [])));
}

/** Agencies involved in a case: asked for information, owning actions, leading, or referring. */
export function involvedAgencies(profile: Profile, context: CaseContext): AgencyId[] {
  return unique([
    context.referral.referrer.agency,
    ...(context.route === 'hrda' ? profile.infoRequest.agencies : context.route ? [profile.routing.offers[context.route]] : []),
    // [001]: the agencies a police incident was shared with, and the one that tells the victim of a MARAC referral.
    ...(context.informationSharing?.shareWith ?? []),
    ...(context.maracReferral ? [context.maracReferral.victimToldBy] : []),
    ...context.actions.map((a) => a.owner),
    ...leadAgencies(context),
    ...mashAgencies(profile, context),
  ]);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
