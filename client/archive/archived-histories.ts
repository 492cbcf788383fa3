import type { History } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import type { Database } from '../../store/database';
import { archivedRuns } from '../../store/archive/archive-table';

const HistoryMessage = proto.temporal.api.history.v1.History;

/** A stored run's bytes as the History the audit and the replayer read (payloads still encrypted). */
export const historyFromBytes = (bytes: Uint8Array): History => HistoryMessage.decode(bytes);

/**
 * Every archived run of a workflow, oldest first, as Temporal served them when they closed; empty
 * when the archive does not hold it. Each run's bytes are checked against their digest on the way out.
 */
export async function archivedHistories(db: Database, workflowId: string): Promise<{ runId: string; history: History }[]> {
  const runs = await archivedRuns(db, workflowId);
  return runs.map((r) => ({ runId: r.runId, history: historyFromBytes(r.history) }));
}
