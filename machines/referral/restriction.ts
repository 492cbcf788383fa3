import { systemActor } from '../../domain/actor';
import type { Profile } from '../../domain/profile';
import { restrictingFlags, type Restriction } from '../../domain/restriction';
import type { CaseContext, CaseInput, Lead } from './context';
import type { CommandEvent } from './events';

/** 003_bc8e99d0a5350bae.txt §18.3, quoted where a restriction's rationale needs the protocol's words. */
export const restrictionProtocol = '003 §18.3: the police act as the lead agency and only those who need to know have access';

/** The restriction a referral's flags impose at intake (profile.restriction.flags), or null. */
export function intakeRestriction(profile: Profile, input: CaseInput): Restriction | null {
  if (input.restrictAtIntake === false) return null;
  const flags = restrictingFlags(input.referral.incident.flags, profile.restriction.flags);
  if (flags.length === 0) return null;
  return {
    since: input.referral.receivedAt,
    basis: 'referral-flags',
    flags,
    rationale: `The referral is flagged ${flags.join(' and ')}: restricted to the need-to-know list (${restrictionProtocol}).`
      + (input.submittedBy ? ' The person who submitted it is on the list; a chair names the others.' : ' A chair names the people who need to know.'),
    by: systemActor,
    needToKnow: input.submittedBy ? [input.submittedBy] : [],
    leadAgency: profile.restriction.leadAgency,
  };
}

export const restrictedLead = (r: Restriction): Lead => ({ agency: r.leadAgency, basis: `restricted case (${restrictionProtocol})` });

/** The need-to-know list after an amendment, or why the amendment cannot stand. */
export function amendedNeedToKnow(context: CaseContext, e: CommandEvent<'amendNeedToKnow'>): string[] | string {
  const current = context.restriction?.needToKnow ?? [];
  const already = e.add.filter((s) => current.includes(s));
  if (already.length) return `already on the need-to-know list: ${already.join(', ')}`;
  const absent = e.remove.filter((s) => !current.includes(s));
  if (absent.length) return `not on the need-to-know list: ${absent.join(', ')} (it holds ${current.join(', ') || 'nobody yet'})`;
  const next = [...current.filter((s) => !e.remove.includes(s)), ...new Set(e.add)];
  if (next.length === 0) return 'the need-to-know list cannot be emptied: name someone to add in the same amendment';
  return next;
}

/** Why a restriction command is refused now, or undefined (the machine's guards and this agree). */
export function restrictionProblem(context: CaseContext, e: CommandEvent<'restrictCase' | 'amendNeedToKnow'>): string | undefined {
  const r = context.restriction ?? null;
  if (context.closed) return `the case is closed (${context.closed.rationale})`;
  if (e.type === 'restrictCase') {
    return r ? `the case is already restricted (since ${r.since}, ${r.basis === 'chair' ? 'by a chair' : `flagged ${r.flags.join(', ')}`}); change who needs to know with amendNeedToKnow` : undefined;
  }
  if (!r) return 'the case is not restricted; restrict it first (restrictCase)';
  const next = amendedNeedToKnow(context, e);
  return typeof next === 'string' ? next : undefined;
}
