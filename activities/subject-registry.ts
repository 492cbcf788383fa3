import { createHmac } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { CaseActivities } from '../workflows/activity-types';
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
      const workflowId = subjectWorkflowId(subjectKey(deps.subjectSecret, input.victim));
      const decision = await deps.client.workflow.executeUpdateWithStart(recordReferralUpdate, {
        args: [{ caseId: input.caseId, receivedAt: input.receivedAt, routeIfNotRepeat: input.routeIfNotRepeat, repeatWindow: input.repeatWindow }],
        startWorkflowOperation: new WithStartWorkflowOperation('subjectWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
      return { ...decision, subjectWorkflowId: workflowId };
    },
  };
}
