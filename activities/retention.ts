import { log } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { legalHoldGuard } from '../store/holds/legal-holds';
import type { DataKeyStore } from '../worker/codec/data-keys';
import type { RetentionActivities } from '../workflows/activity-types';
import { caseWorkflowId } from '../workflows/referral.messages';
import { subjectWorkflowId } from './subject-registry';

/** The end of retention: the data keys destroyed, unless a case is still open or under a legal hold (docs/data-protection.md). */
export function createRetentionActivities(deps: { client: Client; dataKeys?: DataKeyStore }): RetentionActivities {
  return {
    async destroyPersonalData({ subjectKey, caseIds, at }) {
      const store = deps.dataKeys;
      if (!store) throw ApplicationFailure.nonRetryable('This worker was started without a data-key store, so it cannot destroy data keys.', 'NoDataKeyStore');
      const stillOpen: string[] = [];
      for (const caseId of caseIds) {
        const status = await deps.client.workflow.getHandle(caseWorkflowId(caseId)).describe().then(
          (d) => d.status.name,
          (err: unknown) => (err instanceof WorkflowNotFoundError ? 'NOT_FOUND' : Promise.reject(err)),
        );
        if (status === 'RUNNING') stillOpen.push(caseId);
      }
      // The subject's own workflow runs for its repeat window after the latest referral: while it
      // does (a new referral came at the end of the period), its key is still in use.
      const subjectRunning = await deps.client.workflow.getHandle(subjectWorkflowId(subjectKey)).describe().then(
        (d) => d.status.name === 'RUNNING',
        (err: unknown) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)),
      );
      if (subjectRunning) stillOpen.push(subjectWorkflowId(subjectKey));
      if (stillOpen.length) {
        log.info('Retention ended with cases still open: nothing destroyed yet', { open: stillOpen.length });
        return { destroyed: [], stillOpen };
      }
      const reason = 'the retention period ended';
      const scopes = [...caseIds.map((caseId) => `case:${caseId}`), `subject:${subjectKey}`];
      // A legal hold is read in the transaction that deletes the keys, under the locks a hold is
      // placed under (store/holds): a hold committed a moment before this always wins.
      const { blockedBy } = await store.destroyAll(scopes, at, reason, legalHoldGuard(subjectKey, caseIds));
      if (blockedBy.length) {
        log.info('Retention ended under a legal hold: nothing destroyed', { holds: blockedBy.length });
        return { destroyed: [], stillOpen: [], held: blockedBy };
      }
      log.info('Personal data destroyed at the end of retention', { scopes: scopes.length });
      return { destroyed: scopes, stillOpen: [] };
    },
  };
}
