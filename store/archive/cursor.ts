import type { Database } from '../database';

/**
 * Where the archiver's listing starts again: closed workflows whose close time is after
 * `closedAfter`. Advanced only by a pass that archived everything it listed, so an archiver that
 * was down or stopped part-way lists the same window again and catches up by itself.
 */
export interface ArchiveCursor {
  closedAfter: Date;
  /** When a pass last completed; null before the first. */
  passedAt: Date | null;
}

export async function readCursor(db: Database): Promise<ArchiveCursor> {
  const { rows } = await db.query<{ closed_after: Date; passed_at: Date }>('SELECT closed_after, passed_at FROM archive_cursor');
  return rows[0] ? { closedAfter: rows[0].closed_after, passedAt: rows[0].passed_at } : { closedAfter: new Date(0), passedAt: null };
}

/** Moves the cursor forward (never back: two archivers finishing out of order keep the later one). */
export async function advanceCursor(db: Database, closedAfter: Date): Promise<void> {
  await db.query(
    `INSERT INTO archive_cursor (id, closed_after, passed_at) VALUES (true, $1, now())
     ON CONFLICT (id) DO UPDATE SET closed_after = GREATEST(archive_cursor.closed_after, EXCLUDED.closed_after), passed_at = now()`,
    [closedAfter],
  );
}
