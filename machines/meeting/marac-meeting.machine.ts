import { assign, setup, type SnapshotFrom } from 'xstate';
import type { Actor, AgencyId } from '../../domain/actor';
import type { AgendaEntry } from '../../domain/agenda';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import { leaveAgenda, withEffects, type MaracMeetingContext, type MinutesResult, type PapersResult } from './context';
import type { MaracMeetingPlan } from './marac-plan';
import { mailedMinutes, mailedPapers } from './papers';

export type MaracMeetingEvent =
  | { type: 'enlist'; at: Instant; entry: AgendaEntry }
  | { type: 'clock'; at: Instant }
  | { type: 'outcomeRecorded'; at: Instant; caseId: string; actor: Actor }
  | { type: 'recordAttendance'; at: Instant; agencies: AgencyId[]; actor: Actor }
  | { type: 'packCirculated'; at: Instant; revision: number; papers: PapersResult }
  | { type: 'minutesCirculated'; at: Instant; minutes: MinutesResult }
  | { type: 'effectsTaken'; ids: string[] }
  /** The case closed before the meeting sat (workflows/meeting.messages.ts `caseClosed`). */
  | { type: 'leaveAgenda'; at: Instant; caseId: string };

export interface MaracMeetingInput {
  plan: MaracMeetingPlan;
  startedAt: Instant;
}

type Enlist = Extract<MaracMeetingEvent, { type: 'enlist' }>;
const isEnlist = (e: MaracMeetingEvent): e is Enlist => e.type === 'enlist';

/**
 * The MARAC of one profile and date ([002] section 3; domain/marac.ts). Cases the daily meeting
 * referred on enlist until the papers deadline, close of business on the Friday before (3.4), when
 * the papers go out with the previous MARAC's outstanding actions first (3.12) and the cases in the
 * order of 3.7; a case that reaches it later (a slow activity: the case chose this MARAC while its
 * papers were still to go) is a late addition and the papers go again. The meeting sits at 09:30,
 * takes outcomes until `endsAt`, then the minutes and the action plan go out (3.33–3.34). Like the
 * daily meeting it holds no personal data (docs/data-protection.md): case IDs and agenda facts,
 * outcomes by reference (the risks, actions and rationale are on the case), and the papers as
 * mailed by reference and digest, with the outstanding actions' ids, never their text.
 */
export function createMaracMeetingMachine(_profile: Profile) {
  return setup({
    types: {
      context: {} as MaracMeetingContext,
      events: {} as MaracMeetingEvent,
      input: {} as MaracMeetingInput,
    },
    guards: {
      alreadyKnown: ({ context, event }) => isEnlist(event) && (context.entries.some((e) => e.caseId === event.entry.caseId) || context.turnedAway.some((t) => t.caseId === event.entry.caseId)),
      papersDue: ({ context, event }) => event.type === 'clock' && context.plan.papersBy <= event.at,
      meetingDue: ({ context, event }) => event.type === 'clock' && context.plan.meetingAt <= event.at,
      endDue: ({ context, event }) => event.type === 'clock' && context.plan.endsAt <= event.at,
    },
    actions: {
      accept: assign(({ context, event }) => {
        const e = event as Enlist;
        const late = context.circulatedAt !== null;
        return {
          entries: [...context.entries, { ...e.entry, enlistedAt: e.at, lateAddition: late }],
          ...(late ? { packRevision: context.packRevision + 1, ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }) } : {}),
        };
      }),
      turnAway: assign(({ context, event }) => {
        const e = event as Enlist;
        const reason = context.plan.noMeetingReason ?? `the MARAC of ${context.plan.date} has ended`;
        return { turnedAway: [...context.turnedAway, { caseId: e.entry.caseId, at: e.at, reason }] };
      }),
      circulate: assign(({ context, event }) => ({
        circulatedAt: (event as { at: Instant }).at,
        packRevision: context.packRevision + 1,
        ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }),
      })),
      recordOutcome: assign(({ context, event }) => {
        const e = event as Extract<MaracMeetingEvent, { type: 'outcomeRecorded' }>;
        if (context.outcomes.some((o) => o.caseId === e.caseId)) return {};
        return { outcomes: [...context.outcomes, { caseId: e.caseId, at: e.at, by: e.actor }] };
      }),
      recordAttendance: assign(({ event }) => {
        const e = event as Extract<MaracMeetingEvent, { type: 'recordAttendance' }>;
        return { attendance: { agencies: [...new Set(e.agencies)], at: e.at, by: e.actor } };
      }),
      closeSitting: assign(({ context }) => withEffects(context, { type: 'circulateMinutes' })),
      leaveAgenda: assign(({ context, event }) => {
        const e = event as Extract<MaracMeetingEvent, { type: 'leaveAgenda' }>;
        return leaveAgenda(context, e.caseId, e.at, context.circulatedAt !== null);
      }),
      keepPack: assign(({ context, event }) => {
        const e = event as Extract<MaracMeetingEvent, { type: 'packCirculated' }>;
        // Only the fields a meeting keeps (machines/meeting/papers.ts): never the text.
        const record = { revision: e.revision, at: e.at, ...mailedPapers(e.papers) };
        const latest = context.pack === null || e.revision >= context.pack.revision;
        return {
          packs: [...context.packs, record],
          ...(latest ? { pack: record, outstanding: e.papers.outstanding ?? [] } : {}),
        };
      }),
      keepMinutes: assign(({ event }) => {
        const e = event as Extract<MaracMeetingEvent, { type: 'minutesCirculated' }>;
        return { minutes: { ...mailedMinutes(e.minutes), at: e.at } };
      }),
    },
  }).createMachine({
    id: 'maracMeeting',
    context: ({ input }) => ({
      profileId: input.plan.profileId,
      plan: input.plan,
      startedAt: input.startedAt,
      entries: [],
      circulatedAt: null,
      outstanding: [],
      turnedAway: [],
      outcomes: [],
      attendance: null,
      packRevision: 0,
      packs: [],
      pack: null,
      minutes: null,
      effects: [],
      effectSeq: 0,
    }),
    initial: 'deciding',
    on: {
      effectsTaken: { actions: assign({ effects: ({ context, event }) => context.effects.filter((e) => !event.ids.includes(e.id)) }) },
      packCirculated: { actions: 'keepPack' },
      enlist: [{ guard: 'alreadyKnown' }, { actions: 'accept' }],
    },
    states: {
      deciding: {
        always: [
          { guard: ({ context }) => !context.plan.held, target: 'noMeeting' },
          { guard: ({ context }) => context.startedAt >= context.plan.endsAt, target: 'ended' },
          { target: 'gathering' },
        ],
      },
      noMeeting: {
        on: { enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAway' }] },
      },
      // [002] 3.4: referrals are taken until the papers go out.
      gathering: {
        on: {
          clock: { guard: 'papersDue', target: 'circulated', actions: 'circulate' },
          leaveAgenda: { actions: 'leaveAgenda' },
          recordAttendance: { actions: 'recordAttendance' },
        },
      },
      circulated: {
        on: {
          clock: { guard: 'meetingDue', target: 'sitting' },
          leaveAgenda: { actions: 'leaveAgenda' },
          recordAttendance: { actions: 'recordAttendance' },
        },
      },
      sitting: {
        on: {
          clock: { guard: 'endDue', target: 'closing', actions: 'closeSitting' },
          outcomeRecorded: { actions: 'recordOutcome' },
          recordAttendance: { actions: 'recordAttendance' },
        },
      },
      closing: {
        on: {
          enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAway' }],
          outcomeRecorded: { actions: 'recordOutcome' },
          minutesCirculated: { target: 'ended', actions: 'keepMinutes' },
        },
      },
      ended: {
        on: { enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAway' }] },
      },
    },
  });
}

export type MaracMeetingMachine = ReturnType<typeof createMaracMeetingMachine>;
export type MaracMeetingSnapshot = SnapshotFrom<MaracMeetingMachine>;
