import type { Client } from '@temporalio/client';
import { meetingWorkflowId } from '../domain/agenda';
import { localDate } from '../domain/calendar';
import type { CaseActivities } from '../workflows/activity-types';
import { enlistSignal, meetingWorkflowTypes } from '../workflows/meeting.messages';


export function createMeetingActivities(deps: { client: Client; taskQueue: string }): Pick<CaseActivities, 'enlistInMeeting'> {
  return {
    async enlistInMeeting({ profileId, kind, meetingAt, entry }) {
      const date = localDate(meetingAt);
      const workflowId = meetingWorkflowId(profileId, kind, date);
      // Signal-with-start: the meeting exists from its first enlisted case, if no schedule made it first.
      await deps.client.workflow.signalWithStart(meetingWorkflowTypes[kind], {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ profileId, date }],
        signal: enlistSignal,
        signalArgs: [entry],
      });
      return { meetingWorkflowId: workflowId };
    },
  };
}
