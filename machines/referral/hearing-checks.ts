import type { Actor } from '../../domain/actor';
import type { Profile } from '../../domain/profile';
import { isCurrent, type RiskConfirmation, type TriggerAt } from '../../domain/risk-confirmation';
import type { Instant } from '../../domain/time';
import { victimContactProblem } from '../../domain/victim-contact';
import type { CaseContext } from './context';
import type { CommandEvent } from './events';
import { maracRequired } from './marac';
import { withEntry } from './timeline';

/**
 * What the daily meeting confirms about a case before its outcome stands, where the profile asks
 * for it ([002] 2.22–2.26, 2.37–2.41, 2.45–2.50): the agencies' check that a case with no children
 * linked has none, the chair's confirmation of the risk level, and no more agencies set to contact
 * a victim than the level allows. Wired into the referral machine; a profile without these rules
 * (the default) is not affected.
 */
export interface ChildrenCheck {
  at: Instant;
  found: number;
  by: Actor;
}

type ConfirmRisk = CommandEvent<'confirmRisk'>;
type ChildrenCheckEvent = CommandEvent<'recordChildrenCheck'>;
type Outcome = CommandEvent<'recordMeetingOutcome'>;

const checked = (c: CaseContext): ChildrenCheck | null => c.childrenCheck ?? null;
const confirmed = (c: CaseContext): RiskConfirmation | null => c.riskConfirmation ?? null;

/** The triggers the chair weighs: the referral incident's own flags and any disclosed, each current or historic (2.41). */
function triggersOf(profile: Profile, c: CaseContext, e: ConfirmRisk): { current: string[]; historic: string[] } {
  const rules = profile.riskConfirmation!;
  const incident = c.referral.incident;
  const all: TriggerAt[] = [
    ...incident.flags.filter((f) => rules.triggers.includes(f)).map((trigger) => ({ trigger, occurredAt: incident.occurredAt, policeInvestigation: false })),
    ...e.disclosures,
  ];
  const label = (t: TriggerAt) => `${t.trigger} (${t.occurredAt.slice(0, 10)}${t.policeInvestigation ? ', police investigation' : ''})`;
  return {
    current: all.filter((t) => isCurrent(rules, t, e.at)).map(label),
    historic: all.filter((t) => !isCurrent(rules, t, e.at)).map(label),
  };
}

/** Why the chair's confirmation cannot be recorded, or undefined. */
export function riskConfirmationProblem(profile: Profile, c: CaseContext, e: ConfirmRisk): string | undefined {
  const rules = profile.riskConfirmation;
  if (!rules) return `${profile.id} has no chair's risk confirmation at its daily meeting`;
  if (e.actor.role !== 'chair') return `the chair confirms the risk level ([002] 2.26); you act as ${e.actor.role}`;
  const done = confirmed(c);
  if (done) return `the risk level was already confirmed as ${done.risk} at ${done.at}`;
  const unknownTriggers = e.disclosures.map((d) => d.trigger).filter((t) => !rules.triggers.includes(t));
  if (unknownTriggers.length) return `${unknownTriggers.join(', ')} ${unknownTriggers.length === 1 ? 'is not a trigger' : 'are not triggers'} of ${profile.id} (triggers: ${rules.triggers.join(', ')}, [002] 2.39)`;
  const future = e.disclosures.find((d) => d.occurredAt > e.at);
  if (future) return `a disclosed ${future.trigger} at ${future.occurredAt} is in the future`;
  const unknownFactors = e.factors.filter((f) => !rules.factors.includes(f));
  if (unknownFactors.length) return `unknown factors for ${profile.id}: ${unknownFactors.join(', ')} (factors: ${rules.factors.join(', ')}, [002] 2.40)`;
  const { current, historic } = triggersOf(profile, c, e);
  if (e.risk === 'high' && current.length === 0 && e.factors.length === 0) {
    return historic.length
      ? `${historic.join(', ')} happened more than ${rules.historicAfterMonths} months ago and is not current high risk unless the disclosure triggers a police investigation ([002] 2.41); `
        + 'name a current trigger or factor (2.39–2.40), or record that the disclosure triggers an investigation'
      : `high risk means "${rules.definitions.high}" ([002] 2.37): name the current trigger or factor that shows it (${[...rules.triggers, ...rules.factors].join(', ')})`;
  }
  return undefined;
}

export function applyRiskConfirmation(profile: Profile, c: CaseContext, e: ConfirmRisk): Pick<CaseContext, 'risk' | 'riskConfirmation' | 'timeline'> {
  const { current, historic } = triggersOf(profile, c, e);
  const riskConfirmation: RiskConfirmation = { at: e.at, risk: e.risk, from: c.risk, currentTriggers: current, historicTriggers: historic, factors: e.factors, rationale: e.rationale };
  return {
    risk: e.risk,
    riskConfirmation,
    timeline: withEntry(c, 'risk.confirmed', e.at, { risk: e.risk, from: c.risk, currentTriggers: current, historicTriggers: historic, factors: e.factors }, { actor: e.actor, rationale: e.rationale }),
  };
}

/** Why the agencies' children check cannot be recorded, or undefined. */
export function childrenCheckProblem(profile: Profile, c: CaseContext, e: ChildrenCheckEvent): string | undefined {
  if (!profile.childrenCheck) return `${profile.id} does not check cases for children linked at its daily meeting`;
  if (c.referral.children.length > 0 && !checked(c)) return 'children are already linked to the case; the check is for cases on the "no children linked" list ([002] 2.22)';
  const done = checked(c);
  if (done) return `the agencies' check was already recorded at ${done.at} (${done.found} found)`;
  if (e.foundBy !== undefined && !profile.agencies.some((a) => a.id === e.foundBy)) return `unknown agency for profile ${profile.id}: ${e.foundBy}`;
  return undefined;
}

export function applyChildrenCheck(c: CaseContext, e: ChildrenCheckEvent): Pick<CaseContext, 'referral' | 'childrenCheck' | 'timeline'> {
  const found = e.found.length;
  return {
    referral: found ? { ...c.referral, children: [...c.referral.children, ...e.found] } : c.referral,
    childrenCheck: { at: e.at, found, by: e.actor },
    timeline: withEntry(c, 'children.checked', e.at, { found }, {
      actor: e.actor,
      rationale: found
        ? `${found} child${found === 1 ? '' : 'ren'} linked${e.foundBy ? ` on the records of ${e.foundBy}` : ''}: the case moves to the children-linked list ([002] 2.22).`
        : 'The agencies confirm that no children are linked to the victim or the perpetrator ([002] 2.22).',
    }),
  };
}

/** What the daily meeting must have confirmed before the outcome stands, or undefined. */
export function hearingProblem(profile: Profile, c: CaseContext, e: Outcome): string | undefined {
  if (profile.childrenCheck && c.referral.children.length === 0 && !checked(c)) {
    return 'the agencies first confirm that a case on the "no children linked" list has none ([002] 2.22): recordChildrenCheck';
  }
  if (profile.riskConfirmation && !confirmed(c)) return 'the chair first confirms the risk level with the representatives ([002] 2.26, 2.37): confirmRisk';
  const marac = maracRequired(profile, c);
  if (marac) return marac;
  return victimContactProblem(profile.victimContact, c.risk, c.referral.children.length > 0, e.outcome.actions);
}
