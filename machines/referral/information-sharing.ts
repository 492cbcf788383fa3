import type { Actor, AgencyId } from '../../domain/actor';
import { decideSharing, sharingApplies, sharingDeadlines, type LevelOfNeed } from '../../domain/information-sharing';
import type { Notification } from '../../domain/notification';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';
import type { CommandEvent } from './events';
import { caseDetails, message, restrictedNotice } from './messages';
import { withEntry } from './timeline';

/**
 * Police information sharing with health and children's social care, and what they must then do
 * (001_d05a419fff4ecf95.txt; domain/information-sharing.ts): decided from the incident when the
 * case is received, followed by First Response's decision (a level of need, within office hours)
 * and health's sharing with the family's caseload holders (within working days), each a deadline
 * of the case. Only a profile with `informationSharing` gives a case any of this; the referral
 * machine wires it in at its root so that it is taken in every state of a live case.
 */
export type SharingEvent = CommandEvent<'recordFirstResponseDecision' | 'recordHealthSharing'>;

export interface FirstResponseDecision {
  at: Instant;
  level: number;
  levelName: string;
  rationale: string;
  riskFactors: string[];
  protectiveFactors: string[];
  by: Actor;
}

export interface HealthSharingRecord {
  at: Instant;
  sharedWith: string[];
  note?: string;
  by: Actor;
}

export interface CaseSharing {
  /** The ids of the criteria the incident met, in the profile's order; empty when none was. */
  criteria: string[];
  shareWith: AgencyId[];
  referralDueBy: Instant;
  late: boolean;
  /** Null when nothing was shared, or the profile has no First Response stage. */
  firstResponse: { agency: AgencyId; dueBy: Instant; overdue: boolean; decision: FirstResponseDecision | null } | null;
  healthSharing: { agency: AgencyId; dueBy: Instant; overdue: boolean; record: HealthSharingRecord | null } | null;
}

type Changes = Pick<CaseContext, 'informationSharing' | 'timeline' | 'outbox'>;

const levelLabel = (l: LevelOfNeed) => `${l.level} (${l.name})`;

/**
 * The police decision when the referral is received: which criteria the incident meets, who it is
 * shared with, and every deadline that follows, on the timeline at the instant of receipt. Undefined
 * when the profile has no criteria or the referral is not from an agency they decide.
 */
export function decideAtIntake(profile: Profile, c: CaseContext): Changes | undefined {
  const section = profile.informationSharing;
  const r = c.referral;
  if (!section || !sharingApplies(section, r.referrer.agency) || c.informationSharing) return undefined;
  const incident = { referrer: r.referrer.agency, occurredAt: r.incident.occurredAt, receivedAt: r.receivedAt, facts: r.incident.facts ?? {}, flags: r.incident.flags };
  const decision = decideSharing(section, incident);
  const shared = decision.shareWith.length > 0;
  const due = sharingDeadlines(section, incident, shared);
  const sharing: CaseSharing = {
    criteria: decision.criteria.map((x) => x.id),
    shareWith: decision.shareWith,
    referralDueBy: due.referralDueBy,
    late: due.late,
    firstResponse: due.firstResponseDueBy ? { agency: section.firstResponse!.agency, dueBy: due.firstResponseDueBy, overdue: false, decision: null } : null,
    healthSharing: due.healthSharingDueBy ? { agency: section.healthSharing!.agency, dueBy: due.healthSharingDueBy, overdue: false, record: null } : null,
  };
  const at = r.receivedAt;
  let timeline = c.timeline;
  if (due.late) {
    timeline = withEntry({ ...c, timeline }, 'referral.late', at, { occurredAt: r.incident.occurredAt, dueBy: due.referralDueBy }, {
      rationale: `The referral was received more than ${section.referralWithinHours} hours after the incident (due by ${due.referralDueBy}).`,
    });
  }
  timeline = withEntry({ ...c, timeline }, 'information-sharing.decided', at, {
    criteria: sharing.criteria,
    shareWith: sharing.shareWith,
    referralDueBy: due.referralDueBy,
    ...(due.firstResponseDueBy ? { firstResponseDueBy: due.firstResponseDueBy } : {}),
    ...(due.healthSharingDueBy ? { healthSharingDueBy: due.healthSharingDueBy } : {}),
  }, {
    rationale: shared
      ? `Shared with ${sharing.shareWith.join(' and ')}: ${decision.criteria.map((x) => x.text).join(' ')}`
      : `None of the ${section.criteria.length} information-sharing criteria is met: the incident is not shared with ${section.shareWith.join(' or ')}.`,
  });
  const outbox = shared ? [...c.outbox, sharedIncident(c, sharing, decision.criteria.map((x) => x.text))] : c.outbox;
  return { informationSharing: sharing, timeline, outbox };
}

/** The police Care Plan to the agencies it is shared with, with what each must do and by when. */
function sharedIncident(c: CaseContext, s: CaseSharing, criteria: string[]): Notification {
  return message(c, 'incident-shared', s.shareWith, 'incident-shared', 'Domestic abuse incident shared by the police', [
    'The police share this incident with you under the information-sharing criteria it meets:',
    ...criteria.map((t) => `  - ${t}`),
    ...(s.firstResponse ? [`First Response (${s.firstResponse.agency}): record the level of need by ${s.firstResponse.dueBy}.`] : []),
    ...(s.healthSharing ? [`Health (${s.healthSharing.agency}): pass it to the caseload holders by ${s.healthSharing.dueBy}, and record who.`] : []),
    // A restricted case's details go to its need-to-know list only (003 §18.3).
    ...(c.restriction ? [restrictedNotice] : caseDetails(c)),
    'Never share any of this with the perpetrator or anyone connected to them.',
  ]);
}

/** Why the case refuses the action, or undefined when it takes it. */
export function sharingProblem(profile: Profile, c: CaseContext, e: SharingEvent): string | undefined {
  const section = profile.informationSharing;
  const s = c.informationSharing;
  if (e.type === 'recordFirstResponseDecision') {
    const stage = section?.firstResponse;
    if (!stage) return `${profile.id} has no First Response stage: its protocol sets no triage of shared incidents`;
    if (!s) return `this referral was not decided against the information-sharing criteria (it came from ${c.referral.referrer.agency}; ${profile.id} decides those from ${section.from.join(', ')})`;
    if (!s.firstResponse) return 'the incident met none of the information-sharing criteria: it was not shared with First Response';
    if (s.firstResponse.decision) return `First Response's decision was already recorded at ${s.firstResponse.decision.at} (level ${s.firstResponse.decision.level})`;
    if (e.actor.agency !== stage.agency) return `First Response's decision is recorded by ${stage.agency}, not ${e.actor.agency ?? 'an actor without an agency'}`;
    if (!stage.levels.some((l) => l.level === e.level)) return `level: ${e.level} is not a level of need of ${profile.id} (${stage.levels.map(levelLabel).join(', ')})`;
    return undefined;
  }
  const stage = section?.healthSharing;
  if (!stage) return `${profile.id} has no health sharing stage: its protocol sets no sharing with health caseload holders`;
  if (!s) return `this referral was not decided against the information-sharing criteria (it came from ${c.referral.referrer.agency}; ${profile.id} decides those from ${section.from.join(', ')})`;
  if (!s.healthSharing) return 'the incident met none of the information-sharing criteria: it was not shared with health';
  if (s.healthSharing.record) return `health's sharing was already recorded at ${s.healthSharing.record.at}`;
  if (e.actor.agency !== stage.agency) return `health's sharing is recorded by ${stage.agency}, not ${e.actor.agency ?? 'an actor without an agency'}`;
  const unknown = e.sharedWith.filter((x) => !stage.recipients.includes(x));
  if (unknown.length) return `sharedWith: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among ${profile.id}'s health recipients (${stage.recipients.join(', ')})`;
  return undefined;
}

/** What the action changes: the case's sharing record and its timeline. */
export function applySharing(profile: Profile, c: CaseContext, e: SharingEvent): Pick<CaseContext, 'informationSharing' | 'timeline'> {
  const s = c.informationSharing!;
  if (e.type === 'recordFirstResponseDecision') {
    const fr = s.firstResponse!;
    const level = profile.informationSharing!.firstResponse!.levels.find((l) => l.level === e.level)!;
    const decision: FirstResponseDecision = { at: e.at, level: e.level, levelName: level.name, rationale: e.rationale, riskFactors: e.riskFactors, protectiveFactors: e.protectiveFactors, by: e.actor };
    return {
      informationSharing: { ...s, firstResponse: { ...fr, decision } },
      timeline: withEntry(c, 'first-response.decided', e.at, { level: e.level, dueBy: fr.dueBy, late: e.at > fr.dueBy }, { actor: e.actor, rationale: `Level ${levelLabel(level)}: ${e.rationale}` }),
    };
  }
  const hs = s.healthSharing!;
  const record: HealthSharingRecord = { at: e.at, sharedWith: e.sharedWith, ...(e.note ? { note: e.note } : {}), by: e.actor };
  return {
    informationSharing: { ...s, healthSharing: { ...hs, record } },
    timeline: withEntry(c, 'health-sharing.recorded', e.at, { sharedWith: e.sharedWith, dueBy: hs.dueBy, late: e.at > hs.dueBy }, { actor: e.actor, rationale: e.note }),
  };
}

/** The deadlines still ahead: a timer for each until it is met or marked overdue. */
export function pendingSharingDeadlines(c: CaseContext): Instant[] {
  const s = c.informationSharing;
  if (!s) return [];
  return [
    ...(s.firstResponse && !s.firstResponse.decision && !s.firstResponse.overdue ? [s.firstResponse.dueBy] : []),
    ...(s.healthSharing && !s.healthSharing.record && !s.healthSharing.overdue ? [s.healthSharing.dueBy] : []),
  ];
}

/** Whether First Response or health still has to act (the case stays open until they have). */
export function sharingPending(c: Pick<CaseContext, 'informationSharing'>): boolean {
  const s = c.informationSharing;
  return Boolean(s && ((s.firstResponse && !s.firstResponse.decision) || (s.healthSharing && !s.healthSharing.record)));
}

/**
 * Deadlines that have come by `at`: each marked overdue at its own instant, and the agency that
 * owes the step told, with the administrator. The step stays open: a late decision is still taken.
 */
export function chaseSharing(c: CaseContext, at: Instant): Changes | undefined {
  const s = c.informationSharing;
  if (!s) return undefined;
  let next = s;
  let timeline = c.timeline;
  const outbox = [...c.outbox];
  const fr = s.firstResponse;
  if (fr && !fr.decision && !fr.overdue && fr.dueBy <= at) {
    next = { ...next, firstResponse: { ...fr, overdue: true } };
    timeline = withEntry({ ...c, timeline }, 'first-response.overdue', fr.dueBy, { dueBy: fr.dueBy }, { rationale: `First Response (${fr.agency}) recorded no level of need by ${fr.dueBy}.` });
    outbox.push(message(c, `first-response-overdue:${fr.dueBy}`, [fr.agency, 'administrator'], 'first-response-overdue', 'First Response decision overdue', [
      `The police shared this incident with First Response; its decision on the level of need was due by ${fr.dueBy} and none is recorded.`,
      'Record the decision on the case as soon as it is made.',
    ]));
  }
  const hs = s.healthSharing;
  if (hs && !hs.record && !hs.overdue && hs.dueBy <= at) {
    next = { ...next, healthSharing: { ...hs, overdue: true } };
    timeline = withEntry({ ...c, timeline }, 'health-sharing.overdue', hs.dueBy, { dueBy: hs.dueBy }, { rationale: `Health (${hs.agency}) recorded no sharing with the caseload holders by ${hs.dueBy}.` });
    outbox.push(message(c, `health-sharing-overdue:${hs.dueBy}`, [hs.agency, 'administrator'], 'health-sharing-overdue', 'Health sharing overdue', [
      `The police shared this incident with health; it was due to reach the family's caseload holders by ${hs.dueBy} and no sharing is recorded.`,
      'Record who it was passed to as soon as it is.',
    ]));
  }
  if (next === s) return undefined;
  return { informationSharing: next, timeline, outbox };
}

/** Why a case that waited only for First Response and health may close, in the facts' words. */
export function followedUpRationale(c: CaseContext): string {
  const s = c.informationSharing!;
  const fr = s.firstResponse?.decision;
  const hs = s.healthSharing?.record;
  return [
    `Assessed as ${c.risk} risk and not a repeat: referred to the ${c.route}.`,
    ...(fr ? [`First Response decided level ${fr.level} (${fr.levelName}) at ${fr.at}.`] : []),
    ...(hs ? [`Health shared it with ${hs.sharedWith.join(', ')} at ${hs.at}.`] : []),
    'Nothing is pending.',
  ].join(' ');
}
