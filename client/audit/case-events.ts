import type { RollOverReason } from '../../domain/agenda';
import { caseCommandSchemas, type CaseCommandName } from '../../domain/case-commands';
import type { Instant } from '../../domain/time';
import type { CaseEvent } from '../../machines/referral';
import { disputeProgressSignal, type DisputeProgress } from '../../workflows/escalation.messages';
import { caseReadyUpdate, caseUpdates, notificationWithheldSignal, rollOverSignal } from '../../workflows/referral.messages';

/**
 * How workflows/referral.workflow.ts turns the messages it receives into events of the case
 * machine, for rebuilding a case from its history. Keep in step with the workflow's handlers:
 * a message the workflow handles and this table does not know makes the rebuild stop and say so.
 */
export type MessageEvent = { kind: 'event'; event: CaseEvent } | { kind: 'none' } | { kind: 'unknown' };

const commandNames = new Set<string>(Object.keys(caseUpdates));

export function updateEvent(name: string, arg: unknown, at: Instant): MessageEvent {
  if (name === caseReadyUpdate.name) return { kind: 'none' };
  if (!commandNames.has(name)) return { kind: 'unknown' };
  // The handler parses again (defaults, trimming) after its validator accepted the input.
  const fields = caseCommandSchemas[name as CaseCommandName].parse(arg);
  return { kind: 'event', event: { type: name, at, ...fields } as CaseEvent };
}

export function signalEvent(name: string, arg: unknown, at: Instant): MessageEvent {
  if (name === disputeProgressSignal.name) {
    const { disputeId, entry, open } = arg as DisputeProgress;
    return { kind: 'event', event: { type: 'disputeProgress', at, disputeId, entry, open } };
  }
  if (name === rollOverSignal.name) {
    const { missedMeetingAt, reason } = arg as { missedMeetingAt: Instant; reason: RollOverReason };
    return { kind: 'event', event: { type: 'rollOver', at, missedMeetingAt, reason } };
  }
  if (name === notificationWithheldSignal.name) {
    const { notificationId, topic, positions } = arg as { notificationId: string; topic: string; positions: number[] };
    return { kind: 'event', event: { type: 'notificationWithheld', at, notificationId, topic, positions } };
  }
  return { kind: 'unknown' };
}

/** The activity whose result starts the machine (the repeat decision), and the police checks. */
export const activityNames = { register: 'registerWithSubject', check: 'checkPoliceSystem' } as const;
