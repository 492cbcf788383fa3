import { setHandler, workflowInfo } from '@temporalio/workflow';
import { createActor } from 'xstate';
import { getProfile } from '../domain/profiles';
import {
  attendanceView, createMonthlyMeetingMachine, monthlyAgendaItems, monthlyAgendaView, monthlyDeadline, monthlyFinished, monthlyMeetingPlan,
  monthlyRefusal, monthlyStatus, packView, returnedCases, type MeetingEffect, type MonthlyAgendaView, type MonthlyMeetingSnapshot,
} from '../machines/meeting';
import type { MeetingRef } from './meeting-activity-types';
import { caseDecisions, forwardToCase, hostMeeting, meetingActivities, meetingUpdate, now } from './meeting-host';
import {
  attendanceQuery, caseClosedSignal, enlistSignal, minutesQuery, monthlyAgendaQuery, monthlyMeetingUpdates, monthlyOutcomesQuery, packQuery, type MeetingWorkflowInput,
} from './meeting.messages';

/**
 * The HRDAP monthly management meeting of one profile and date (PROTOCOL.md §1.5; issue 5):
 * review requests enlist, the chairs quality-assure them until the QA point a week before, when
 * the case summaries go out; QA decisions and review outcomes are recorded on the cases and
 * referenced here; the minutes and the updated HRDA Matrix go out after the meeting. Like the
 * daily meeting, its history holds no personal data.
 */
export async function monthlyMeetingWorkflow(input: MeetingWorkflowInput): Promise<MonthlyAgendaView> {
  const profile = getProfile(input.profileId);
  const plan = monthlyMeetingPlan(profile, input.date);
  const activities = meetingActivities();
  const actor = createActor(createMonthlyMeetingMachine(profile), { input: { plan, startedAt: now() } });
  actor.start();
  const snapshot = () => actor.getSnapshot() as MonthlyMeetingSnapshot;
  const view = () => monthlyAgendaView(snapshot());
  const ref = (): MeetingRef => ({ profileId: profile.id, kind: 'monthly', date: plan.date, meetingAt: plan.meetingAt, workflowId: workflowInfo().workflowId, facilitator: plan.facilitator });
  const papersItems = () =>
    monthlyAgendaItems(snapshot().context).map((e, i) => ({ position: i + 1, caseId: e.caseId, item: e.item, lateAddition: e.lateAddition, qa: e.qa as 'awaiting-qa' | 'accepted' | 'not-quality-assured' }));

  setHandler(enlistSignal, (entry) => actor.send({ type: 'enlist', at: now(), entry }));
  setHandler(caseClosedSignal, ({ caseId }) => actor.send({ type: 'leaveAgenda', at: now(), caseId }));
  setHandler(monthlyAgendaQuery, view);
  setHandler(packQuery, () => packView(snapshot().context));
  setHandler(attendanceQuery, () => attendanceView(snapshot().context));
  setHandler(monthlyOutcomesQuery, () => ({ qa: snapshot().context.qa, reviewOutcomes: snapshot().context.reviewOutcomes }));
  setHandler(minutesQuery, () => snapshot().context.minutes);
  const confirmOnCase = caseDecisions(activities.confirmOnCase);

  const forwarding = new Set<string>();
  const forwarded = async (caseId: string, work: () => Promise<void>) => {
    forwarding.add(caseId);
    try {
      await work();
    } finally {
      forwarding.delete(caseId);
    }
  };
  const busyWith = (caseId: string) => (forwarding.has(caseId) ? `a decision on case ${caseId} is being recorded` : undefined);

  meetingUpdate('recordQaDecision', monthlyMeetingUpdates.recordQaDecision, {
    refusal: (c) => busyWith(c.caseId) ?? monthlyRefusal(profile, snapshot(), 'recordQaDecision', c),
    handle: ({ caseId, accepted, actor: by }) =>
      forwarded(caseId, async () => {
        await confirmOnCase({ caseId, decision: accepted ? 'qa-accepted' : 'qa-returned', meetingAt: plan.meetingAt });
        actor.send({ type: 'qaRecorded', at: now(), caseId, accepted, actor: by });
      }),
    recorded: ({ caseId, accepted, feedback, actor: by }) =>
      forwarded(caseId, async () => {
        await forwardToCase(activities.forwardToCase, { caseId, command: 'recordQaDecision', fields: { accepted, ...(feedback ? { feedback } : {}) }, actor: by });
        actor.send({ type: 'qaRecorded', at: now(), caseId, accepted, actor: by });
      }),
    answer: view,
  });
  meetingUpdate('recordReviewOutcome', monthlyMeetingUpdates.recordReviewOutcome, {
    refusal: (c) => busyWith(c.caseId) ?? monthlyRefusal(profile, snapshot(), 'recordReviewOutcome', c),
    handle: ({ caseId, actor: by }) =>
      forwarded(caseId, async () => {
        await confirmOnCase({ caseId, decision: 'review-outcome', meetingAt: plan.meetingAt });
        actor.send({ type: 'reviewOutcomeRecorded', at: now(), caseId, actor: by });
      }),
    recorded: ({ caseId, actor: by, ...outcome }) =>
      forwarded(caseId, async () => {
        await forwardToCase(activities.forwardToCase, { caseId, command: 'recordReviewOutcome', fields: outcome, actor: by });
        actor.send({ type: 'reviewOutcomeRecorded', at: now(), caseId, actor: by });
      }),
    answer: view,
  });
  meetingUpdate('recordAttendance', monthlyMeetingUpdates.recordAttendance, {
    refusal: (c) => monthlyRefusal(profile, snapshot(), 'recordAttendance', c),
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
          recorded: c.reviewOutcomes.map((o) => ({ caseId: o.caseId, at: o.at })),
          rolledOver: [],
          returned: [...returnedCases(c)],
        });
        actor.send({ type: 'minutesCirculated', at: now(), minutes });
        return;
      }
      // The case side moves its own management reviews; the HRDAP neither rolls over nor closes.
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
    deadline: monthlyDeadline,
    finished: monthlyFinished,
    run,
    busy: () => forwarding.size > 0,
    searchAttributes: (s) => ({
      HrdaKind: ['monthly-meeting'],
      HrdaProfile: [profile.id],
      HrdaStage: [monthlyStatus(s)],
      HrdaNextMeeting: [new Date(plan.meetingAt)],
    }),
  });
  return view();
}
