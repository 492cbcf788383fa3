import type { Client } from '@temporalio/client';
import type { Database } from '../../store/database';
import { archivedCountSince, archiveTotals } from '../../store/archive/archive-table';
import { readCursor } from '../../store/archive/cursor';
import { openAlerts, type OpsAlert } from '../../store/ops-alerts';
import { namespaceRetentionMs } from './archiver';
import { closedSinceQuery } from './visibility';

/**
 * How the archive stands, for `/health` and `hrda ops archive`. The backlog is the runs Temporal
 * lists as closed after the cursor that the archive does not hold yet: everything closed before the
 * cursor was archived by a completed pass. It must reach zero well within the namespace retention
 * (docs/ops.md, retention versus archive).
 */
export interface ArchiveStatus {
  /** Closed runs not archived yet. */
  backlog: number;
  /** Runs closed before this instant are all archived. */
  archivedThrough: string;
  /** When an archiver last completed a pass; null before the first. */
  lastPassAt: string | null;
  archivedRuns: number;
  /** The namespace's retention of closed workflows as Temporal reports it, in hours; the backlog must clear well within it. */
  retentionHours: number | null;
  archivedBytes: number;
  /** Open alerts of the archive (a history that did not replay, a run lost before it was archived). */
  alerts: OpsAlert[];
}

export async function archiveStatus(client: Client, db: Database): Promise<ArchiveStatus> {
  const cursor = await readCursor(db);
  const [{ count }, archivedSince, totals, alerts, retentionMs] = await Promise.all([
    client.workflow.count(closedSinceQuery(cursor.closedAfter)),
    archivedCountSince(db, cursor.closedAfter),
    archiveTotals(db),
    openAlerts(db, 'archive.'),
    namespaceRetentionMs(client),
  ]);
  return {
    backlog: Math.max(0, count - archivedSince),
    archivedThrough: cursor.closedAfter.toISOString(),
    lastPassAt: cursor.passedAt?.toISOString() ?? null,
    archivedRuns: totals.runs,
    retentionHours: retentionMs === undefined ? null : retentionMs / 3_600_000,
    archivedBytes: totals.bytes,
    alerts,
  };
}
