import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { bundleWorkflowCode, DefaultLogger, Runtime, type LogEntry, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { simulate, type SimulationResult } from '../../client/simulate/simulate';
import { freePort } from '../../scripts/dev-server';
import { createLogger } from '../../worker/logger';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { as, startApiHarness, tokenFor, type ApiHarness } from '../api/harness';
import { distinctiveReferral, leaked, personalDataOf } from './personal-data';

/**
 * Issue 7 item 6: everything the service writes while it works — stdout and stderr, the SDK's
 * and the core's logs, the API's logs, the metrics and the errors it reports — holds none of the
 * personal data it handles. The full-lifecycle scenario runs through `simulate`, and a case makes
 * an HTTP round trip through the API, with every channel captured.
 */
const scenarioFile = new URL('../../scenarios/full-lifecycle.json', import.meta.url);

/** The SDK's logger and the core's forwarded logs, as written. */
const sdkLogs: string[] = [];
/** stdout, stderr and the console while the service works. */
const written: string[] = [];
/** The API's pino output. */
const apiLogs: string[] = [];
let metricsUrl: string;

const capture = (entry: LogEntry) => sdkLogs.push(inspect({ level: entry.level, message: entry.message, meta: entry.meta }, { depth: 12, breakLength: Infinity }));

/** Tees stdout, stderr and console output into `written` for the duration of `fn`. */
async function capturingOutput<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { out: process.stdout.write, err: process.stderr.write, console: { ...console } };
  const tee = (original: typeof process.stdout.write) =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof process.stdout.write;
  process.stdout.write = tee(saved.out);
  process.stderr.write = tee(saved.err);
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    console[method] = (...args: unknown[]) => {
      written.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 12 }))).join(' '));
      saved.console[method](...args);
    };
  }
  try {
    return await fn();
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, saved.console);
  }
}

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  // This file's process is its own (vitest forks): nothing has made a Runtime yet, so ours is the one every worker uses.
  Runtime.install({
    logger: new DefaultLogger('DEBUG', capture),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'DEBUG', other: 'INFO' } },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } },
    },
  });
  bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
});

describe('logs, errors and metrics of a full scenario', () => {
  let scenario: { steps: Record<string, unknown>[] };
  let result: SimulationResult;
  const simulateLines: string[] = [];

  beforeAll(async () => {
    scenario = JSON.parse(await readFile(scenarioFile, 'utf8'));
    result = await capturingOutput(() => simulate(scenario, { testServer: inject('testServer'), workflowBundle: bundle, log: (line) => simulateLines.push(line) }));
  });

  it('ran the scenario to its end', () => {
    const run = result.cases.A!;
    expect(run.rejected).toEqual([]);
    expect(run.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['referral.received', 'meeting.heard', 'action.updated', 'review.completed']));
    // The personal data is really there to leak: the case itself holds it.
    expect(leaked(JSON.stringify(run.state), scenarioSecrets(scenario)).length).toBeGreaterThan(0);
  });

  it('writes none of its personal data to stdout, stderr, the SDK\'s or the core\'s logs, or its own log lines', () => {
    const secrets = scenarioSecrets(scenario);
    expect(sdkLogs.length).toBeGreaterThan(10);
    expect(sdkLogs.join('\n')).toContain('referralWorkflow'); // the capture sees what the worker does
    expect(simulateLines.length).toBe(scenario.steps.length);
    expect(leaked(sdkLogs.join('\n'), secrets)).toEqual([]);
    expect(leaked(written.join('\n'), secrets)).toEqual([]);
    expect(leaked(simulateLines.join('\n'), secrets)).toEqual([]);
    expect(leaked(JSON.stringify(Object.values(result.cases).flatMap((c) => c.rejected)), secrets)).toEqual([]);
  });
});

describe('logs of the API and its worker during an HTTP round trip', () => {
  let h: ApiHarness;
  const referral = distinctiveReferral();
  const secrets = personalDataOf(referral);

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => (apiLogs.push(String(chunk)), done()) });
    h = await startApiHarness(bundle, { logger: createLogger('trace', 'hrda-api', sink) });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('logs nothing personal while a case is submitted, read, refused, progressed and decoded', async () => {
    const before = sdkLogs.length;
    await capturingOutput(async () => {
      const submitted = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral });
      expect(submitted.statusCode, submitted.body).toBe(201);
      const { caseId } = submitted.json<{ caseId: string }>();
      const invalid = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police'), payload: { ...referral, victim: { ...referral.victim, dateOfBirth: `born ${referral.victim.dateOfBirth}` } } });
      expect(invalid.statusCode).toBe(400);
      const read = await h.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as('chair', 'police', { 'x-purpose': 'preparing the meeting' }) });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.body).toContain(referral.victim.name);
      const timeline = await h.app.inject({ method: 'GET', url: `/cases/${caseId}/timeline`, headers: as('auditor', undefined, { 'x-purpose': 'audit' }) });
      expect(timeline.statusCode).toBe(200);
      const refused = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/meeting-outcome`, headers: as('administrator', 'police'), payload: { outcome: { risks: ['Strangulation'], actions: [], rationale: 'Too early.' } } });
      expect(refused.statusCode).toBe(409);
      const progressed = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing'), payload: { agency: 'housing', summary: { involvement: 'Tenant at Harbour Row.', risks: 'Keys.', actionsTaken: 'None.', recommendations: 'Locks.' } } });
      expect(progressed.statusCode, progressed.body).toBe(200);
      const listed = await h.app.inject({ method: 'GET', url: '/cases', headers: as('ops', undefined, { 'x-purpose': 'checking the queue' }) });
      expect(listed.statusCode, listed.body).toBe(200);
      const decoded = await h.app.inject({
        method: 'POST', url: '/codec/decode', headers: { authorization: `Bearer ${tokenFor('auditor')}`, 'content-type': 'application/json' },
        payload: { payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') }, data: Buffer.from(referral.victim.name).toString('base64') }] },
      });
      expect(decoded.statusCode).toBe(400);
    });
    expect(sdkLogs.length).toBeGreaterThan(before);
    // In a normal round trip the API writes no line at all (no request logging); this guards the day it does.
    expect(leaked(apiLogs.join('\n'), secrets)).toEqual([]);
    expect(leaked(sdkLogs.join('\n'), secrets)).toEqual([]);
    expect(leaked(written.join('\n'), secrets)).toEqual([]);
  });

  it('exports metrics that name no one', async () => {
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toMatch(/workflow_completed|workflow_task|activity_execution/);
    expect(leaked(metrics, [...secrets, ...scenarioSecrets(JSON.parse(await readFile(scenarioFile, 'utf8')))])).toEqual([]);
  });
});

/**
 * A scenario's personal data: every name, date of birth, contact detail and free text of its
 * referrals, and the free text of its later steps (summaries, views, notes, rationales). Surnames
 * alone are left out: the scenario's people are all "Example", as are the profile's mailboxes.
 */
function scenarioSecrets(scenario: { steps: Record<string, unknown>[] }): string[] {
  const found = new Set<string>();
  const freeText = (v: unknown) => {
    if (typeof v === 'string' && v.includes(' ') && v.length >= 8) found.add(v);
    else if (Array.isArray(v)) v.forEach(freeText);
    else if (v && typeof v === 'object') Object.values(v).forEach(freeText);
  };
  for (const step of scenario.steps) {
    if (step.do === 'submitReferral') {
      for (const v of personalDataOf(step.referral as never, { surnames: false })) found.add(v);
      const r = step.referral as { referrer?: { sru?: { forwardedBy?: string } } };
      if (r.referrer?.sru?.forwardedBy) found.add(r.referrer.sru.forwardedBy);
    } else {
      const { do: _do, at: _at, ref: _ref, ...fields } = step;
      freeText(fields);
    }
  }
  return [...found];
}
