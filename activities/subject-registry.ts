import { createHmac } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { CaseActivities } from '../workflows/activity-types';
import { getProfile, defaultProfileId } from '../domain/profiles';
import { retainCaseSignal, retentionWorkflowId } from '../workflows/retention.workflow';
import { recordReferralUpdate } from '../workflows/subject.workflow';

/**
 * The subject's key: an HMAC of the victim's stable identifiers, so that the same person is one
 * entity across referrals while no name or date of birth appears in a workflow ID.
 */
export function subjectKey(secret: string, victim: { name: string; dateOfBirth: string }): string {
  const normalised = `${victim.name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ')}|${victim.dateOfBirth}`;
  return createHmac('sha256', secret).update(normalised).digest('hex').slice(0, 32);
}

export const subjectWorkflowId = (key: string) => `subject-${key}`;

export function createSubjectActivities(deps: { client: Client; taskQueue: string; subjectSecret: string }): Pick<CaseActivities, 'registerWithSubject'> {
  return {
    async registerWithSubject(input) {
      const key = subjectKey(deps.subjectSecret, input.victim);
      const workflowId = subjectWorkflowId(key);
      const decision = await deps.client.workflow.executeUpdateWithStart(recordReferralUpdate, {
        args: [{ caseId: input.caseId, receivedAt: input.receivedAt, routeIfNotRepeat: input.routeIfNotRepeat, repeatWindow: input.repeatWindow, ...(input.profileId ? { profileId: input.profileId } : {}) }],
        startWorkflowOperation: new WithStartWorkflowOperation('subjectWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      // The subject's retention clock learns of the case (and restarts, if it is the latest).
      await deps.client.workflow.signalWithStart('retentionWorkflow', {
        workflowId: retentionWorkflowId(key),
        taskQueue: deps.taskQueue,
        args: [{ subjectKey: key, cases: [] }],
        signal: retainCaseSignal,
        signalArgs: [{ caseId: input.caseId, receivedAt: input.receivedAt, retention: input.retention ?? getProfile(defaultProfileId).retention.afterLatestReferral }],
      });
      return { ...decision, subjectWorkflowId: workflowId };
    },
  };
}
