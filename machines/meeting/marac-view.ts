import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import { orderAgenda } from './agenda-order';
import type { MeetingCommand, MeetingCommandName } from './commands';
import type { Enlisted, MaracMeetingContext } from './context';
import type { MaracMeetingSnapshot } from './marac-meeting.machine';
import type { MeetingStatus } from './view';

/** The MARAC in the public vocabulary of meetings (machines/meeting/view.ts). */
export function maracStatus(s: MaracMeetingSnapshot): MeetingStatus {
  if (s.matches('noMeeting')) return 'no-meeting';
  if (s.matches('circulated')) return 'agenda-frozen';
  if (s.matches('sitting')) return 'sitting';
  if (s.matches('closing')) return 'closing';
  if (s.matches('ended')) return 'ended';
  return 'gathering';
}

export const maracFinished = (s: MaracMeetingSnapshot) => s.matches('ended') || s.matches('noMeeting');

export function maracDeadline(s: MaracMeetingSnapshot): Instant | undefined {
  const p = s.context.plan;
  if (s.matches('gathering')) return p.papersBy;
  if (s.matches('circulated')) return p.meetingAt;
  if (s.matches('sitting')) return p.endsAt;
  return undefined;
}

/** [002] 3.7: the cases in the profile's order (DVDS, then information only, significant update, full discussion; each in date order). */
export function maracAgendaItems(profile: Profile, c: MaracMeetingContext): Enlisted[] {
  return orderAgenda(c.entries, profile.marac?.agendaOrder ?? []);
}

export function maracAgendaView(profile: Profile, s: MaracMeetingSnapshot) {
  const c = s.context;
  const status = maracStatus(s);
  const heard = new Set([...c.outcomes.map((o) => o.caseId), ...(c.minutes?.heard ?? [])]);
  return {
    kind: 'marac' as const,
    profileId: c.profileId,
    date: c.plan.date,
    status,
    meetingAt: c.plan.meetingAt,
    papersBy: c.plan.papersBy,
    endsAt: c.plan.endsAt,
    chair: c.plan.chair,
    noMeetingReason: c.plan.noMeetingReason,
    circulatedAt: c.circulatedAt,
    previousMeetingAt: c.plan.previousMeetingAt,
    /** [002] 3.12: taken first; as found when the papers went out. */
    outstandingActions: c.outstanding,
    items: maracAgendaItems(profile, c).map((e, i) => ({
      position: i + 1,
      caseId: e.caseId,
      item: e.item,
      category: e.maracCategory ?? null,
      source: e.source ?? null,
      risk: e.risk,
      repeat: e.repeat,
      receivedAt: e.receivedAt,
      enlistedAt: e.enlistedAt,
      lateAddition: e.lateAddition,
      status: heard.has(e.caseId) ? ('heard' as const) : status === 'ended' ? ('not-heard' as const) : ('to-be-heard' as const),
    })),
    turnedAway: c.turnedAway,
    /** Cases closed before the meeting sat: they left the agenda. */
    leftAgenda: c.leftAgenda ?? [],
    packsCirculated: c.packs,
    minutesCirculatedAt: c.minutes?.at ?? null,
  };
}
export type MaracAgendaView = ReturnType<typeof maracAgendaView>;

const unknownAgencies = (profile: Profile, ids: string[]) => ids.filter((id) => !profile.agencies.some((a) => a.id === id));

/** Why the MARAC refuses an update, or undefined when it takes it (the case may still refuse a forwarded outcome). */
export function maracRefusal<N extends MeetingCommandName>(profile: Profile, s: MaracMeetingSnapshot, name: N, command: MeetingCommand<N>): string | undefined {
  const c = s.context;
  const p = c.plan;
  const status = maracStatus(s);
  const closed = (): string | undefined => {
    if (status === 'no-meeting') return p.noMeetingReason ?? 'there is no MARAC on this day';
    if (status === 'closing' || status === 'ended') return `the MARAC of ${p.date} ended at ${p.endsAt}`;
    return undefined;
  };
  switch (name) {
    case 'recordMaracOutcome': {
      const { caseId } = command as MeetingCommand<'recordMaracOutcome'>;
      const done = closed();
      if (done) return done;
      if (!c.entries.some((e) => e.caseId === caseId)) return `case ${caseId} is not on the agenda of the MARAC of ${p.date}`;
      if (status !== 'sitting') return `the MARAC sits at ${p.meetingAt}; outcomes are recorded from then until ${p.endsAt}`;
      const recorded = c.outcomes.find((o) => o.caseId === caseId);
      if (recorded) return `the outcome for case ${caseId} was already recorded at ${recorded.at}`;
      return undefined;
    }
    case 'recordAttendance': {
      const done = closed();
      if (done) return done;
      const unknown = unknownAgencies(profile, (command as MeetingCommand<'recordAttendance'>).agencies);
      return unknown.length ? `unknown agencies for profile ${profile.id}: ${unknown.join(', ')}` : undefined;
    }
    default:
      return `a MARAC does not take ${name}`;
  }
}
