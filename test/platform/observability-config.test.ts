import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../../local/paths';
import { createApiMetrics } from '../../client/metrics/api-metrics';
import { topologyLayout } from '../../scripts/topology/layout';
import type { Database } from '../../store/database';
import type { Client } from '@temporalio/client';

/**
 * Issue 16 item 5, a lint of deploy/: the Grafana dashboard parses, and every metric an alert rule or a
 * panel names is one the service exports (client/metrics, checked against its registry) or the Temporal
 * SDK core exports (checked against the names compiled into the core's native library), or Prometheus's
 * own `up`. Each alert has a runbook section in docs/deployment.md. A renamed metric fails here, not on call.
 */
const read = (...p: string[]) => readFileSync(path.join(repoRoot, ...p), 'utf8');

interface Rule { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const rules = (parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(read('deploy/grafana/hrda.json')) as {
  uid: string; title: string;
  panels: { type: string; title: string; targets?: { expr: string }[]; gridPos: { x: number; y: number; w: number; h: number } }[];
  templating: { list: { name: string; definition?: string }[] };
};

/** PromQL's functions and aggregations the files may use; anything else followed by "(" is a typo. */
const promqlFunctions = new Set([
  'sum', 'max', 'min', 'avg', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'rate', 'irate', 'increase', 'delta', 'deriv',
  'histogram_quantile', 'absent', 'absent_over_time', 'time', 'max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time',
  'clamp_min', 'clamp_max', 'vector', 'scalar', 'label_replace', 'changes', 'resets',
]);
const promqlKeywords = new Set(['and', 'or', 'unless', 'bool']);

/** The metric names a PromQL expression selects (label matchers, ranges, groupings and strings taken out first). */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\d+[smhdwy]/g, ' ')
    .replace(/\b\d+(\.\d+)?([eE][+-]?\d+)?\b/g, ' ');
  const names: string[] = [];
  for (const [, name, call] of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (call) expect(promqlFunctions, `"${name}(" in ${expr}`).toContain(name!);
    else if (!promqlKeywords.has(name!)) names.push(name!);
  }
  return names;
}

/** The service's own metric names, from the registry an API process serves (the objects are never called: nothing is collected). */
const registry = createApiMetrics({ db: {} as Database, temporal: {} as Client, archive: true }).registry;
const serviceMetric = (name: string) => Boolean(registry.getSingleMetric(name.replace(/_(bucket|count|sum)$/, '')) ?? registry.getSingleMetric(name));

/** The core's native library holds its metric names as strings (`workflow_task_schedule_to_start_latency`…). */
const coreLibraries = (() => {
  const releases = path.join(path.dirname(createRequire(import.meta.url).resolve('@temporalio/core-bridge/package.json')), 'releases');
  return readdirSync(releases).map((dir) => readFileSync(path.join(releases, dir, 'index.node')));
})();
/** temporal_<name>[_seconds][_total][_bucket|_count|_sum], as worker/runtime.ts configures the exporter. */
const sdkMetric = (name: string) => {
  const base = name.replace(/^temporal_/, '').replace(/_(bucket|count|sum)$/, '').replace(/_total$/, '').replace(/_seconds$/, '');
  return coreLibraries.some((lib) => lib.includes(Buffer.from(base)));
};
const known = (name: string) => name === 'up' || (name.startsWith('hrda_') && serviceMetric(name)) || (name.startsWith('temporal_') && sdkMetric(name));

describe('the metric-name check itself', () => {
  it('finds the metrics of an expression and only those, and refuses a metric nobody exports', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, task_queue) (rate(temporal_x_bucket{job="a", b=~"c|d"}[5m]))) > 5 and max(hrda_y offset 1h)'))
      .toEqual(['temporal_x_bucket', 'hrda_y']);
    expect(known('hrda_http_requests_total')).toBe(true);
    expect(known('hrda_http_request_duration_seconds_bucket')).toBe(true);
    expect(known('temporal_workflow_task_execution_failed_total')).toBe(true);
    expect(known('hrda_http_request_total')).toBe(false);
    expect(known('temporal_workflow_task_failures_total')).toBe(false);
    expect(known('node_cpu_seconds_total')).toBe(false);
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  it('holds the alerts an on-call person acts on', () => {
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining([
      'HrdaWorkerDown', 'HrdaNoWorkers', 'HrdaWorkflowTasksWaiting', 'HrdaWorkflowTasksFailing', 'HrdaArchiveBehindRetention',
      'HrdaArchiveBacklogGrowing', 'HrdaAuthRefusalsSpiking', 'HrdaRefusedRequestsHigh',
    ]));
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s names only metrics the service or the SDK exports', (_name, rule) => {
    const names = metricNamesIn(rule.expr);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(known(name), `${name} in ${rule.alert}`).toBe(true);
  });

  it('gives every alert a severity, a summary and a runbook section in docs/deployment.md', () => {
    const deployment = read('docs/deployment.md');
    // GitHub's anchor of "### Alert: HrdaWorkerDown" is #alert-hrdaworkerdown.
    const anchors = new Set([...deployment.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-')));
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      const anchor = `alert-${rule.alert.toLowerCase()}`;
      expect(rule.annotations?.runbook_url).toBe(`docs/deployment.md#${anchor}`);
      expect([...anchors], `a "### Alert: ${rule.alert}" section in docs/deployment.md`).toContain(anchor);
    }
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('loads the rules and scrapes the local deployment\'s worker and API metrics ports', () => {
    const config = parseYaml(read('deploy/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    expect(config.rule_files).toEqual(['alerts.yml']);
    const targets = (job: string) => config.scrape_configs.find((s) => s.job_name === job)?.static_configs.flatMap((c) => c.targets);
    const { ports } = topologyLayout();
    expect(targets('hrda-worker')).toEqual(ports.workerMetrics.map((p) => `127.0.0.1:${p}`));
    expect(targets('hrda-api')).toEqual(ports.apiMetrics.map((p) => `127.0.0.1:${p}`));
  });
});

describe('deploy/grafana/hrda.json', () => {
  it('is a dashboard with panels that do not overlap', () => {
    expect(dashboard.uid).toBe('hrda-service');
    expect(dashboard.panels.length).toBeGreaterThan(10);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('names only metrics the service or the SDK exports, in every panel and variable', () => {
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(15);
    const variables = dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1')] : []));
    for (const expr of [...exprs, ...variables]) {
      const names = metricNamesIn(expr.replace(/\$\w+/g, 'x'));
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(known(name), `${name} in ${expr}`).toBe(true);
    }
    // The business gauges are on the dashboard: what the service is for, not only its machinery.
    expect(exprs.join('\n')).toMatch(/hrda_open_cases[\s\S]*hrda_overdue_actions[\s\S]*hrda_archive_backlog_runs/);
  });
});
