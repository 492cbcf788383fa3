import { setHandler, workflowInfo } from '@temporalio/workflow';
import { createActor } from 'xstate';
import { getProfile } from '../domain/profiles';
import {
  attendanceView, createMaracMeetingMachine, maracAgendaItems, maracAgendaView, maracDeadline, maracFinished, maracMeetingPlan, maracRefusal,
  maracStatus, packView, type MaracAgendaView, type MaracMeetingSnapshot, type MeetingEffect,
} from '../machines/meeting';
import type { MeetingRef } from './meeting-activity-types';
import { caseDecisions, hostMeeting, meetingActivities, meetingUpdate, now } from './meeting-host';
import {
  attendanceQuery, caseClosedSignal, enlistSignal, maracAgendaQuery, maracMeetingUpdates, maracOutcomesQuery, minutesQuery, packQuery, type MeetingWorkflowInput,
} from './meeting.messages';

/**
 * The MARAC of one profile and date ([002] section 3; machines/meeting/marac-meeting.machine.ts):
 * cases the daily meeting referred on enlist, the papers go out by close of business on the Friday
 * before with the previous MARAC's outstanding actions first, outcomes are recorded on the cases
 * (the MARAC keeps the reference, as the daily meeting does), and the minutes and action plan go
 * out after it. Its ID, search attributes and history hold no personal data: case IDs, agenda
 * facts, references to the outcomes, and what was mailed to whom with its digest — never the
 * papers' text, which readers render again from the cases (docs/data-protection.md).
 */
export async function maracMeetingWorkflow(input: MeetingWorkflowInput): Promise<MaracAgendaView> {
  const profile = getProfile(input.profileId);
  const plan = maracMeetingPlan(profile, input.date);
  const activities = meetingActivities();
  const actor = createActor(createMaracMeetingMachine(profile), { input: { plan, startedAt: now() } });
  actor.start();
  const snapshot = () => actor.getSnapshot() as MaracMeetingSnapshot;
  const view = () => maracAgendaView(profile, snapshot());
  const ref = (): MeetingRef => ({ profileId: profile.id, kind: 'marac', date: plan.date, meetingAt: plan.meetingAt, workflowId: workflowInfo().workflowId, facilitator: plan.chair });
  const papersItems = () => maracAgendaItems(profile, snapshot().context).map((e, i) => ({ position: i + 1, caseId: e.caseId, item: e.item, lateAddition: e.lateAddition }));

  setHandler(enlistSignal, (entry) => actor.send({ type: 'enlist', at: now(), entry }));
  setHandler(caseClosedSignal, ({ caseId }) => actor.send({ type: 'leaveAgenda', at: now(), caseId }));
  setHandler(maracAgendaQuery, view);
  setHandler(packQuery, () => packView(snapshot().context));
  setHandler(attendanceQuery, () => attendanceView(snapshot().context));
  setHandler(maracOutcomesQuery, () => snapshot().context.outcomes);
  setHandler(minutesQuery, () => snapshot().context.minutes);
  const confirmOnCase = caseDecisions(activities.confirmOnCase);

  const forwarding = new Set<string>();
  meetingUpdate('recordMaracOutcome', maracMeetingUpdates.recordMaracOutcome, {
    refusal: (c) => (forwarding.has(c.caseId) ? `an outcome for case ${c.caseId} is being recorded` : maracRefusal(profile, snapshot(), 'recordMaracOutcome', c)),
    handle: async ({ caseId, actor: by }) => {
      forwarding.add(caseId);
      try {
        await confirmOnCase({ caseId, decision: 'marac-outcome', meetingAt: plan.meetingAt });
        actor.send({ type: 'outcomeRecorded', at: now(), caseId, actor: by });
      } finally {
        forwarding.delete(caseId);
      }
    },
    answer: view,
  });
  meetingUpdate('recordAttendance', maracMeetingUpdates.recordAttendance, {
    refusal: (c) => maracRefusal(profile, snapshot(), 'recordAttendance', c),
    handle: ({ agencies, actor: by }) => actor.send({ type: 'recordAttendance', at: now(), agencies, actor: by }),
    answer: view,
  });

  const run = async (effect: MeetingEffect) => {
    const c = snapshot().context;
    switch (effect.type) {
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
          rolledOver: [],
        });
        actor.send({ type: 'minutesCirculated', at: now(), minutes });
        return;
      }
      // The cases keep their own MARAC; a MARAC neither rolls cases over nor is closed.
      case 'rollOver':
      case 'announceClosure':
        return;
    }
  };

  await hostMeeting({
    snapshot,
    send: (e) => actor.send(e),
    subscribe: (listener) => void actor.subscribe(listener),
    effects: (s) => s.context.effects,
    deadline: maracDeadline,
    finished: maracFinished,
    run,
    busy: () => forwarding.size > 0,
    searchAttributes: (s) => ({
      HrdaKind: ['marac-meeting'],
      HrdaProfile: [profile.id],
      HrdaStage: [maracStatus(s)],
      HrdaNextMeeting: [new Date(plan.meetingAt)],
    }),
  });
  return view();
}
