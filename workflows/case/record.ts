import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CaseRecord } from '../../domain/case-record';
import { caseRecordOfView, caseView, type CaseSnapshot } from '../../machines/referral';
import type { CaseActivities } from '../activity-types';

const { recordCase } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  // The store may be down for a while: the record catches up when it returns (the case does not wait for it).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Keeps the case record (store/records) in step with the case: after each transition the record is
 * derived from the case view, and written when it changed. Writes go one at a time, in order, each
 * carrying the timeline's length as its version, so the store never goes back to an older record.
 * Histories recorded before the record existed replay without these activities (patch `case-record`).
 */
export class CaseRecorder {
  private written = '';
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly workflowId: string) {}

  record(s: CaseSnapshot, status: CaseRecord['status'] = 'running'): void {
    const record = caseRecordOfView(caseView(s), { version: s.context.timeline.length, startedAt: workflowInfo().startTime.toISOString(), status });
    const signature = JSON.stringify(record);
    if (signature === this.written) return;
    this.written = signature;
    if (!patched('case-record')) return;
    this.pending++;
    this.chain = this.chain
      .then(() => recordCase({ workflowId: this.workflowId, record }))
      // Only a record the activity refuses outright (a bug) ends up here: the case carries on, and
      // `hrda ops rebuild-records` puts the record right once the bug is fixed.
      .catch((err: Error) => log.error('The case record could not be written', { version: record.version, error: err.message }))
      .finally(() => void this.pending--);
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  async drained(): Promise<void> {
    await this.chain;
  }
}
