import { Gauge, type Registry } from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Database } from '../../store/database';
import { isProfileId } from '../../domain/profiles';
import { caseStages } from '../../machines/referral/public-state';
import { archiveStatus, type ArchiveStatus } from '../archive/status';

/** What one scrape reads: open cases by profile and stage, overdue actions by profile, and the archive. */
interface Snapshot {
  cases: { profile: string; stage: string; n: number }[];
  overdue: { profile: string; actions: number; cases: number }[];
  archive: ArchiveStatus | undefined;
  store: boolean;
  archiveReachable: boolean;
}

/** A profile or stage the code does not know is counted as "other": label values stay a closed set whatever a row holds. */
const profileLabel = (p: string) => (isProfileId(p) ? p : 'other');
const stageLabel = (s: string) => ((caseStages as readonly string[]).includes(s) ? s : 'other');

/**
 * The service's business gauges, read from its own record on PostgreSQL (store/records: one row per
 * case, kept by the workflows' record activity) and, for the archive, from Temporal's visibility as
 * `/health` reads it (client/archive/status.ts). Read at each scrape, once for all the gauges.
 * Every API process reports the same values: aggregate with max(), not sum() (deploy/grafana).
 */
export function registerBusinessGauges(registry: Registry, deps: { db: Database; temporal: Client; archive: boolean }): void {
  let current: { at: number; snapshot: Promise<Snapshot> } | undefined;
  // The gauges of one scrape are collected one after another: they share one read.
  const snapshot = (): Promise<Snapshot> => {
    if (!current || Date.now() - current.at > 1000) current = { at: Date.now(), snapshot: read(deps) };
    return current.snapshot;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: Snapshot) => void) =>
    new Gauge<L>({
      name, help, labelNames, registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s);
      },
    });

  gauge('hrda_metrics_source_up', 'Whether this scrape could read the source: store (PostgreSQL) or archive (Temporal visibility and the store)', ['source'], (g, s) => {
    g.set({ source: 'store' }, s.store ? 1 : 0);
    if (deps.archive) g.set({ source: 'archive' }, s.archiveReachable ? 1 : 0);
  });
  gauge('hrda_open_cases', 'Open cases by profile and stage, from the case record', ['profile', 'stage'], (g, s) => {
    for (const c of s.cases) g.inc({ profile: profileLabel(c.profile), stage: stageLabel(c.stage) }, c.n);
  });
  gauge('hrda_overdue_actions', 'Actions past their due date and not done, on open cases, by profile', ['profile'], (g, s) => {
    for (const o of s.overdue) g.inc({ profile: profileLabel(o.profile) }, o.actions);
  });
  gauge('hrda_cases_with_overdue_actions', 'Open cases with at least one overdue action, by profile', ['profile'], (g, s) => {
    for (const o of s.overdue) g.inc({ profile: profileLabel(o.profile) }, o.cases);
  });
  if (!deps.archive) return;
  const archiveGauge = (name: string, help: string, value: (a: ArchiveStatus) => number | undefined) =>
    gauge(name, help, [], (g, s) => {
      const v = s.archive ? value(s.archive) : undefined;
      if (v !== undefined) g.set(v);
    });
  archiveGauge('hrda_archive_backlog_runs', 'Workflow runs closed in Temporal and not archived in the store yet', (a) => a.backlog);
  archiveGauge('hrda_archive_archived_through_timestamp_seconds', 'Every run closed before this instant is archived (the archiver\'s cursor)', (a) => Date.parse(a.archivedThrough) / 1000);
  archiveGauge('hrda_archive_last_pass_timestamp_seconds', 'When an archiver last completed a pass', (a) => (a.lastPassAt ? Date.parse(a.lastPassAt) / 1000 : undefined));
  archiveGauge('hrda_archive_retention_seconds', 'The namespace\'s retention of closed workflows: the backlog must clear well within it', (a) => (a.retentionHours === null ? undefined : a.retentionHours * 3600));
  archiveGauge('hrda_archive_open_alerts', 'Open ops alerts of the archive (a history that did not replay, a run lost before it was archived)', (a) => a.alerts.length);
}

async function read(deps: { db: Database; temporal: Client; archive: boolean }): Promise<Snapshot> {
  const store = Promise.all([
    deps.db.query<{ profile: string; stage: string; n: string }>(
      "SELECT profile, stage, count(*) AS n FROM case_records WHERE status = 'running' GROUP BY profile, stage",
    ),
    deps.db.query<{ profile: string; actions: string; cases: string }>(
      "SELECT profile, sum(overdue_actions) AS actions, count(*) FILTER (WHERE overdue_actions > 0) AS cases FROM case_records WHERE status = 'running' GROUP BY profile",
    ),
  ]).then(([cases, overdue]) => ({
    cases: cases.rows.map((r) => ({ profile: r.profile, stage: r.stage, n: Number(r.n) })),
    overdue: overdue.rows.map((r) => ({ profile: r.profile, actions: Number(r.actions), cases: Number(r.cases) })),
  }), () => undefined);
  const archive = deps.archive ? archiveStatus(deps.temporal, deps.db).catch(() => undefined) : Promise.resolve(undefined);
  const [s, a] = await Promise.all([store, archive]);
  return { cases: s?.cases ?? [], overdue: s?.overdue ?? [], store: s !== undefined, archive: a, archiveReachable: a !== undefined };
}
