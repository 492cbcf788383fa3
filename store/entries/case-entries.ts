import { timelineEntrySchema, type TimelineEntry } from '../../domain/timeline';
import type { Database } from '../database';

/**
 * Timeline entries a case's own workflow does not write (migration 0008): the subject's
 * `repeat.window-ended`. Non-personal by their schema, so kept in clear; a retried write is a no-op.
 */
export class CaseEntries {
  constructor(private readonly db: Database) {}

  async record(entry: TimelineEntry): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'INSERT INTO case_entries (case_id, at, type, entry) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [entry.caseId, entry.at, entry.type, JSON.stringify(timelineEntrySchema.parse(entry))],
    );
    return (rowCount ?? 0) > 0;
  }

  async ofCase(caseId: string): Promise<TimelineEntry[]> {
    const { rows } = await this.db.query<{ entry: unknown }>('SELECT entry FROM case_entries WHERE case_id = $1 ORDER BY at, type', [caseId]);
    return rows.map((r) => timelineEntrySchema.parse(r.entry));
  }
}
