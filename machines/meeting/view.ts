import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import { orderAgenda } from './agenda-order';
import type { MeetingCommand, MeetingCommandName } from './commands';
import type { DailyMeetingContext, Enlisted, MaracMeetingContext, MonthlyMeetingContext } from './context';
import type { DailyMeetingSnapshot } from './daily-meeting.machine';
import type { MailedPapers } from './papers';
import { returnedCases, type MonthlyMeetingSnapshot } from './monthly-meeting.machine';

/**
 * The stable public vocabulary of a meeting (queries, the client, the CLI), decoupled from the
 * machines' internal state names.
 */
export const meetingStatuses = ['gathering', 'agenda-frozen', 'sitting', 'closing', 'ended', 'cancelled', 'no-meeting'] as const;
export type MeetingStatus = (typeof meetingStatuses)[number];

export function dailyStatus(s: DailyMeetingSnapshot): MeetingStatus {
  if (s.matches('noMeeting')) return 'no-meeting';
  // A cancelled meeting stays cancelled to its readers after its end has passed.
  if (s.context.closure !== null) return 'cancelled';
  if (s.matches('frozen')) return 'agenda-frozen';
  if (s.matches('sitting')) return 'sitting';
  if (s.matches('closing')) return 'closing';
  if (s.matches('ended')) return 'ended';
  return 'gathering';
}

export function monthlyStatus(s: MonthlyMeetingSnapshot): MeetingStatus {
  if (s.matches('noMeeting')) return 'no-meeting';
  if (s.matches('circulated')) return 'agenda-frozen';
  if (s.matches('sitting')) return 'sitting';
  if (s.matches('closing')) return 'closing';
  if (s.matches('ended')) return 'ended';
  return 'gathering';
}

/** The host finishes once the machine is here and nothing is left to deliver. */
export const dailyFinished = (s: DailyMeetingSnapshot) => s.matches('ended') || s.matches('noMeeting');
export const monthlyFinished = (s: MonthlyMeetingSnapshot) => s.matches('ended') || s.matches('noMeeting');

/** The next instant the machine waits for; the host arms one timer for it and sends `clock`. */
export function dailyDeadline(s: DailyMeetingSnapshot): Instant | undefined {
  const p = s.context.plan;
  if (s.matches('gathering')) return p.freezeAt;
  if (s.matches('frozen')) return p.meetingAt;
  if (s.matches('sitting') || s.matches('cancelled')) return p.endsAt;
  return undefined;
}

export function monthlyDeadline(s: MonthlyMeetingSnapshot): Instant | undefined {
  const p = s.context.plan;
  if (s.matches('gathering')) return p.qaBy;
  if (s.matches('circulated')) return p.meetingAt;
  if (s.matches('sitting')) return p.endsAt;
  return undefined;
}

const heardAt = (c: DailyMeetingContext) => new Set([...c.outcomes.map((o) => o.caseId), ...(c.minutes?.heard ?? [])]);

/** The cases the daily meeting is to hear, in the profile's order (rolled-over ones left out). */
export function dailyAgendaItems(profile: Profile, c: DailyMeetingContext): Enlisted[] {
  const moved = new Set(c.rolledOver.map((r) => r.caseId));
  return orderAgenda(c.entries.filter((e) => !moved.has(e.caseId)), profile.dailyMeeting.agendaOrder);
}

export function dailyAgendaView(profile: Profile, s: DailyMeetingSnapshot) {
  const c = s.context;
  const status = dailyStatus(s);
  const heard = heardAt(c);
  const moved = new Map(c.rolledOver.map((r) => [r.caseId, r]));
  const ordered = orderAgenda(c.entries, profile.dailyMeeting.agendaOrder);
  return {
    kind: 'daily' as const,
    profileId: c.profileId,
    date: c.plan.date,
    status,
    meetingAt: c.plan.meetingAt,
    freezeAt: c.plan.freezeAt,
    endsAt: c.plan.endsAt,
    facilitator: c.plan.facilitator,
    noMeetingReason: c.plan.noMeetingReason,
    ...(c.plan.incidentWindow ? { incidentWindow: c.plan.incidentWindow } : {}),
    frozenAt: c.frozenAt,
    items: ordered.map((e, i) => ({
      position: i + 1,
      caseId: e.caseId,
      item: e.item,
      risk: e.risk,
      childrenLinked: e.childrenLinked,
      repeat: e.repeat,
      receivedAt: e.receivedAt,
      enlistedAt: e.enlistedAt,
      lateAddition: e.lateAddition,
      // Only for a profile that triages ([002] 2.20, 2.5): what brought the case, and whether its incident is in the window.
      ...(e.source ? { source: e.source } : {}),
      ...(e.inIncidentWindow !== undefined ? { inIncidentWindow: e.inIncidentWindow } : {}),
      status: heard.has(e.caseId) ? ('heard' as const) : moved.has(e.caseId) ? ('rolled-over' as const) : status === 'ended' ? ('not-heard' as const) : ('to-be-heard' as const),
    })),
    /** Every case sent on to the next meeting, and why (after-cut-off ones never joined the agenda). */
    rolledOver: c.rolledOver,
    /** Cases closed before the meeting sat: they left the agenda. */
    leftAgenda: c.leftAgenda ?? [],
    closure: c.closure,
    packsCirculated: c.packs,
    minutesCirculatedAt: c.minutes?.at ?? null,
  };
}
export type DailyAgendaView = ReturnType<typeof dailyAgendaView>;

type QaStatus = 'awaiting-qa' | 'accepted' | 'not-quality-assured' | 'returned';

function qaStatusOf(c: MonthlyMeetingContext, caseId: string): QaStatus {
  const decision = c.qa.find((q) => q.caseId === caseId);
  if (decision) return decision.accepted ? 'accepted' : 'returned';
  if (c.withdrawn.includes(caseId)) return 'returned';
  return c.circulatedAt === null ? 'awaiting-qa' : 'not-quality-assured';
}

/** The review requests the HRDAP is to hear, in the order they were put forward (returned ones left out). */
export function monthlyAgendaItems(c: MonthlyMeetingContext): (Enlisted & { qa: QaStatus })[] {
  const returned = returnedCases(c);
  return [...c.entries]
    .filter((e) => !returned.has(e.caseId))
    .sort((a, b) => (a.enlistedAt < b.enlistedAt ? -1 : a.enlistedAt > b.enlistedAt ? 1 : a.caseId < b.caseId ? -1 : 1))
    .map((e) => ({ ...e, qa: qaStatusOf(c, e.caseId) }));
}

export function monthlyAgendaView(s: MonthlyMeetingSnapshot) {
  const c = s.context;
  const status = monthlyStatus(s);
  const heard = new Set([...c.reviewOutcomes.map((o) => o.caseId), ...(c.minutes?.heard ?? [])]);
  const ordered = [...c.entries].sort((a, b) => (a.enlistedAt < b.enlistedAt ? -1 : a.enlistedAt > b.enlistedAt ? 1 : 0));
  return {
    kind: 'monthly' as const,
    profileId: c.profileId,
    date: c.plan.date,
    status,
    meetingAt: c.plan.meetingAt,
    qaBy: c.plan.qaBy,
    endsAt: c.plan.endsAt,
    facilitator: c.plan.facilitator,
    noMeetingReason: c.plan.noMeetingReason,
    circulatedAt: c.circulatedAt,
    items: ordered.map((e, i) => {
      const qa = qaStatusOf(c, e.caseId);
      return {
        position: i + 1,
        caseId: e.caseId,
        item: e.item,
        risk: e.risk,
        enlistedAt: e.enlistedAt,
        lateAddition: e.lateAddition,
        qa,
        status: qa === 'returned' ? ('returned' as const) : heard.has(e.caseId) ? ('heard' as const) : status === 'ended' ? ('not-heard' as const) : ('to-be-heard' as const),
      };
    }),
    turnedAway: c.turnedAway,
    /** Cases closed before the meeting sat: they left the agenda. */
    leftAgenda: c.leftAgenda ?? [],
    packsCirculated: c.packs,
    minutesCirculatedAt: c.minutes?.at ?? null,
  };
}
export type MonthlyAgendaView = ReturnType<typeof monthlyAgendaView>;

/**
 * The pack (daily) or the case summaries (HRDAP) as mailed, by reference: revision, when, to whom,
 * the agenda facts and the digest (papers.ts). Readers render the text on read from the cases.
 */
export interface PackView extends MailedPapers {
  revision: number;
  circulatedAt: Instant;
}

export const packView = (c: DailyMeetingContext | MonthlyMeetingContext | MaracMeetingContext): PackView | null => {
  if (!c.pack) return null;
  const { at, revision, ...mailed } = c.pack;
  return { revision, circulatedAt: at, ...mailed };
};

export const minutesView = (c: DailyMeetingContext | MonthlyMeetingContext | MaracMeetingContext) => c.minutes;

export const attendanceView = (c: DailyMeetingContext | MonthlyMeetingContext | MaracMeetingContext) => c.attendance;

const unknownAgencies = (profile: Profile, ids: string[]) => ids.filter((id) => !profile.agencies.some((a) => a.id === id));

/**
 * Why the daily meeting refuses an update, in words the caller can act on; undefined when it
 * takes it (the case may still refuse a forwarded outcome, with its own reason).
 */
export function dailyRefusal<N extends MeetingCommandName>(profile: Profile, s: DailyMeetingSnapshot, name: N, command: MeetingCommand<N>): string | undefined {
  const c = s.context;
  const p = c.plan;
  const status = dailyStatus(s);
  const closed = (): string | undefined => {
    if (status === 'no-meeting') return p.noMeetingReason ?? 'there is no meeting on this day';
    if (status === 'cancelled') return `the meeting of ${p.date} was cancelled (${c.closure?.reason ?? 'closure day'}); its cases were rolled over`;
    if (status === 'closing' || status === 'ended') return `the meeting of ${p.date} ended at ${p.endsAt}`;
    return undefined;
  };
  switch (name) {
    case 'recordOutcome': {
      const { caseId } = command as MeetingCommand<'recordOutcome'>;
      const done = closed();
      if (done) return done;
      if (status !== 'sitting') return `the meeting sits at ${p.meetingAt}; outcomes are recorded from then until ${p.endsAt}`;
      const moved = c.rolledOver.find((r) => r.caseId === caseId);
      if (moved) return `case ${caseId} was rolled over from this meeting (${moved.reason})`;
      if (!c.entries.some((e) => e.caseId === caseId)) return `case ${caseId} is not on the agenda of the meeting of ${p.date}`;
      const heard = c.outcomes.find((o) => o.caseId === caseId);
      if (heard) return `the outcome for case ${caseId} was already recorded at ${heard.at}`;
      return undefined;
    }
    case 'recordAttendance': {
      const done = closed();
      if (done) return done;
      const unknown = unknownAgencies(profile, (command as MeetingCommand<'recordAttendance'>).agencies);
      return unknown.length ? `unknown agencies for profile ${profile.id}: ${unknown.join(', ')}` : undefined;
    }
    case 'declareClosure': {
      const done = closed();
      if (done) return done;
      if (c.outcomes.length) return `the meeting has already heard ${c.outcomes.length} case(s); cases not heard roll over when it ends at ${p.endsAt}`;
      return undefined;
    }
    default:
      return `a daily meeting does not take ${name}`;
  }
}

export function monthlyRefusal<N extends MeetingCommandName>(profile: Profile, s: MonthlyMeetingSnapshot, name: N, command: MeetingCommand<N>): string | undefined {
  const c = s.context;
  const p = c.plan;
  const status = monthlyStatus(s);
  const closed = (): string | undefined => {
    if (status === 'no-meeting') return p.noMeetingReason ?? 'there is no meeting on this day';
    if (status === 'closing' || status === 'ended') return `the management meeting of ${p.date} ended at ${p.endsAt}`;
    return undefined;
  };
  const onAgenda = (caseId: string) => (c.entries.some((e) => e.caseId === caseId) ? undefined : `case ${caseId} is not on the agenda of the management meeting of ${p.date}`);
  switch (name) {
    case 'recordQaDecision': {
      const { caseId } = command as MeetingCommand<'recordQaDecision'>;
      const done = closed() ?? onAgenda(caseId);
      if (done) return done;
      if (status !== 'gathering') return `the QA point (${p.qaBy}) has passed; a case without a decision stays on the agenda marked "not quality-assured"`;
      const decided = c.qa.find((q) => q.caseId === caseId);
      if (decided) return `the chairs already decided on case ${caseId} at ${decided.at} (${decided.accepted ? 'accepted' : 'returned'})`;
      return undefined;
    }
    case 'recordReviewOutcome': {
      const { caseId } = command as MeetingCommand<'recordReviewOutcome'>;
      const done = closed() ?? onAgenda(caseId);
      if (done) return done;
      if (status !== 'sitting') return `the management meeting sits at ${p.meetingAt}; review outcomes are recorded from then until ${p.endsAt}`;
      if (returnedCases(c).has(caseId)) return `case ${caseId} was not accepted by the chairs and is not heard`;
      const recorded = c.reviewOutcomes.find((o) => o.caseId === caseId);
      if (recorded) return `the review outcome for case ${caseId} was already recorded at ${recorded.at}`;
      return undefined;
    }
    case 'recordAttendance': {
      const done = closed();
      if (done) return done;
      const unknown = unknownAgencies(profile, (command as MeetingCommand<'recordAttendance'>).agencies);
      return unknown.length ? `unknown agencies for profile ${profile.id}: ${unknown.join(', ')}` : undefined;
    }
    default:
      return `a management meeting does not take ${name}`;
  }
}
