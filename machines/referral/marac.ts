import type { Actor } from '../../domain/actor';
import type { MaracCategory } from '../../domain/marac';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import { maracFor } from '../meeting/marac-plan';
import type { CaseContext, MatrixAction } from './context';
import type { CommandEvent } from './events';
import { messages } from './messages';
import { actionDeadlines } from './schedule';
import { withEntry } from './timeline';

/**
 * A case's referral on to the MARAC and its hearing there ([002] 2.28, 2.53–2.54, section 3;
 * domain/marac.ts). Kept beside the referral machine, which takes these commands at the daily
 * meeting and after it, and marks the MARAC heard on the host's second clock (as DVPO expiries),
 * so that no state of the machine changes shape for profiles without a MARAC.
 */
export interface MaracReferral {
  category: MaracCategory;
  rationale: string;
  referredAt: Instant;
  referredBy: Actor;
  meetingAt: Instant;
  /** [002] 3.4: when the MARAC's papers go out. */
  papersBy: Instant;
  heardAt: Instant | null;
  outcome: { at: Instant; by: Actor; rationale: string } | null;
}

type Refer = CommandEvent<'referToMarac'>;
type Outcome = CommandEvent<'recordMaracOutcome'>;

const referralOf = (c: Pick<CaseContext, 'marac'>): MaracReferral | null => c.marac ?? null;

/** [002] 2.53: whether the daily meeting must refer this case on before its outcome stands. */
export function maracRequired(profile: Profile, c: CaseContext): string | undefined {
  const rules = profile.marac?.referralRequired;
  if (!rules || referralOf(c)) return undefined;
  if (rules.risks.includes(c.risk)) return `a ${c.risk}-risk case is referred on to the MARAC ([002] 2.53): referToMarac, with its category and rationale, first`;
  if (rules.repeats && c.repeat) return `the MARAC reviews every MARAC repeat ([002] 2.53): referToMarac, with its category and rationale, first`;
  return undefined;
}

export function maracReferralProblem(profile: Profile, c: CaseContext, e: Refer): string | undefined {
  if (!profile.marac) return `${profile.id} holds no MARAC`;
  const done = referralOf(c);
  if (done) return `the case was already referred to the MARAC of ${done.meetingAt} (${done.category}) at ${done.referredAt}`;
  if (profile.riskConfirmation && !c.riskConfirmation) return `the chair first confirms the risk level ([002] 2.26–2.28): confirmRisk, then refer the case on as ${e.category}`;
  return undefined;
}

export function applyMaracReferral(profile: Profile, c: CaseContext, e: Refer): Pick<CaseContext, 'marac' | 'timeline'> {
  const plan = maracFor(profile, e.at);
  const marac: MaracReferral = { category: e.category, rationale: e.rationale, referredAt: e.at, referredBy: e.actor, meetingAt: plan.meetingAt, papersBy: plan.papersBy, heardAt: null, outcome: null };
  let timeline = withEntry(c, 'marac.referred', e.at, { category: e.category, meetingAt: plan.meetingAt, papersBy: plan.papersBy }, { actor: e.actor, rationale: e.rationale });
  timeline = withEntry({ ...c, timeline }, 'meeting.scheduled', e.at, { kind: 'marac', meetingAt: plan.meetingAt });
  return { marac, timeline };
}

/** The MARAC has sat by `at`: the case was heard there (its outcome follows). */
export function maracHeardBy(c: CaseContext, at: Instant): Pick<CaseContext, 'marac' | 'timeline'> | undefined {
  const m = referralOf(c);
  if (!m || m.heardAt !== null || m.meetingAt > at) return undefined;
  return { marac: { ...m, heardAt: m.meetingAt }, timeline: withEntry(c, 'meeting.heard', m.meetingAt, { kind: 'marac', meetingAt: m.meetingAt }) };
}

export const pendingMaracDeadlines = (c: CaseContext): Instant[] => {
  const m = referralOf(c);
  return m && m.heardAt === null ? [m.meetingAt] : [];
};

/** Referred on, and the MARAC's outcome not yet recorded: the case stays open. */
export const maracPending = (c: Pick<CaseContext, 'marac'>): boolean => {
  const m = referralOf(c);
  return m !== null && m.outcome === null;
};

export function maracOutcomeProblem(profile: Profile, c: CaseContext, e: Outcome): string | undefined {
  const m = referralOf(c);
  if (!profile.marac) return `${profile.id} holds no MARAC`;
  if (!m) return 'the case is not referred to a MARAC';
  if (m.outcome) return `the MARAC outcome was already recorded at ${m.outcome.at}`;
  if (m.heardAt === null) return `the case is to be heard at the MARAC of ${m.meetingAt}; its outcome can be recorded from then`;
  const unknown = e.actions.map((a) => a.owner).filter((id) => !profile.agencies.some((a) => a.id === id));
  if (unknown.length) return `unknown agencies for profile ${profile.id}: ${unknown.join(', ')}`;
  const ids = e.actions.map((a) => a.id);
  if (new Set(ids).size !== ids.length) return 'action ids must be unique within the outcome';
  const taken = ids.filter((id) => c.actions.some((a) => a.id === id));
  if (taken.length) return `action ids already on the case: ${taken.join(', ')}`;
  return undefined;
}

export function applyMaracOutcome(profile: Profile, c: CaseContext, e: Outcome): Pick<CaseContext, 'marac' | 'risks' | 'actions' | 'timeline' | 'outbox'> {
  const m = referralOf(c)!;
  const added: MatrixAction[] = e.actions.map((a) => ({
    id: a.id, owner: a.owner, description: a.description,
    ...actionDeadlines(profile, m.meetingAt, a.dueAt),
    status: 'open', reminded: false, overdue: false, updates: [],
    setAtMarac: m.meetingAt,
    ...(a.contactsVictim ? { contactsVictim: true } : {}),
  }));
  const risks = [...c.risks, ...e.risks.filter((r) => !c.risks.includes(r))];
  const actions = [...c.actions, ...added];
  let timeline = withEntry(c, 'matrix.recorded', e.at, { risks, actions: actions.map((a) => ({ id: a.id, owner: a.owner, dueAt: a.dueAt })) }, { actor: e.actor, rationale: e.rationale });
  timeline = withEntry({ ...c, timeline }, 'marac.completed', e.at, { category: m.category, meetingAt: m.meetingAt }, { actor: e.actor, rationale: e.rationale });
  const marac = { ...m, outcome: { at: e.at, by: e.actor, rationale: e.rationale } };
  const next = { ...c, risks, actions, timeline, marac, heardAt: m.meetingAt };
  return { marac, risks, actions, timeline, outbox: [...c.outbox, messages.matrixCirculated(profile, next)] };
}
