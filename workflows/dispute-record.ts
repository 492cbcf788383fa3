import { log, patched, proxyActivities } from '@temporalio/workflow';
import { disputeRecordOf } from '../domain/dispute-record';
import { disputeView, type DisputeSnapshot } from '../machines/escalation';
import type { CaseActivities } from './activity-types';

const { recordDispute } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Keeps the dispute's record (store/records) in step with the dispute, as workflows/case/record.ts
 * does for its case: derived after each transition, written when it changed, one write at a time.
 * Histories recorded before the record existed replay without it (patch `dispute-record`).
 */
export function disputeRecorder(workflowId: string): { record(s: DisputeSnapshot): void; drained(): Promise<unknown> } {
  let written = '';
  let chain: Promise<unknown> = Promise.resolve();
  return {
    record(s) {
      const record = disputeRecordOf(disputeView(s));
      const signature = JSON.stringify(record);
      if (signature === written) return;
      written = signature;
      if (!patched('dispute-record')) return;
      chain = chain
        .then(() => recordDispute({ workflowId, record }))
        .catch((err: Error) => log.error('The dispute record could not be written', { version: record.version, error: err.message }));
    },
    drained: () => chain,
  };
}
