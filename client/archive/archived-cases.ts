import type { LoadedDataConverter } from '@temporalio/common';
import type { TimelineEntry } from '../../domain/timeline';
import type { CaseView } from '../../machines/referral';
import type { Database } from '../../store/database';
import { latestArchivedRun } from '../../store/archive/archive-table';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { rebuildTimeline } from '../audit/rebuild-timeline';
import { archivedHistories } from './archived-histories';

/** A case read from the archive: what its workflow would answer if Temporal still had it. */
export interface ArchivedCase {
  view: CaseView;
  timeline: TimelineEntry[];
}

/**
 * Reads of cases whose workflows Temporal no longer has (namespace retention): the case is rebuilt
 * from its archived histories by running the referral machine over them, as `hrda audit` does
 * (client/audit/rebuild-timeline.ts). A case that completed has the view its workflow returned;
 * the rebuilt one otherwise (a run that was terminated, say). Payloads are decoded with the
 * service's data converter: a case whose data key was destroyed no longer decodes.
 */
export class ArchivedCases {
  constructor(private readonly db: Database, private readonly converter: LoadedDataConverter) {}

  /** Whether the archive holds any run of the case (its ID is then never used for a new case). */
  async has(caseId: string): Promise<boolean> {
    return (await latestArchivedRun(this.db, caseWorkflowId(caseId))) !== undefined;
  }

  async read(caseId: string): Promise<ArchivedCase | undefined> {
    const runs = await archivedHistories(this.db, caseWorkflowId(caseId));
    if (runs.length === 0) return undefined;
    const rebuilt = await rebuildTimeline(runs.map((r) => r.history), { dataConverter: this.converter });
    const view = (rebuilt.end === 'completed' ? rebuilt.result : rebuilt.view) as CaseView | null | undefined;
    if (!view) return undefined;
    return { view, timeline: rebuilt.timeline };
  }

  /** The case's restriction as its search attributes last stood, for the codec server. */
  async restriction(caseId: string): Promise<{ restricted: boolean; needToKnow: string[] } | undefined> {
    const run = await latestArchivedRun(this.db, caseWorkflowId(caseId));
    if (!run) return undefined;
    const sa = run.searchAttributes as Record<string, unknown[] | undefined>;
    return { restricted: sa.HrdaRestricted?.[0] === true, needToKnow: (sa.HrdaNeedToKnow as string[] | undefined) ?? [] };
  }
}
