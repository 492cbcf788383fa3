import type { Database } from './database';

/**
 * Alerts an operator must act on (table ops_alerts, migration 0001): raised by any process, shown by
 * `/health` and `hrda ops archive`. Subjects and details are workflow IDs and codes, never personal data.
 */
export interface OpsAlert {
  id: number;
  raisedAt: string;
  kind: string;
  subject: string;
  detail: string;
}

/** Raises an alert; one already open for the same kind and subject is left as it is (idempotent). */
export async function raiseAlert(db: Database, alert: Pick<OpsAlert, 'kind' | 'subject' | 'detail'>): Promise<void> {
  await db.query(
    `INSERT INTO ops_alerts (kind, subject, detail) VALUES ($1, $2, $3)
     ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING`,
    [alert.kind, alert.subject, alert.detail],
  );
}

/** Open alerts, oldest first; of one kind prefix (e.g. "archive.") when given. */
export async function openAlerts(db: Database, kindPrefix = ''): Promise<OpsAlert[]> {
  const { rows } = await db.query<{ id: string; raised_at: Date; kind: string; subject: string; detail: string }>(
    `SELECT id, raised_at, kind, subject, detail FROM ops_alerts
     WHERE resolved_at IS NULL AND starts_with(kind, $1) ORDER BY raised_at, id`,
    [kindPrefix],
  );
  return rows.map((r) => ({ id: Number(r.id), raisedAt: r.raised_at.toISOString(), kind: r.kind, subject: r.subject, detail: r.detail }));
}
