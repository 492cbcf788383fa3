import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { caseRecordSchema } from '../domain/case-record';
import type { Database } from '../store/database';
import { writeCaseRecord } from '../store/records/write';
import { readCaseRecord } from '../store/records/read';
import { CaseEntries } from '../store/entries/case-entries';
import { disputeRecordSchema } from '../domain/dispute-record';
import { writeDisputeRecord } from '../store/records/disputes';
import type { CaseActivities } from '../workflows/activity-types';

/**
 * The writers of the case and dispute records (store/records): each workflow calls its own whenever
 * the record it derives from its view changes. Without a store (a simulation) there is nothing to keep.
 */
export function createCaseRecordActivities(deps: { db?: Database; client: Client }): Pick<CaseActivities, 'recordCase' | 'recordDispute' | 'recordRepeatWindowEnded' | 'agenciesOfCase'> {
  return {
    async agenciesOfCase({ caseId }) {
      if (!deps.db) return { agencies: [] };
      const record = await readCaseRecord(deps.db, caseId);
      return record ? { profileId: record.profile, agencies: [...record.agencies].sort() } : { agencies: [] };
    },
    async recordRepeatWindowEnded({ entry }) {
      if (!deps.db) return { written: false };
      return { written: await new CaseEntries(deps.db).record(entry) };
    },
    async recordCase({ workflowId, record }) {
      if (!deps.db) return { written: false };
      const namespace = activityNamespace() ?? deps.client.options.namespace;
      return { written: await writeCaseRecord(deps.db, deps.client.options.loadedDataConverter, namespace, parsedRecord(caseRecordSchema, record, 'case'), workflowId) };
    },
    async recordDispute({ workflowId, record }) {
      if (!deps.db) return { written: false };
      const namespace = activityNamespace() ?? deps.client.options.namespace;
      return { written: await writeDisputeRecord(deps.db, deps.client.options.loadedDataConverter, namespace, parsedRecord(disputeRecordSchema, record, 'dispute'), workflowId) };
    },
  };
}

function activityNamespace(): string | undefined {
  try {
    return Context.current().info.workflowNamespace;
  } catch {
    return undefined;
  }
}

/** A record that does not parse will not parse on a retry either: refused for good, naming its fields at fault. */
function parsedRecord<S extends z.ZodType>(schema: S, record: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(record);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(`Not a ${what} record: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, 'InvalidRecord');
  return parsed.data;
}
