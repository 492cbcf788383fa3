import type { Actor, AgencyId } from '../../domain/actor';
import { plusDuration } from '../../domain/duration';
import type { CaseCommand } from '../../domain/case-commands';
import type { MashMeetingKind, MashProfile, MaracCriterion, RagRating, ScreeningOutcome } from '../../domain/mash';
import type { Profile } from '../../domain/profile';
import type { Risk } from '../../domain/referral';
import type { Instant } from '../../domain/time';
import type { CaseContext } from './context';
import type { CommandEvent } from './events';
import { mashMessages } from './mash-messages';
import { messages } from './messages';
import { dailySchedule } from './schedule';
import { withEntry } from './timeline';

export { mashAgencies } from './mash-agencies';

/**
 * The MASH stage of a case (domain/mash.ts; 003 = shared/seeds/003_bc8e99d0a5350bae.txt): what
 * each step records, when the case accepts it, its deadlines and where it goes next. The referral
 * machine wires these in as its `mash` state, entered only under a profile with a `mash` section.
 */
export type MashEvent = CommandEvent<'recordScreening' | 'setRagRating' | 'recordTriageResponse' | 'conveneMashMeeting' | 'recordMashDecision'>;
export const mashCommandNames: readonly MashEvent['type'][] = ['recordScreening', 'setRagRating', 'recordTriageResponse', 'conveneMashMeeting', 'recordMashDecision'];

export interface MashCase {
  /** The agency that screened the incident and leads it in the MASH (003 §9.3, §14.4); a restricted case's is the restriction's. */
  leadAgency: AgencyId;
  screening: {
    /** 003 §7.3.1(9): the instant a standard-risk incident is to be completed by; null when the risk level has no timescale. */
    completeBy: Instant | null;
    overdue: boolean;
    completed: { at: Instant; outcome: ScreeningOutcome; sharedWith: AgencyId[]; risk: Risk; rationale: string; by: Actor; late: boolean } | null;
  };
  /** When the referral was loaded onto the MASH system: the RAG timescale and the MASH record's 24 hours run from here. */
  referredAt: Instant | null;
  rag: { rating: RagRating; dueAt: Instant; overdue: boolean; history: { at: Instant; rating: RagRating; rationale: string; by: Actor }[] } | null;
  triage: {
    requestedAt: Instant;
    agencies: AgencyId[];
    /** Agencies outside the MASH not asked because the case is restricted (003 §18.2). */
    withheldFrom: AgencyId[];
    respondBy: Instant;
    responses: Partial<Record<AgencyId, { at: Instant; title?: string; response: CaseCommand<'recordTriageResponse'>['response']; by: Actor; late: boolean }>>;
  } | null;
  meeting: { kind: MashMeetingKind; meetingAt: Instant; recordBy: Instant; convenedAt: Instant; rationale: string; by: Actor; overdue: boolean } | null;
  decision: { at: Instant; outcomes: string[]; leadAgency: AgencyId; rationale: string; by: Actor; referToMarac?: boolean; late: boolean } | null;
  /** The MASH stage has ended: when, and the 003 §17.2 criteria that refer the case to MARAC (none: it closes). */
  concluded: { at: Instant; maracCriteria: MaracCriterion[] } | null;
}

/** Where a case stands in the MASH, read from its context (so guards and refusals agree); null outside the stage. */
export type MashStep = 'screening' | 'rating' | 'triage' | 'meeting';

export function mashStepOf(c: CaseContext): MashStep | null {
  const m = c.mash;
  if (!m || m.concluded || c.closed) return null;
  if (!m.screening.completed) return 'screening';
  if (!m.rag) return 'rating';
  return m.meeting ? 'meeting' : 'triage';
}

const mashOf = (profile: Profile): MashProfile => {
  if (!profile.mash) throw new Error(`profile ${profile.id} has no MASH stage`);
  return profile.mash;
};

/** The lead agency now: a case restricted since screening is led by the restriction's lead agency (003 §18.3). */
export const mashLead = (c: CaseContext): AgencyId => c.restriction?.leadAgency ?? c.mash!.leadAgency;

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

/** 003 §7.2, §9.3: every incident is screened first; a standard-risk one has its 72 hours from receipt. */
export function openMash(profile: Profile, c: CaseContext): Pick<CaseContext, 'mash' | 'timeline'> {
  const m = mashOf(profile);
  const receivedAt = c.referral.receivedAt;
  const within = m.screening.completeWithin[c.risk];
  const completeBy = within ? plusDuration(receivedAt, within) : null;
  const leadAgency = c.restriction?.leadAgency ?? m.lead.byReferrer[c.referral.referrer.agency] ?? m.lead.otherwise;
  const mash: MashCase = {
    leadAgency,
    screening: { completeBy, overdue: false, completed: null },
    referredAt: null, rag: null, triage: null, meeting: null, decision: null, concluded: null,
  };
  const rationale = completeBy
    ? `003 §7.3.1(9): a ${c.risk}-risk incident is completed within ${within} of its receipt; ${leadAgency} screens it.`
    : `003 §7.2, §9.3: every incident is screened first; ${leadAgency} screens it.`;
  return { mash, timeline: withEntry(c, 'screening.started', receivedAt, { risk: c.risk, ...(completeBy ? { completeBy } : {}) }, { rationale }) };
}

/** 003 §17.2: the criteria the case meets for a MARAC referral now (`judgement`: a decision's referToMarac). */
export function maracCriteriaMet(profile: Profile, c: CaseContext, judgement = false): MaracCriterion[] {
  const m = mashOf(profile).marac;
  const met: MaracCriterion[] = [];
  if (m.risks.includes(c.risk)) met.push('risk-level');
  if (m.repeat && c.repeat) met.push('repeat');
  if (m.flags.some((f) => c.referral.incident.flags.includes(f))) met.push('flagged');
  if (judgement) met.push('professional-judgement');
  return met;
}

const criterionWords = (profile: Profile, c: CaseContext, k: MaracCriterion): string => {
  switch (k) {
    case 'risk-level': return `assessed as ${c.risk} risk`;
    case 'repeat': return `a repeat within ${profile.routing.repeatWindow} of case ${c.repeat?.previousCaseId}, referred to MARAC`;
    case 'flagged': return `flagged ${mashOf(profile).marac.flags.filter((f) => c.referral.incident.flags.includes(f)).join(', ')}`;
    case 'professional-judgement': return 'professional judgement that risk may escalate';
  }
};

const isTeamManager = (m: MashProfile, a: Actor) => m.teamManager.roles.includes(a.role) && a.agency !== undefined && m.teamManager.agencies.includes(a.agency);
const teamManagerWords = (m: MashProfile, a: Actor) =>
  `a MASH team manager (role ${m.teamManager.roles.join(' or ')} for ${m.teamManager.agencies.join(' or ')}); you act as ${a.role}${a.agency ? ` for ${a.agency}` : ''}`;

/** Why the case refuses a MASH action now, or undefined when it takes it (the guards and the refusals both ask this). */
export function mashProblem(profile: Profile, c: CaseContext, e: MashEvent): string | undefined {
  if (!profile.mash) return `the profile ${profile.id} has no MASH stage (screening, RAG rating, triage, MASH meeting)`;
  const m = profile.mash;
  const step = mashStepOf(c);
  const mash = c.mash;
  if (step === null || !mash) {
    if (mash?.concluded) return `the MASH stage ended at ${mash.concluded.at}${mash.concluded.maracCriteria.length ? ': the case was referred to MARAC' : ''}`;
    return 'the case is not in the MASH stage';
  }
  const closes = (criteria: MaracCriterion[]) => criteria.length === 0 && c.openDisputes.length > 0
    ? `disputes are open (${c.openDisputes.join(', ')}) and this would close the case; a case cannot close while one is open`
    : undefined;
  switch (e.type) {
    case 'recordScreening': {
      if (step !== 'screening') return `the incident was screened at ${mash.screening.completed!.at} (${mash.screening.completed!.outcome})`;
      const unknown = e.sharedWith.filter((a) => !m.screening.shareWith.includes(a));
      if (unknown.length) return `sharedWith: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an agency' : 'are not agencies'} incidents are shared with under ${profile.id} (${m.screening.shareWith.join(', ')})`;
      return e.outcome === 'refer-to-mash' ? undefined : closes(maracCriteriaMet(profile, c));
    }
    case 'setRagRating':
      if (step === 'screening') return 'a referral is RAG-rated once screening refers it into the MASH (003 §12.1); the incident is still being screened';
      if (!isTeamManager(m, e.actor)) return `the RAG rating is set by ${teamManagerWords(m, e.actor)} (003 §12.1)`;
      if (mash.rag?.rating === e.rating) return `the referral is already rated ${e.rating}`;
      return undefined;
    case 'recordTriageResponse': {
      if (!mash.triage) return 'triage requests go out once the team manager has RAG-rated the referral (003 §14.3); none has been sent';
      if (!mash.triage.agencies.includes(e.agency)) {
        const withheld = mash.triage.withheldFrom.includes(e.agency) ? ' (not asked: the case is restricted, 003 §18.2)' : '';
        return `${e.agency} was not asked for triage information${withheld}; asked: ${mash.triage.agencies.join(', ')}`;
      }
      if (e.title !== undefined && !e.title.includes(m.triage.responseMarking)) return `title: a triage response carries "${m.triage.responseMarking}" in its title heading (003 §14.4)`;
      return undefined;
    }
    case 'conveneMashMeeting':
      if (step === 'meeting') return `a ${mash.meeting!.kind} is already convened for ${mash.meeting!.meetingAt}`;
      if (step !== 'triage') return `a MASH meeting is convened after triage has begun (003 §14.2, §14.8); the referral is ${step === 'screening' ? 'still being screened' : 'awaiting its RAG rating'}`;
      if (e.meetingAt < mash.referredAt!) return `meetingAt: the meeting cannot be before the referral reached the MASH (${mash.referredAt})`;
      return undefined;
    case 'recordMashDecision': {
      if (step === 'screening' || step === 'rating') return `the MASH decision follows triage; the referral is ${step === 'screening' ? 'still being screened' : 'awaiting its RAG rating'}`;
      if (!isTeamManager(m, e.actor)) return `the decision is authorised by ${teamManagerWords(m, e.actor)} (003 §14.5)`;
      if (step === 'meeting' && e.at < mash.meeting!.meetingAt) return `the ${mash.meeting!.kind} is at ${mash.meeting!.meetingAt}; its record is taken from then`;
      const known = m.outcomes.map((o) => o.id);
      const unknown = e.outcomes.filter((o) => !known.includes(o));
      if (unknown.length) return `outcomes: unknown for ${profile.id}: ${unknown.join(', ')} (known: ${known.join(', ')})`;
      if (e.leadAgency && !profile.agencies.some((a) => a.id === e.leadAgency)) return `leadAgency: unknown agency for profile ${profile.id}: ${e.leadAgency}`;
      const criteria = maracCriteriaMet(profile, c);
      if (e.referToMarac === false && criteria.length) {
        return `the case meets 003 §17.2 (${criteria.map((k) => criterionWords(profile, c, k)).join('; ')}): it is referred to MARAC whatever the decision says; leave referToMarac out`;
      }
      return closes(maracCriteriaMet(profile, c, e.referToMarac === true));
    }
  }
}

/** 003 §7.3.1(3), §13: the screening decision; an incident shared for support goes to those agencies. */
export function recordScreening(profile: Profile, c: CaseContext, e: CommandEvent<'recordScreening'>): Partial<CaseContext> {
  const mash = c.mash!;
  const { completeBy } = mash.screening;
  const late = completeBy !== null && e.at > completeBy;
  const refers = e.outcome === 'refer-to-mash';
  const completed = { at: e.at, outcome: e.outcome, sharedWith: e.sharedWith, risk: c.risk, rationale: e.rationale, by: e.actor, late };
  const next: MashCase = {
    ...mash,
    screening: { ...mash.screening, completed },
    referredAt: refers ? e.at : null,
    concluded: refers ? null : { at: e.at, maracCriteria: maracCriteriaMet(profile, c) },
  };
  const timeline = withEntry(c, 'screening.completed', e.at, {
    outcome: e.outcome, sharedWith: e.sharedWith, ...(refers ? { leadAgency: mashLead(c) } : {}), ...(completeBy ? { completeBy } : {}), late,
  }, { actor: e.actor, rationale: e.rationale });
  const outbox = e.outcome === 'share-for-support' ? [...c.outbox, mashMessages.shared({ ...c, mash: next }, e.sharedWith)] : c.outbox;
  return { mash: next, timeline, outbox };
}

/** 003 §12.1: the team manager's rating sets the timescale; the first one sends the triage requests (§14.3–14.4). */
export function setRagRating(profile: Profile, c: CaseContext, e: CommandEvent<'setRagRating'>): Partial<CaseContext> {
  const m = mashOf(profile);
  const mash = c.mash!;
  const referredAt = mash.referredAt!;
  const dueAt = plusDuration(referredAt, m.rag.timescales[e.rating]);
  const previous = mash.rag?.rating;
  const rag = { rating: e.rating, dueAt, overdue: false, history: [...(mash.rag?.history ?? []), { at: e.at, rating: e.rating, rationale: e.rationale, by: e.actor }] };
  let next: MashCase = { ...mash, rag };
  let timeline = withEntry(c, 'rag.rated', e.at, { rating: e.rating, ...(previous ? { previous } : {}), referredAt, dueAt }, {
    actor: e.actor,
    rationale: `${e.rationale} (003 ${previous ? '§14.5: re-assessed at the end of triage' : '§12.1'}; ${e.rating}: complete within ${m.rag.timescales[e.rating]} of the referral's receipt on the MASH system)`,
  });
  let outbox = c.outbox;
  if (!mash.triage) {
    const restricted = Boolean(c.restriction);
    const agencies = unique(restricted ? m.triage.agencies : [...m.triage.agencies, ...m.triage.spocAgencies]);
    const withheldFrom = restricted ? m.triage.spocAgencies.filter((a) => !agencies.includes(a)) : [];
    next = { ...next, triage: { requestedAt: e.at, agencies, withheldFrom, respondBy: dueAt, responses: {} } };
    timeline = withEntry({ ...c, timeline }, 'triage.requested', e.at, { agencies, withheldFrom, rating: e.rating, respondBy: dueAt, marking: m.triage.responseMarking }, {
      actor: e.actor,
      rationale: `003 §14.3–14.4: the lead agency (${mashLead(c)}) asks the triage agencies for what they hold, within the RAG timescale.`
        + (withheldFrom.length ? ` The case is restricted: agencies outside the MASH (${withheldFrom.join(', ')}) are not asked (003 §18.2).` : ''),
    });
    outbox = [...outbox, mashMessages.triageRequest(profile, { ...c, mash: next })];
  }
  return chase(profile, { ...c, mash: next, timeline, outbox }, e.at);
}

/** 003 §14.4: a response is loaded onto the case and the lead professionals are told it has come. */
export function recordTriageResponse(profile: Profile, c: CaseContext, e: CommandEvent<'recordTriageResponse'>): Partial<CaseContext> {
  const mash = c.mash!;
  const triage = mash.triage!;
  const late = e.at > triage.respondBy;
  const item = { at: e.at, ...(e.title ? { title: e.title } : {}), response: e.response, by: e.actor, late };
  const next: MashCase = { ...mash, triage: { ...triage, responses: { ...triage.responses, [e.agency]: item } } };
  const lead = mashLead(c);
  return {
    mash: next,
    timeline: withEntry(c, 'triage.response-received', e.at, { agency: e.agency, respondBy: triage.respondBy, late }, { actor: e.actor }),
    outbox: lead === e.agency ? c.outbox : [...c.outbox, mashMessages.triageResponse(profile, { ...c, mash: next }, e.agency, e.at)],
  };
}

/** 003 §14.2, §14.8: a MASH meeting or strategy discussion; its record is due within 24 hours of the referral. */
export function conveneMashMeeting(profile: Profile, c: CaseContext, e: CommandEvent<'conveneMashMeeting'>): Partial<CaseContext> {
  const m = mashOf(profile);
  const mash = c.mash!;
  const recordBy = plusDuration(mash.referredAt!, m.meeting.recordWithin);
  const meeting = { kind: e.kind, meetingAt: e.meetingAt, recordBy, convenedAt: e.at, rationale: e.rationale, by: e.actor, overdue: false };
  const next: MashCase = { ...mash, meeting };
  const timeline = withEntry(c, 'mash-meeting.convened', e.at, { kind: e.kind, meetingAt: e.meetingAt, recordBy }, {
    actor: e.actor,
    rationale: `${e.rationale} (003 §14.8: the record, with the lead agency's decision and rationale, within ${m.meeting.recordWithin} of the referral's receipt on the MASH system)`,
  });
  const outbox = [...c.outbox, mashMessages.meetingConvened(profile, { ...c, mash: next })];
  return chase(profile, { ...c, mash: next, timeline, outbox }, e.at);
}

/** 003 §14.5–14.7, §14.8, §15.5: the decision (the MASH meeting's record when one was held); the agencies its outcomes name are told. */
export function recordMashDecision(profile: Profile, c: CaseContext, e: CommandEvent<'recordMashDecision'>): Partial<CaseContext> {
  const m = mashOf(profile);
  const mash = c.mash!;
  const rag = mash.rag!;
  const leadAgency = e.leadAgency ?? mashLead(c);
  const notified = unique(e.outcomes.flatMap((id) => m.outcomes.find((o) => o.id === id)?.notify ?? []));
  const late = e.at > rag.dueAt || (mash.meeting !== null && e.at > mash.meeting.recordBy);
  const decision = { at: e.at, outcomes: e.outcomes, leadAgency, rationale: e.rationale, by: e.actor, ...(e.referToMarac !== undefined ? { referToMarac: e.referToMarac } : {}), late };
  const next: MashCase = { ...mash, decision, concluded: { at: e.at, maracCriteria: maracCriteriaMet(profile, c, e.referToMarac === true) } };
  const timeline = withEntry(c, 'mash.decided', e.at, {
    outcomes: e.outcomes, leadAgency, meeting: mash.meeting !== null, notified, dueAt: rag.dueAt, ...(mash.meeting ? { recordBy: mash.meeting.recordBy } : {}), late,
  }, { actor: e.actor, rationale: e.rationale });
  const outbox = notified.length ? [...c.outbox, mashMessages.outcome(profile, { ...c, mash: next }, notified, e.outcomes)] : c.outbox;
  return { mash: next, timeline, outbox };
}

/** The MASH stage's deadlines still ahead of the case: the host arms a timer for the earliest. */
export function mashDeadlines(c: CaseContext): Instant[] {
  const m = c.mash;
  if (!m || m.concluded || c.closed) return [];
  const due: Instant[] = [];
  if (!m.screening.completed && m.screening.completeBy && !m.screening.overdue) due.push(m.screening.completeBy);
  if (m.rag && !m.rag.overdue && !m.decision) due.push(m.rag.dueAt);
  if (m.meeting && !m.meeting.overdue && !m.decision) due.push(m.meeting.recordBy);
  return due;
}

/** At the case's clock: each MASH deadline passed without its work done goes on the timeline, and the administrator is told. */
export function chaseMash(profile: Profile, c: CaseContext, at: Instant): Partial<CaseContext> | undefined {
  const changes = chase(profile, c, at);
  return changes.mash === c.mash ? undefined : changes;
}

function chase(profile: Profile, c: CaseContext, at: Instant): Pick<CaseContext, 'mash' | 'timeline' | 'outbox'> {
  let mash = c.mash!;
  let { timeline, outbox } = c;
  const step = mashStepOf(c);
  const now = () => ({ ...c, mash, timeline, outbox });
  if (step === 'screening' && mash.screening.completeBy && !mash.screening.overdue && mash.screening.completeBy <= at) {
    const dueAt = mash.screening.completeBy;
    mash = { ...mash, screening: { ...mash.screening, overdue: true } };
    timeline = withEntry(now(), 'screening.overdue', at, { dueAt }, { rationale: `003 §7.3.1(9): not completed within ${mashOf(profile).screening.completeWithin[c.risk]} of its receipt.` });
    outbox = [...outbox, mashMessages.overdue(now(), 'screening', dueAt, [])];
  }
  if ((step === 'triage' || step === 'meeting') && mash.rag && !mash.rag.overdue && !mash.decision && mash.rag.dueAt <= at) {
    const { rating, dueAt } = mash.rag;
    const awaiting = (mash.triage?.agencies ?? []).filter((a) => !mash.triage!.responses[a]);
    mash = { ...mash, rag: { ...mash.rag, overdue: true } };
    timeline = withEntry(now(), 'rag.overdue', at, { rating, dueAt, awaiting }, { rationale: `003 §12.1: the ${rating} timescale (${mashOf(profile).rag.timescales[rating]}) has passed without a MASH decision.` });
    outbox = [...outbox, mashMessages.overdue(now(), 'rag', dueAt, awaiting)];
  }
  if (step === 'meeting' && mash.meeting && !mash.meeting.overdue && !mash.decision && mash.meeting.recordBy <= at) {
    const { kind, meetingAt, recordBy } = mash.meeting;
    mash = { ...mash, meeting: { ...mash.meeting, overdue: true } };
    timeline = withEntry(now(), 'mash-meeting.record-overdue', at, { kind, meetingAt, recordBy }, { rationale: `003 §14.8: the record is not completed within ${mashOf(profile).meeting.recordWithin} of the referral.` });
    outbox = [...outbox, mashMessages.overdue(now(), 'record', recordBy, [])];
  }
  return { mash, timeline, outbox };
}

/** 003 §17.2–17.4: the MASH stage ends in a MARAC referral; the case goes to the profile's MARAC (its `dailyMeeting`). */
export function referFromMashToMarac(profile: Profile, c: CaseContext): Partial<CaseContext> {
  const { at, maracCriteria } = c.mash!.concluded!;
  const schedule = dailySchedule(profile, at);
  const lead = c.mash!.decision?.leadAgency ?? mashLead(c);
  let timeline = withEntry(c, 'marac.referred', at, { criteria: maracCriteria }, {
    rationale: `003 §17.2: ${maracCriteria.map((k) => criterionWords(profile, c, k)).join('; ')}. The lead agency (${lead}) sends the referral (§17.4).`,
  });
  timeline = withEntry({ ...c, timeline }, 'referral.routed', at, { route: 'hrda', repeat: c.repeat !== null, ...(c.repeat ? { previousCaseId: c.repeat.previousCaseId } : {}) }, {
    rationale: 'Referred to MARAC from the MASH.',
  });
  timeline = withEntry({ ...c, timeline }, 'meeting.scheduled', at, { kind: 'daily', meetingAt: schedule.meetingAt });
  return { route: 'hrda', ...schedule, timeline };
}

/** The MASH stage ends without MARAC: the case closes with the screening's or the decision's rationale, and the referrer is told (003 §14.7). */
export function closeAfterMash(profile: Profile, c: CaseContext): Partial<CaseContext> {
  const mash = c.mash!;
  const { at } = mash.concluded!;
  const d = mash.decision;
  const s = mash.screening.completed!;
  const decided = d ? `MASH decision ${d.outcomes.join(', ')} (lead agency ${d.leadAgency}): ${d.rationale}` : `Screened ${s.outcome} (003 §7.3.1(3)): ${s.rationale}`;
  const rationale = `${decided} The MARAC criteria of 003 §17.2 are not met: the MASH has no further role.`;
  const by = d?.by ?? s.by;
  const closed = { at, rationale, by };
  const next = { ...c, closed };
  return {
    closed,
    timeline: withEntry(c, 'case.closed', at, { rationale }, { actor: by, rationale }),
    outbox: [...c.outbox, messages.caseClosed(profile, next, rationale)],
  };
}
