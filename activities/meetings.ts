import type { Client } from '@temporalio/client';
import { meetingWorkflowId } from '../domain/agenda';
import { localDate } from '../domain/calendar';
import type { CaseActivities } from '../workflows/activity-types';

/** The meeting workflows' names, as the worker registers them (workflows/meeting*.workflow.ts). */
export const meetingWorkflowTypes = { daily: 'dailyMeetingWorkflow', monthly: 'monthlyMeetingWorkflow' } as const;
export const enlistSignalName = 'enlist';

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
        signal: enlistSignalName,
        signalArgs: [entry],
      });
      return { meetingWorkflowId: workflowId };
    },
  };
}
