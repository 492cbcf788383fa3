import { assign, setup, type SnapshotFrom } from 'xstate';
import type { Actor, AgencyId } from '../../domain/actor';
import type { AgendaEntry, RollOverReason } from '../../domain/agenda';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import { leaveAgenda, withEffects, type DailyMeetingContext, type MinutesResult, type PapersResult } from './context';
import { mailedMinutes, mailedPapers } from './papers';
import type { DailyMeetingPlan } from './plan';

export type DailyMeetingEvent =
  | { type: 'enlist'; at: Instant; entry: AgendaEntry }
  | { type: 'clock'; at: Instant }
  /** The case recorded its outcome at this meeting; the outcome itself is the case's (context.ts). */
  | { type: 'outcomeRecorded'; at: Instant; caseId: string; actor: Actor }
  | { type: 'recordAttendance'; at: Instant; agencies: AgencyId[]; actor: Actor }
  | { type: 'declareClosure'; at: Instant; reason: string; actor: Actor }
  | { type: 'packCirculated'; at: Instant; revision: number; papers: PapersResult }
  | { type: 'minutesCirculated'; at: Instant; minutes: MinutesResult }
  | { type: 'effectsTaken'; ids: string[] }
  /** The case closed before the meeting sat (workflows/meeting.messages.ts `caseClosed`). */
  | { type: 'leaveAgenda'; at: Instant; caseId: string };

export interface DailyMeetingInput {
  plan: DailyMeetingPlan;
  /** When the workflow started: a run that starts after the meeting's end holds nothing. */
  startedAt: Instant;
}

type Enlist = Extract<DailyMeetingEvent, { type: 'enlist' }>;
const isEnlist = (e: DailyMeetingEvent): e is Enlist => e.type === 'enlist';

const isKnown = (c: DailyMeetingContext, caseId: string) =>
  c.entries.some((e) => e.caseId === caseId) || c.rolledOver.some((r) => r.caseId === caseId);

const turnedAway = (context: DailyMeetingContext, event: DailyMeetingEvent, reason: RollOverReason) => {
  const e = event as Enlist;
  return {
    rolledOver: [...context.rolledOver, { caseId: e.entry.caseId, item: e.entry.item, reason, at: e.at }],
    ...withEffects(context, { type: 'rollOver', caseId: e.entry.caseId, missedMeetingAt: context.plan.meetingAt, reason }),
  };
};

const notHeardYet = (c: DailyMeetingContext) => c.entries.filter((e) => !c.outcomes.some((o) => o.caseId === e.caseId));

/**
 * The daily HRDA meeting of one profile and date (PROTOCOL.md §1.3; issue 5). Cases enlist
 * until the agenda freezes at the profile's cut-off, when the pack goes out; the meeting sits
 * at its slot and takes outcomes case by case until `endsAt`, when the minutes and the HRDA
 * Matrix go out and every case not heard rolls over. A closure day cancels it: its cases roll
 * over at once. Deadlines live in the plan; the host sends `clock` when one falls due.
 */
export function createDailyMeetingMachine(profile: Profile) {
  return setup({
    types: {
      context: {} as DailyMeetingContext,
      events: {} as DailyMeetingEvent,
      input: {} as DailyMeetingInput,
    },
    guards: {
      isHeld: ({ context }) => context.plan.held,
      startedInTime: ({ context }) => context.startedAt < context.plan.endsAt,
      alreadyKnown: ({ context, event }) => isEnlist(event) && isKnown(context, event.entry.caseId),
      // [002] 2.22: a case on the agenda that the agencies found children linked to.
      childrenNowLinked: ({ context, event }) =>
        isEnlist(event) && event.entry.childrenLinked && context.entries.some((e) => e.caseId === event.entry.caseId && !e.childrenLinked),
      // After the freeze only the profile's late additions are taken, and none once the meeting sits.
      afterCutOff: ({ context, event }) =>
        isEnlist(event)
        && (event.at >= context.plan.meetingAt || (event.at >= context.plan.freezeAt && !profile.dailyMeeting.lateAdditions.some((item) => item === event.entry.item))),
      freezeDue: ({ context, event }) => event.type === 'clock' && context.plan.freezeAt <= event.at,
      meetingDue: ({ context, event }) => event.type === 'clock' && context.plan.meetingAt <= event.at,
      endDue: ({ context, event }) => event.type === 'clock' && context.plan.endsAt <= event.at,
      nothingHeardYet: ({ context }) => context.outcomes.length === 0,
    },
    actions: {
      accept: assign(({ context, event }) => {
        const e = event as Enlist;
        const entries = [...context.entries, { ...e.entry, enlistedAt: e.at, lateAddition: e.at >= context.plan.freezeAt }];
        // A case taken onto a frozen agenda: the pack goes out again with it.
        if (context.frozenAt === null) return { entries };
        return { entries, packRevision: context.packRevision + 1, ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }) };
      }),
      // The agenda is re-ordered; once frozen, the pack goes out again in the new order.
      linkChildren: assign(({ context, event }) => {
        const e = event as Enlist;
        const entries = context.entries.map((x) => (x.caseId === e.entry.caseId ? { ...x, childrenLinked: true } : x));
        if (context.frozenAt === null) return { entries };
        return { entries, packRevision: context.packRevision + 1, ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }) };
      }),
      turnAwayAfterCutOff: assign(({ context, event }) => turnedAway(context, event, 'after-cut-off')),
      turnAwayCancelled: assign(({ context, event }) => turnedAway(context, event, 'meeting-cancelled')),
      freeze: assign(({ context, event }) => ({
        frozenAt: (event as { at: Instant }).at,
        packRevision: context.packRevision + 1,
        ...withEffects(context, { type: 'circulatePack', revision: context.packRevision + 1 }),
      })),
      closeSitting: assign(({ context }) => withEffects(context, { type: 'circulateMinutes' })),
      leaveAgenda: assign(({ context, event }) => {
        const e = event as Extract<DailyMeetingEvent, { type: 'leaveAgenda' }>;
        return leaveAgenda(context, e.caseId, e.at, context.frozenAt !== null);
      }),
      recordOutcome: assign(({ context, event }) => {
        const e = event as Extract<DailyMeetingEvent, { type: 'outcomeRecorded' }>;
        if (context.outcomes.some((o) => o.caseId === e.caseId)) return {};
        return { outcomes: [...context.outcomes, { caseId: e.caseId, at: e.at, by: e.actor }] };
      }),
      recordAttendance: assign(({ event }) => {
        const e = event as Extract<DailyMeetingEvent, { type: 'recordAttendance' }>;
        return { attendance: { agencies: [...new Set(e.agencies)], at: e.at, by: e.actor } };
      }),
      cancel: assign(({ context, event }) => {
        const e = event as Extract<DailyMeetingEvent, { type: 'declareClosure' }>;
        const moved = notHeardYet(context);
        return {
          closure: { reason: e.reason, at: e.at, by: e.actor },
          rolledOver: [...context.rolledOver, ...moved.map((m) => ({ caseId: m.caseId, item: m.item, reason: 'meeting-cancelled' as const, at: e.at }))],
          ...withEffects(
            context,
            ...moved.map((m) => ({ type: 'rollOver' as const, caseId: m.caseId, missedMeetingAt: context.plan.meetingAt, reason: 'meeting-cancelled' as const })),
            { type: 'announceClosure' },
          ),
        };
      }),
      refuseDay: assign(({ context }) => ({
        rolledOver: [...context.rolledOver, ...context.entries.map((m) => ({ caseId: m.caseId, item: m.item, reason: 'meeting-cancelled' as const, at: m.enlistedAt }))],
        ...withEffects(context, ...context.entries.map((m) => ({ type: 'rollOver' as const, caseId: m.caseId, missedMeetingAt: context.plan.meetingAt, reason: 'meeting-cancelled' as const }))),
      })),
      keepPack: assign(({ context, event }) => {
        const e = event as Extract<DailyMeetingEvent, { type: 'packCirculated' }>;
        const record = { revision: e.revision, at: e.at, ...mailedPapers(e.papers) };
        const latest = context.pack === null || e.revision >= context.pack.revision;
        return { packs: [...context.packs, record], ...(latest ? { pack: record } : {}) };
      }),
      keepMinutesAndRollOver: assign(({ context, event }) => {
        const e = event as Extract<DailyMeetingEvent, { type: 'minutesCirculated' }>;
        const heard = new Set([...e.minutes.heard, ...context.outcomes.map((o) => o.caseId)]);
        const moved = context.entries.filter((x) => !heard.has(x.caseId));
        return {
          minutes: { ...mailedMinutes(e.minutes), at: e.at },
          rolledOver: [...context.rolledOver, ...moved.map((m) => ({ caseId: m.caseId, item: m.item, reason: 'out-of-time' as const, at: e.at }))],
          ...withEffects(context, ...moved.map((m) => ({ type: 'rollOver' as const, caseId: m.caseId, missedMeetingAt: context.plan.meetingAt, reason: 'out-of-time' as const }))),
        };
      }),
    },
  }).createMachine({
    id: 'dailyMeeting',
    context: ({ input }) => ({
      profileId: input.plan.profileId,
      plan: input.plan,
      startedAt: input.startedAt,
      entries: [],
      frozenAt: null,
      rolledOver: [],
      outcomes: [],
      attendance: null,
      closure: null,
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
      enlist: [
        { guard: 'childrenNowLinked', actions: 'linkChildren' },
        { guard: 'alreadyKnown' },
        { guard: 'afterCutOff', actions: 'turnAwayAfterCutOff' },
        { actions: 'accept' },
      ],
    },
    states: {
      deciding: {
        always: [
          { guard: 'isHeld', target: 'gathering' },
          { target: 'noMeeting' },
        ],
      },
      // A bank holiday or a day without a slot: whatever enlists goes on to the next meeting.
      noMeeting: {
        entry: 'refuseDay',
        on: { enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAwayCancelled' }] },
      },
      gathering: {
        always: { guard: ({ context }) => context.startedAt >= context.plan.endsAt, target: 'ended' },
        on: {
          clock: { guard: 'freezeDue', target: 'frozen', actions: 'freeze' },
          recordAttendance: { actions: 'recordAttendance' },
          declareClosure: { target: 'cancelled', actions: 'cancel' },
          leaveAgenda: { actions: 'leaveAgenda' },
        },
      },
      frozen: {
        on: {
          clock: { guard: 'meetingDue', target: 'sitting' },
          recordAttendance: { actions: 'recordAttendance' },
          declareClosure: { target: 'cancelled', actions: 'cancel' },
          leaveAgenda: { actions: 'leaveAgenda' },
        },
      },
      sitting: {
        on: {
          clock: { guard: 'endDue', target: 'closing', actions: 'closeSitting' },
          outcomeRecorded: { actions: 'recordOutcome' },
          recordAttendance: { actions: 'recordAttendance' },
          declareClosure: { guard: 'nothingHeardYet', target: 'cancelled', actions: 'cancel' },
        },
      },
      // The minutes activity reads which cases were heard; the rest roll over.
      closing: {
        on: {
          enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAwayAfterCutOff' }],
          outcomeRecorded: { actions: 'recordOutcome' },
          minutesCirculated: { target: 'ended', actions: 'keepMinutesAndRollOver' },
        },
      },
      // Kept until the meeting's end, so that a case scheduled late is still sent on.
      cancelled: {
        on: {
          enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAwayCancelled' }],
          clock: { guard: 'endDue', target: 'ended' },
        },
      },
      ended: {
        on: { enlist: [{ guard: 'alreadyKnown' }, { actions: 'turnAwayAfterCutOff' }] },
      },
    },
  });
}

export type DailyMeetingMachine = ReturnType<typeof createDailyMeetingMachine>;
export type DailyMeetingSnapshot = SnapshotFrom<DailyMeetingMachine>;
