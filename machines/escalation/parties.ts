import type { Actor, AgencyId } from '../../domain/actor';
import type { Recipient } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import type { DisputeContext, StepRecord } from './context';

/**
 * The directory entry a marked, written referral goes to: at stage 3 the Domestic Abuse Strategy
 * Group ([000 Appendix 1 §5]: "in writing ... clearly marked 'Stage Three Formal Escalation under
 * HRDA'"). A profile without it notifies the parties and the administrator only.
 */
export const markedReferralAgency = 'strategy-group';

export function parties(context: Pick<DisputeContext, 'raisedBy' | 'with'>): AgencyId[] {
  return [...new Set([context.raisedBy, ...context.with])];
}

/** Agencies that hold the dispute at a step: the parties, and the Strategy Group at a marked step. */
export function stepAgencies(profile: Profile, context: DisputeContext, step: Pick<StepRecord, 'marking'>): AgencyId[] {
  const marked = step.marking !== null && profile.agencies.some((a) => a.id === markedReferralAgency) ? [markedReferralAgency] : [];
  return [...new Set([...parties(context), ...marked])];
}

/** Who is told at a step: its agencies and the administrator, who records it on the case file. */
export function stepRecipients(profile: Profile, context: DisputeContext, step: Pick<StepRecord, 'marking'>): Recipient[] {
  return [...stepAgencies(profile, context, step), 'administrator'];
}

/** Everyone the dispute reached at any step, for its resolution. */
export function allRecipients(profile: Profile, context: DisputeContext): Recipient[] {
  return [...new Set(context.history.flatMap((s) => stepRecipients(profile, context, s)))];
}

/**
 * Who may act on the dispute at its current step: someone from an agency holding it, the
 * administrator (who records on the case file on anyone's behalf), or the engine itself.
 * Auditors and ops staff read; they never act.
 */
export function mayAct(profile: Profile, context: DisputeContext, actor: Actor): boolean {
  if (actor.role === 'administrator' || actor.role === 'system') return true;
  if (actor.role === 'auditor' || actor.role === 'ops') return false;
  const current = context.history[context.history.length - 1];
  return actor.agency !== undefined && current !== undefined && stepAgencies(profile, context, current).includes(actor.agency);
}
