import { plusDuration } from '../../domain/duration';
import type { Instant } from '../../domain/time';
import type { Route } from '../../domain/timeline';
import type { PreviousPlan } from '../referral/context';

/** What a subject (one victim, by keyed hash) remembers of each referral about them. */
export interface SubjectReferral {
  caseId: string;
  receivedAt: Instant;
  route: Route;
  repeat: boolean;
  plan?: PreviousPlan;
  /** The case's profile; absent for a referral registered before it was kept. */
  profileId?: string;
  /** The agencies that took part in the case, as its latest plan reported them (absent before it was heard, or before they were kept). */
  agencies?: string[];
}

export interface RepeatDecision {
  repeat: boolean;
  previous?: { caseId: string; receivedAt: Instant; plan?: PreviousPlan };
}

/**
 * PROTOCOL.md §1.1 decision: a repeat is a further referral for a victim whose case was heard at
 * HRDA within the repeat window of the latest earlier such referral. Referrals are decided in the
 * order the subject learns of them, so two arriving together get one answer each, consistently:
 * one already known but received later counts as earlier — it is the same episode.
 */
export function decideRepeat(known: readonly SubjectReferral[], receivedAt: Instant, window: string): RepeatDecision {
  const heard = known.filter((r) => r.route === 'hrda');
  const latest = heard.reduce<SubjectReferral | undefined>((acc, r) => (!acc || r.receivedAt > acc.receivedAt ? r : acc), undefined);
  if (!latest) return { repeat: false };
  const within = latest.receivedAt > receivedAt || receivedAt < plusDuration(latest.receivedAt, window);
  return within ? { repeat: true, previous: { caseId: latest.caseId, receivedAt: latest.receivedAt, ...(latest.plan ? { plan: latest.plan } : {}) } } : { repeat: false };
}

/** Referrals that can still make a later one a repeat; older ones are forgotten. */
export function stillRelevant(known: readonly SubjectReferral[], now: Instant, window: string): SubjectReferral[] {
  return known.filter((r) => now < plusDuration(r.receivedAt, window));
}
