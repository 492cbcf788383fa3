import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { routesOf } from '../../client/api/route-catalogue';
import { problemKinds } from '../../client/api/problem';
import { caseStages } from '../../machines/referral/public-state';
import { profiles } from '../../domain/profiles';
import { unmatchedRoute } from '../../client/metrics/http';
import { as, eventually, startApiHarness, type ApiHarness } from './harness';

/**
 * Issue 16 item 5: an API process's Prometheus metrics, served on a listener of their own
 * (HRDA_API_METRICS_ADDRESS), scraped over HTTP after requests to the API: requests and latency by
 * route template, refusals by status and problem kind, open cases by profile and stage, overdue
 * actions and the archive's backlog — and nothing of the referral the test sent in any label.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows(), { metrics: true });
});
afterAll(async () => {
  await h?.stop();
});

const { receivedAt: _now, ...referral } = exampleReferral({
  victim: { name: `Alex Metrics-${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
});
const personalData = [
  referral.victim.name, referral.victim.dateOfBirth, referral.perpetrator.name, referral.perpetrator.dateOfBirth,
  referral.perpetrator.contact?.email, referral.perpetrator.contact?.phone, referral.referrer.name, referral.referrer.contact,
  ...(referral.children ?? []).flatMap((c) => [c.name, c.dateOfBirth]),
].filter((v): v is string => Boolean(v));

const scrape = async () => {
  const res = await fetch(h.metricsUrl!);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

interface Sample { name: string; labels: Record<string, string>; value: number }
/** The exposition format's sample lines, parsed (label values here never hold a quote or a comma). */
const parse = (text: string): Sample[] =>
  text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe('the API\'s metrics', () => {
  let before: Sample[];
  let after: Sample[];
  let text: string;
  let caseId: string;

  beforeAll(async () => {
    before = parse(await scrape());
    // Personal data where a careless exporter would pick it up: the body, a query string, an unknown path.
    const name = encodeURIComponent(referral.victim.name);
    const created = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral });
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json<{ caseId: string }>().caseId;
    const responses = await Promise.all([
      h.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as('administrator', 'police', { 'x-purpose': 'case review' }) }),
      h.app.inject({ method: 'GET', url: `/cases/${caseId}` , headers: as('administrator', 'police') }),
      h.app.inject({ method: 'GET', url: `/cases/${caseId}?victim=${name}&dob=${referral.victim.dateOfBirth}`, headers: as('administrator', 'police', { 'x-purpose': 'case review' }) }),
      h.app.inject({ method: 'GET', url: `/cases/${caseId}` }),
      h.app.inject({ method: 'GET', url: `/people/${name}/${referral.victim.dateOfBirth}`, headers: as('administrator', 'police') }),
      h.app.inject({ method: 'POST', url: `/cases?name=${name}`, headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral }),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([200, 400, 400, 401, 404, 400]);
    // The case record is written by the workflow's activity shortly after the referral is accepted.
    text = await eventually(scrape, (t) => value(parse(t), 'hrda_open_cases', { profile: 'dorset-hrda' }) >= 1);
    after = parse(text);
  });

  it('counts requests and their latency by method, route template and status', () => {
    const moved = (labels: Record<string, string>) => value(after, 'hrda_http_requests_total', labels) - value(before, 'hrda_http_requests_total', labels);
    expect(moved({ method: 'POST', route: '/cases', status: '201' })).toBe(1);
    expect(moved({ method: 'POST', route: '/cases', status: '400' })).toBe(1);
    expect(moved({ method: 'GET', route: '/cases/:caseId', status: '200' })).toBe(1);
    expect(moved({ method: 'GET', route: '/cases/:caseId', status: '400' })).toBe(2);
    expect(moved({ method: 'GET', route: '/cases/:caseId', status: '401' })).toBe(1);
    expect(moved({ method: 'GET', route: unmatchedRoute, status: '404' })).toBe(1);
    const timed = value(after, 'hrda_http_request_duration_seconds_count', { method: 'GET', route: '/cases/:caseId' })
      - value(before, 'hrda_http_request_duration_seconds_count', { method: 'GET', route: '/cases/:caseId' });
    expect(timed).toBe(4);
    expect(value(after, 'hrda_http_request_duration_seconds_sum', { method: 'POST', route: '/cases' })).toBeGreaterThan(0);
  });

  it('counts refusals by route template, status and problem kind', () => {
    const refused = (labels: Record<string, string>) => value(after, 'hrda_http_refused_total', labels) - value(before, 'hrda_http_refused_total', labels);
    expect(refused({ route: '/cases/:caseId', status: '400', reason: 'purpose-required' })).toBe(1);
    expect(refused({ route: '/cases/:caseId', status: '400', reason: 'invalid-input' })).toBe(1);
    expect(refused({ route: '/cases/:caseId', status: '401', reason: 'unauthenticated' })).toBe(1);
    expect(refused({ route: unmatchedRoute, status: '404', reason: 'not-found' })).toBe(1);
    expect(refused({ route: '/cases', status: '400', reason: 'invalid-input' })).toBe(1);
  });

  it('reports open cases by profile and stage, overdue actions and the archive from the store and Temporal', () => {
    expect(value(after, 'hrda_metrics_source_up', { source: 'store' })).toBe(1);
    expect(value(after, 'hrda_metrics_source_up', { source: 'archive' })).toBe(1);
    const open = after.filter((s) => s.name === 'hrda_open_cases');
    expect(open.reduce((n, s) => n + s.value, 0)).toBe(1);
    expect(caseStages).toContain(open.find((s) => s.value === 1)!.labels.stage);
    expect(after.some((s) => s.name === 'hrda_overdue_actions' && s.labels.profile === 'dorset-hrda' && s.value === 0)).toBe(true);
    expect(after.some((s) => s.name === 'hrda_cases_with_overdue_actions' && s.labels.profile === 'dorset-hrda')).toBe(true);
    // Nothing has closed yet, and the namespace's retention is known.
    expect(after.find((s) => s.name === 'hrda_archive_backlog_runs')?.value).toBe(0);
    expect(after.find((s) => s.name === 'hrda_archive_retention_seconds')?.value).toBeGreaterThan(0);
    expect(after.find((s) => s.name === 'hrda_archive_archived_through_timestamp_seconds')).toBeDefined();
  });

  it('puts none of the referral\'s personal data anywhere in the scrape, and labels only from closed sets', () => {
    expect(personalData.length).toBeGreaterThan(8);
    for (const v of personalData) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(encodeURIComponent(v));
    }
    expect(text).not.toContain(caseId);
    const closed: Record<string, Set<string>> = {
      route: new Set([...routesOf(h.app).map((r) => r.url), unmatchedRoute]),
      method: new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'other']),
      reason: new Set([...Object.keys(problemKinds), 'other']),
      profile: new Set([...Object.keys(profiles), 'other']),
      stage: new Set([...caseStages, 'other']),
      source: new Set(['store', 'archive']),
    };
    for (const s of after.filter((x) => x.name.startsWith('hrda_'))) {
      for (const [label, v] of Object.entries(s.labels)) {
        if (label === 'le') continue;
        if (label === 'status') expect(v).toMatch(/^[1-5]\d\d$/);
        else expect(closed[label], `label ${label} of ${s.name}`).toBeDefined();
        if (closed[label]) expect([...closed[label]], `${s.name}{${label}="${v}"}`).toContain(v);
      }
    }
  });

  it('is not served on the API\'s own port, and its listener serves nothing else', async () => {
    const onApi = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(onApi.statusCode).toBe(404);
    expect(onApi.body).not.toContain('hrda_http_requests_total');
    const base = h.metricsUrl!.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/cases`)).status).toBe(404);
    expect((await fetch(h.metricsUrl!, { method: 'POST' })).status).toBe(405);
  });
});
