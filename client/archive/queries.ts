import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Database } from '../../store/database';
import { latestArchivedRun } from '../../store/archive/archive-table';
import { meetingWorkflowTypes } from '../../workflows/meeting.messages';
import { decodePayloads } from '../audit/history';

const PayloadsMessage = proto.temporal.api.common.v1.Payloads;

/**
 * Workflows read by their queries alone, and the read-only queries the archive keeps the answers of.
 * A meeting's views are not rebuilt from its history as a case's are: its answers are taken while
 * the closed run is still in Temporal (a worker answers queries on closed runs).
 */
const meetingQueries = ['agenda', 'pack', 'attendance', 'outcomes', 'minutes'];
export const archivedQueryNames: Record<string, readonly string[]> = Object.fromEntries(
  Object.values(meetingWorkflowTypes).map((type) => [type, meetingQueries]),
);

/**
 * Each query's answer as the worker encoded it (still encrypted by the payload codec), base64 of the
 * Payloads protobuf; `missing` names the queries that could not be answered (no worker running).
 */
export async function captureQueries(client: Client, wf: Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'type'>, timeoutMs = 10_000): Promise<{ answers: Record<string, string> | null; missing: string[] }> {
  const names = archivedQueryNames[wf.type];
  if (!names) return { answers: null, missing: [] };
  const answers: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    try {
      const res = await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.queryWorkflow({
        namespace: client.options.namespace,
        execution: { workflowId: wf.workflowId, runId: wf.runId },
        query: { queryType: name },
      }));
      if (res.queryRejected || !res.queryResult) missing.push(name);
      else answers[name] = Buffer.from(PayloadsMessage.encode(PayloadsMessage.fromObject(res.queryResult)).finish()).toString('base64');
    } catch {
      missing.push(name);
    }
  }
  return { answers, missing };
}

/** A query's answer as the archive kept it, decoded; undefined when the archive holds none. */
export async function archivedQueryAnswer(db: Database, converter: LoadedDataConverter, workflowId: string, name: string): Promise<{ value: unknown } | undefined> {
  const run = await latestArchivedRun(db, workflowId);
  const kept = run?.queries?.[name];
  if (kept === undefined) return undefined;
  const [value] = await decodePayloads(converter, PayloadsMessage.decode(Buffer.from(kept, 'base64')));
  return { value };
}
