import { setHandler, workflowInfo } from '@temporalio/workflow';
import { createActor } from 'xstate';
import { getProfile } from '../domain/profiles';
import {
  attendanceView, createDailyMeetingMachine, dailyAgendaItems, dailyAgendaView, dailyDeadline, dailyFinished, dailyMeetingPlan, dailyRefusal,
  dailyStatus, packView, type DailyAgendaView, type DailyMeetingSnapshot, type MeetingEffect,
} from '../machines/meeting';
import type { MeetingRef } from './meeting-activity-types';
import { caseDecisions, forwardToCase, hostMeeting, meetingActivities, meetingUpdate, now, rollOverCase } from './meeting-host';
import {
  attendanceQuery, dailyAgendaQuery, dailyMeetingUpdates, dailyOutcomesQuery, caseClosedSignal, enlistSignal, minutesQuery, packQuery, type MeetingWorkflowInput,
} from './meeting.messages';

/**
 * The daily HRDA meeting of one profile and date (PROTOCOL.md §1.3; issue 5). The machine
 * decides (machines/meeting); this host turns signals and updates into its events, runs its
 * effects (roll-over signals to cases, the pack, the minutes) and arms its deadlines. Its ID,
 * search attributes and history hold no personal data: case IDs, agenda facts, references to the
 * outcomes recorded on the cases, and what was mailed to whom with its digest — never the papers'
 * text (machines/meeting/papers.ts), which readers render again from the cases.
 */
export async function dailyMeetingWorkflow(input: MeetingWorkflowInput): Promise<DailyAgendaView> {
  const profile = getProfile(input.profileId);
  const plan = dailyMeetingPlan(profile, input.date);
  const activities = meetingActivities();
  const actor = createActor(createDailyMeetingMachine(profile), { input: { plan, startedAt: now() } });
  actor.start();
  const snapshot = () => actor.getSnapshot() as DailyMeetingSnapshot;
  const view = () => dailyAgendaView(profile, snapshot());
  const ref = (): MeetingRef => ({ profileId: profile.id, kind: 'daily', date: plan.date, meetingAt: plan.meetingAt, workflowId: workflowInfo().workflowId, facilitator: plan.facilitator });
  const papersItems = () => dailyAgendaItems(profile, snapshot().context).map((e, i) => ({ position: i + 1, caseId: e.caseId, item: e.item, lateAddition: e.lateAddition }));

  // Registered before any await: signals buffered at start are handled by the running machine.
  setHandler(enlistSignal, (entry) => actor.send({ type: 'enlist', at: now(), entry }));
  setHandler(caseClosedSignal, ({ caseId }) => actor.send({ type: 'leaveAgenda', at: now(), caseId }));
  setHandler(dailyAgendaQuery, view);
  setHandler(packQuery, () => packView(snapshot().context));
  setHandler(attendanceQuery, () => attendanceView(snapshot().context));
  setHandler(dailyOutcomesQuery, () => snapshot().context.outcomes);
  setHandler(minutesQuery, () => snapshot().context.minutes);
  const confirmOnCase = caseDecisions(activities.confirmOnCase);

  const forwarding = new Set<string>();
  const holding = async (caseId: string, work: () => Promise<void>) => {
    forwarding.add(caseId);
    try {
      await work();
    } finally {
      forwarding.delete(caseId);
    }
  };
  meetingUpdate('recordOutcome', dailyMeetingUpdates.recordOutcome, {
    refusal: (c) => (forwarding.has(c.caseId) ? `an outcome for case ${c.caseId} is being recorded` : dailyRefusal(profile, snapshot(), 'recordOutcome', c)),
    handle: ({ caseId, actor: by }) =>
      holding(caseId, async () => {
        await confirmOnCase({ caseId, decision: 'meeting-outcome', meetingAt: plan.meetingAt });
        actor.send({ type: 'outcomeRecorded', at: now(), caseId, actor: by });
      }),
    recorded: ({ caseId, outcome, actor: by }) =>
      holding(caseId, async () => {
        await forwardToCase(activities.forwardToCase, { caseId, command: 'recordMeetingOutcome', fields: { outcome }, actor: by });
        actor.send({ type: 'outcomeRecorded', at: now(), caseId, actor: by });
      }),
    answer: view,
  });
  meetingUpdate('recordAttendance', dailyMeetingUpdates.recordAttendance, {
    refusal: (c) => dailyRefusal(profile, snapshot(), 'recordAttendance', c),
    handle: ({ agencies, actor: by }) => actor.send({ type: 'recordAttendance', at: now(), agencies, actor: by }),
    answer: view,
  });
  meetingUpdate('declareClosure', dailyMeetingUpdates.declareClosure, {
    refusal: (c) => (forwarding.size ? 'outcomes are being recorded at this meeting' : dailyRefusal(profile, snapshot(), 'declareClosure', c)),
    handle: ({ reason, actor: by }) => actor.send({ type: 'declareClosure', at: now(), reason, actor: by }),
    answer: view,
  });

  const run = async (effect: MeetingEffect) => {
    const c = snapshot().context;
    switch (effect.type) {
      case 'rollOver':
        return rollOverCase(effect);
      case 'circulatePack': {
        const papers = await activities.circulateMeetingPapers({ ...ref(), revision: effect.revision, items: papersItems() });
        actor.send({ type: 'packCirculated', at: now(), revision: effect.revision, papers });
        return;
      }
      case 'circulateMinutes': {
        const minutes = await activities.circulateMeetingMinutes({
          ...ref(),
          attendance: c.attendance,
          items: papersItems(),
          recorded: c.outcomes.map((o) => ({ caseId: o.caseId, at: o.at })),
          rolledOver: c.rolledOver,
        });
        actor.send({ type: 'minutesCirculated', at: now(), minutes });
        return;
      }
      case 'announceClosure':
        await activities.announceMeetingClosure({ ...ref(), reason: c.closure?.reason ?? 'closure day', casesRolledOver: c.rolledOver.filter((r) => r.reason === 'meeting-cancelled').length });
        return;
    }
  };

  await hostMeeting({
    snapshot,
    send: (e) => actor.send(e),
    subscribe: (listener) => void actor.subscribe(listener),
    effects: (s) => s.context.effects,
    deadline: dailyDeadline,
    finished: dailyFinished,
    run,
    busy: () => forwarding.size > 0,
    searchAttributes: (s) => ({
      HrdaKind: ['daily-meeting'],
      HrdaProfile: [profile.id],
      HrdaStage: [dailyStatus(s)],
      HrdaNextMeeting: [new Date(plan.meetingAt)],
    }),
  });
  return view();
}
