import { assign, setup, type SnapshotFrom } from 'xstate';
import type { Actor, AgencyId } from '../../domain/actor';
import type { AgendaEntry } from '../../domain/agenda';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import { leaveAgenda, withEffects, type MinutesResult, type MonthlyMeetingContext, type PapersResult } from './context';
import { mailedMinutes, mailedPapers } from './papers';
import type { MonthlyMeetingPlan } from './plan';

export type MonthlyMeetingEvent =
  | { type: 'enlist'; at: Instant; entry: AgendaEntry }
  | { type: 'clock'; at: Instant }
  /** The case recorded the chairs' decision (a rejection's feedback is the case's: context.ts). */
  | { type: 'qaRecorded'; at: Instant; caseId: string; accepted: boolean; actor: Actor }
  | { type: 'reviewOutcomeRecorded'; at: Instant; caseId: string; actor: Actor }
  | { type: 'recordAttendance'; at: Instant; agencies: AgencyId[]; actor: Actor }
  | { type: 'packCirculated'; at: Instant; revision: number; papers: PapersResult }
  | { type: 'minutesCirculated'; at: Instant; minutes: MinutesResult }
  | { type: 'effectsTaken'; ids: string[] }
  /** The case closed before the meeting sat (workflows/meeting.messages.ts `caseClosed`). */
  | { type: 'leaveAgenda'; at: Instant; caseId: string };

export interface MonthlyMeetingInput {
  plan: MonthlyMeetingPlan;
  startedAt: Instant;
}

type Enlist = Extract<MonthlyMeetingEvent, { type: 'enlist' }>;
const isEnlist = (e: MonthlyMeetingEvent): e is Enlist => e.type === 'enlist';

/** Cases the chairs returned to the professional: off the agenda. */
export const returnedCases = (c: MonthlyMeetingContext): Set<string> => new Set([...c.qa.filter((q) => !q.accepted).map((q) => q.caseId), ...c.withdrawn]);

/**
 * The HRDAP monthly management meeting of one profile and date (PROTOCOL.md §1.5; issue 5).
 * Review requests enlist; the chairs quality-assure them until the QA point a week before,
 * when the agenda is fixed and the case summaries go to the agencies; a request not accepted
 * goes back to the professional (the case sends the feedback). The meeting takes review
 * outcomes until `endsAt`, then the minutes and the updated HRDA Matrix go out.
 */
export function createMonthlyMeetingMachine(_profile: Profile) {
  const recirculate = (context: MonthlyMeetingContext) =>
    context.circulatedAt === null ? {} : { packRevision: context.packRevision + 1, ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }) };

  return setup({
    types: {
      context: {} as MonthlyMeetingContext,
      events: {} as MonthlyMeetingEvent,
      input: {} as MonthlyMeetingInput,
    },
    guards: {
      isHeld: ({ context }) => context.plan.held,
      alreadyKnown: ({ context, event }) => isEnlist(event) && (context.entries.some((e) => e.caseId === event.entry.caseId) || context.turnedAway.some((t) => t.caseId === event.entry.caseId)),
      qaDue: ({ context, event }) => event.type === 'clock' && context.plan.qaBy <= event.at,
      meetingDue: ({ context, event }) => event.type === 'clock' && context.plan.meetingAt <= event.at,
      endDue: ({ context, event }) => event.type === 'clock' && context.plan.endsAt <= event.at,
    },
    actions: {
      // The case decides its meeting (a request after the QA point goes to the next month), so
      // an enlistment reaching a fixed agenda is taken as a late addition and the papers go again.
      accept: assign(({ context, event }) => {
        const e = event as Enlist;
        return {
          entries: [...context.entries, { ...e.entry, enlistedAt: e.at, lateAddition: context.circulatedAt !== null }],
          ...recirculate(context),
        };
      }),
      turnAway: assign(({ context, event }) => {
        const e = event as Enlist;
        const reason = context.plan.noMeetingReason ?? `the management meeting of ${context.plan.date} has ended`;
        return { turnedAway: [...context.turnedAway, { caseId: e.entry.caseId, at: e.at, reason }] };
      }),
      circulate: assign(({ context, event }) => ({
        circulatedAt: (event as { at: Instant }).at,
        packRevision: context.packRevision + 1,
        ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }),
      })),
      recordQa: assign(({ context, event }) => {
        const e = event as Extract<MonthlyMeetingEvent, { type: 'qaRecorded' }>;
        return { qa: [...context.qa, { caseId: e.caseId, at: e.at, by: e.actor, accepted: e.accepted }] };
      }),
      recordReviewOutcome: assign(({ context, event }) => {
        const e = event as Extract<MonthlyMeetingEvent, { type: 'reviewOutcomeRecorded' }>;
        if (context.reviewOutcomes.some((o) => o.caseId === e.caseId)) return {};
        return { reviewOutcomes: [...context.reviewOutcomes, { caseId: e.caseId, at: e.at, by: e.actor }] };
      }),
      recordAttendance: assign(({ event }) => {
        const e = event as Extract<MonthlyMeetingEvent, { type: 'recordAttendance' }>;
        return { attendance: { agencies: [...new Set(e.agencies)], at: e.at, by: e.actor } };
      }),
      closeSitting: assign(({ context }) => withEffects(context, { type: 'circulateMinutes' })),
      leaveAgenda: assign(({ context, event }) => {
        const e = event as Extract<MonthlyMeetingEvent, { type: 'leaveAgenda' }>;
        return leaveAgenda(context, e.caseId, e.at, context.circulatedAt !== null);
      }),
      keepPack: assign(({ context, event }) => {
        const e = event as Extract<MonthlyMeetingEvent, { type: 'packCirculated' }>;
        const record = { revision: e.revision, at: e.at, ...mailedPapers(e.papers) };
        const latest = context.pack === null || e.revision >= context.pack.revision;
        return {
          packs: [...context.packs, record],
          withdrawn: [...new Set([...context.withdrawn, ...(e.papers.withdrawn ?? [])])],
          ...(latest ? { pack: record } : {}),
        };
      }),
      keepMinutes: assign(({ event }) => {
        const e = event as Extract<MonthlyMeetingEvent, { type: 'minutesCirculated' }>;
        return { minutes: { ...mailedMinutes(e.minutes), at: e.at } };
      }),
    },
  }).createMachine({
    id: 'monthlyMeeting',
    context: ({ input }) => ({
      profileId: input.plan.profileId,
      plan: input.plan,
      startedAt: input.startedAt,
      entries: [],
      circulatedAt: null,
      qa: [],
      withdrawn: [],
      turnedAway: [],
      reviewOutcomes: [],
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
      // PROTOCOL.md §1.5: the chairs quality-assure every case put forward, until the QA point.
      gathering: {
        on: {
          clock: { guard: 'qaDue', target: 'circulated', actions: 'circulate' },
          leaveAgenda: { actions: 'leaveAgenda' },
          qaRecorded: { actions: 'recordQa' },
          recordAttendance: { actions: 'recordAttendance' },
        },
      },
      // The agenda is fixed and the case summaries are out.
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
          reviewOutcomeRecorded: { actions: 'recordReviewOutcome' },
          recordAttendance: { actions: 'recordAttendance' },
        },
      },
      closing: {
        on: {
          enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAway' }],
          reviewOutcomeRecorded: { actions: 'recordReviewOutcome' },
          minutesCirculated: { target: 'ended', actions: 'keepMinutes' },
        },
      },
      ended: {
        on: { enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAway' }] },
      },
    },
  });
}

export type MonthlyMeetingMachine = ReturnType<typeof createMonthlyMeetingMachine>;
export type MonthlyMeetingSnapshot = SnapshotFrom<MonthlyMeetingMachine>;
