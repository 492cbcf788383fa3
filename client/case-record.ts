import { WorkflowNotFoundError } from '@temporalio/common';
import type { CaseView } from '../machines/referral';
import { latestArchivedRun } from '../store/archive/archive-table';
import type { Database } from '../store/database';
import { caseWorkflowId } from '../workflows/referral.messages';
import type { DataKeyStore } from '../worker/codec/data-keys';
import { caseListItemOf, type CaseListItem } from './case-list';
import type { CaseClient } from './cases';

/** What is left of a case once its personal data was destroyed: search attributes and dates. */
export interface CaseSkeleton extends CaseListItem {
  closedAt?: string;
}

export type CaseRecord =
  | { personalData: 'present'; case: CaseView }
  | { personalData: 'destroyed'; destroyedAt: string; reason: string; skeleton: CaseSkeleton };

/**
 * A case as its readers see it: its full view while its data key exists; after retention, the
 * non-personal skeleton and when its personal data was destroyed. The key store is asked first,
 * because a destroyed case's history can no longer be replayed to answer a query.
 */
export async function readCaseRecord(cases: CaseClient, dataKeys: DataKeyStore, caseId: string, archive?: Database): Promise<CaseRecord> {
  const key = await dataKeys.status(`case:${caseId}`);
  if (key?.state === 'destroyed') {
    const skeleton = await skeletonOf(cases, caseId, archive);
    return { personalData: 'destroyed', destroyedAt: key.destroyedAt, reason: key.reason, skeleton };
  }
  return { personalData: 'present', case: await cases.state(caseId) };
}

/** The search attributes and dates: from Temporal while it has the workflow, from the archive after. */
async function skeletonOf(cases: CaseClient, caseId: string, archive?: Database): Promise<CaseSkeleton> {
  try {
    const description = await cases.handle(caseId).describe();
    return { ...caseListItemOf(description), ...(description.closeTime ? { closedAt: description.closeTime.toISOString() } : {}) };
  } catch (err) {
    const run = err instanceof WorkflowNotFoundError && archive ? await latestArchivedRun(archive, caseWorkflowId(caseId)) : undefined;
    if (!run) throw err;
    // Dates in archived search attributes are JSON strings: back to Dates, as visibility gives them.
    const searchAttributes = Object.fromEntries(Object.entries(run.searchAttributes as Record<string, unknown[]>).map(([k, v]) => [
      k, k === 'HrdaNextDeadline' || k === 'HrdaNextMeeting' ? v.map((d) => new Date(String(d))) : v,
    ]));
    return {
      ...caseListItemOf({ workflowId: run.workflowId, startTime: run.startTime, status: { name: run.status } as never, searchAttributes: searchAttributes as never }),
      closedAt: run.closeTime.toISOString(),
    };
  }
}

/** The skeleton as text, for `hrda case show`. */
export function renderSkeleton(record: Extract<CaseRecord, { personalData: 'destroyed' }>): string {
  const s = record.skeleton;
  return [
    `Case ${s.caseId}: personal data destroyed on ${record.destroyedAt} (${record.reason}).`,
    'What remains, for statistics:',
    `  profile   ${s.profile ?? '-'}`,
    `  stage     ${s.stage ?? '-'}`,
    `  risk      ${s.risk ?? '-'}`,
    `  route     ${s.route ?? '-'}`,
    `  agencies  ${s.agencies.length ? s.agencies.join(', ') : '-'}`,
    `  received  ${s.startedAt}`,
    `  closed    ${s.closedAt ?? '-'}`,
  ].join('\n');
}
