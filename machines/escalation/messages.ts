import type { Notification, Recipient } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import type { DisputeContext, StepRecord } from './context';
import { allRecipients, parties, stepRecipients } from './parties';

/**
 * The messages a dispute sends, built from its context. Ids are stable per dispute and step, so a
 * retried or replayed send delivers nothing twice; subjects carry references only.
 */
const message = (context: DisputeContext, id: string, to: Recipient[], topic: Notification['topic'], subject: string, body: string[]): Notification => ({
  id: `${context.caseId}:dispute:${context.disputeId}:${id}`,
  caseId: context.caseId,
  profileId: context.profileId,
  to,
  topic,
  subject: `[HRDA ${context.caseId.slice(0, 8)}] ${subject}`,
  body,
});

const who = (s: { by: { role: string; agency?: string } }) => s.by.agency ? `${s.by.agency} (${s.by.role})` : s.by.role;

function what(step: StepRecord): string {
  switch (step.requires) {
    case 'referral':
      return `the referral to be made by ${step.deadline}`;
    case 'written-response':
      return `the case review and written response due by ${step.deadline}`;
    default:
      return `to be resolved by ${step.deadline}`;
  }
}

function disputeDetails(context: DisputeContext): string[] {
  return [
    `Dispute ${context.disputeId} on case ${context.caseId}, area: ${context.area}.`,
    `Raised by ${context.raisedBy} with ${context.with.join(', ')} at ${context.raisedAt}.`,
    `Matter: ${context.matter}`,
  ];
}

function documents(context: DisputeContext): string[] {
  if (context.documents.length === 0) return [];
  return ['Responses so far:', ...context.documents.map((d) => `  - ${d.kind === 'written-response' ? 'Written response' : 'Response'} at ${d.at}, step ${d.step}, by ${who(d)}: ${d.text}`)];
}

function howItCame(context: DisputeContext, step: StepRecord): string {
  const previous = context.history[context.history.length - 2];
  switch (step.how) {
    case 'raised':
      return `Raised by ${who(step)}.`;
    case 'lapsed':
      return `The previous step (${previous?.owner ?? 'unknown'}) passed its deadline of ${previous?.deadline ?? step.enteredAt} unresolved, so the dispute moved here by itself.`;
    case 'advanced':
      return `Escalated early by ${who(step)}: ${step.rationale}`;
  }
}

export const messages = {
  /** PROTOCOL.md §1.6: at every step the owner is told, with its deadline; a marked step says so in writing. */
  stage: (profile: Profile, context: DisputeContext, step: StepRecord) =>
    message(
      context, `${step.step}:stage`, stepRecipients(profile, context, step), 'dispute-stage',
      step.marking
        ? `${step.marking}: dispute ${context.disputeId}, due ${step.deadline}`
        : `Dispute ${context.disputeId}: stage ${step.stage}, with ${step.owner}, due ${step.deadline}`,
      [
        ...(step.marking ? [step.marking] : []),
        `The dispute is now with ${step.owner} (stage ${step.stage}, step ${step.step}): ${what(step)}.`,
        howItCame(context, step),
        ...disputeDetails(context),
        ...documents(context),
        'Unresolved by the deadline, it moves to the next stage of the escalation protocol by itself.',
      ],
    ),

  reminder: (profile: Profile, context: DisputeContext, step: StepRecord, nextOwner: string | null) =>
    message(context, `${step.step}:reminder`, stepRecipients(profile, context, step), 'dispute-reminder', `Reminder: dispute ${context.disputeId} due ${step.deadline}`, [
      ...(step.marking ? [step.marking] : []),
      `The dispute is with ${step.owner} (stage ${step.stage}): ${what(step)}.`,
      nextOwner ? `Unresolved by then, it moves to ${nextOwner}.` : 'This is the last stage of the escalation protocol: unresolved by then, it is marked overdue.',
      ...disputeDetails(context),
    ]),

  overdue: (profile: Profile, context: DisputeContext, step: StepRecord) =>
    message(context, `${step.step}:overdue`, stepRecipients(profile, context, step), 'dispute-reminder', `Dispute ${context.disputeId} is overdue with ${step.owner}`, [
      ...(step.marking ? [step.marking] : []),
      `The deadline of ${step.deadline} has passed and the dispute is unresolved. It stays with ${step.owner}: there is no further stage.`,
      ...disputeDetails(context),
    ]),

  resolved: (profile: Profile, context: DisputeContext) => {
    const r = context.resolution!;
    const ended = r.by.role === 'system';
    return message(context, 'resolved', allRecipients(profile, context), 'dispute-resolved', `Dispute ${context.disputeId} ${ended ? 'ended: its cause is gone' : 'resolved'} at stage ${r.stage}`, [
      ended ? `Ended at ${r.at} by the case that raised it, at step ${r.step} (stage ${r.stage}): its cause is gone.` : `Resolved at ${r.at} by ${who(r)}, at step ${r.step} (stage ${r.stage}).`,
      `Agreement: ${r.agreement}`,
      ...(r.learning ? [`Learning: ${r.learning}`] : []),
      `Parties: ${parties(context).join(', ')}. Record the agreement on the case file and feed any action back to the managers involved.`,
      ...disputeDetails(context),
    ]);
  },
};
