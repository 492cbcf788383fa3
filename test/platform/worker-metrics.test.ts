import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleReferral } from '../support/referrals';
import { startHrdaOnDevServer, type HrdaOnDevServer } from '../support/hrda-on-dev-server';
import { freePort } from '../../scripts/dev-server';
import { installRuntime } from '../../worker/runtime';
import { createLogger } from '../../worker/logger';

/**
 * Issue 16 item 5: with HRDA_WORKER_METRICS_ADDRESS the worker's SDK core serves Prometheus metrics
 * (the runtime worker/runtime.ts installs, as `hrda start` does). This file's process is its own
 * (vitest forks), so the runtime installed here is the one its worker uses.
 */
let hrda: HrdaOnDevServer;
let metricsUrl: string;
let installed: boolean;
const referral = exampleReferral({ receivedAt: new Date(Date.now() - 60_000).toISOString() });

beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  installed = installRuntime(createLogger('silent', 'hrda-worker'), { metricsAddress: `127.0.0.1:${port}` });
  hrda = await startHrdaOnDevServer('hrda-worker-metrics', 'hrda-worker-metrics');
  // Workflow tasks and activities to count: a referral, received and registered.
  await hrda.side.cases.submitReferral(referral);
});
afterAll(async () => {
  await hrda?.stop();
});

const scrape = async () => {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  return res.text();
};

/** Sample lines (not # HELP / # TYPE) whose metric name is `name` exactly, with or without labels. */
const samples = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('the worker\'s Prometheus endpoint', () => {
  it('serves the SDK core\'s temporal_ metrics, named as deploy/prometheus\'s rules read them', async () => {
    expect(installed).toBe(true);
    let text = '';
    // The core exports what it has recorded; the first workflow task completes within moments of the referral.
    for (let i = 0; i < 50; i++) {
      text = await scrape();
      if (samples(text, 'temporal_workflow_task_schedule_to_start_latency_seconds_count').length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const names = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!));
    expect([...names].every((n) => n.startsWith('temporal_'))).toBe(true);
    // What the alert rules and the dashboard use (test/platform/observability-config.test.ts checks every name they use against the core's own).
    for (const name of [
      'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
      'temporal_workflow_task_queue_poll_succeed_total',
      'temporal_num_pollers',
      'temporal_activity_execution_latency_seconds_count',
      'temporal_worker_task_slots_available',
      'temporal_sticky_cache_size',
    ]) expect(names, name).toContain(name);
    const completed = samples(text, 'temporal_workflow_task_schedule_to_start_latency_seconds_count');
    expect(completed.some((l) => l.includes('task_queue="hrda-worker-metrics"') && Number(l.split(' ').pop()) >= 1)).toBe(true);
  });

  it('puts none of the referral\'s personal data in a label', async () => {
    const text = await scrape();
    const personal = [referral.victim.name, referral.victim.dateOfBirth, referral.perpetrator.name, referral.perpetrator.dateOfBirth,
      ...(referral.children ?? []).flatMap((c) => [c.name, c.dateOfBirth]), referral.perpetrator.contact?.email, referral.perpetrator.contact?.phone]
      .filter((v): v is string => Boolean(v));
    expect(personal.length).toBeGreaterThan(5);
    for (const value of personal) expect(text).not.toContain(value);
  });
});
