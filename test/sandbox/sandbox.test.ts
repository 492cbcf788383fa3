import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiRole } from '../../domain/auth';
import { startService, type RunningService } from '../../app/service';
import { writeServiceState } from '../../client/service-state';
import { freePort } from '../../scripts/dev-server';
import { eventually } from '../api/harness';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signTestToken, testClaims, testIdentityEnv } from '../support/identity';
import { exampleReferral } from '../support/referrals';
import { startOfflineApi } from '../support/offline-api';

/**
 * Issue 18 item 2: the service on the time-skipping test server (`hrda start --development --sandbox`),
 * a case walked from referral to closure through the live HTTP API by advancing the simulated clock.
 * Tokens are the tests' own provider's (HRDA_OIDC_*), issued on the wall clock: they stay valid while
 * the simulated clock runs weeks ahead, as the development provider's do.
 */
const startAt = '2026-11-23T08:00:00.000Z';
const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

let service: RunningService;
let database: TestDatabase;
let dir: string;
let temporalPort: number;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-sandbox-'));
  const [apiPort, port] = await Promise.all([freePort(), freePort()]);
  temporalPort = port;
  service = await startService({
    env: {
      ...testIdentityEnv,
      HRDA_DEV_SERVER_PORT: String(temporalPort),
      HRDA_DATABASE_URL: database.url,
      HRDA_API_PORT: String(apiPort),
      HRDA_OUTBOX_DIR: path.join(dir, 'outbox'),
      HRDA_LOG_LEVEL: 'silent',
      HRDA_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    log: () => {},
    development: true,
    sandbox: { startAt: new Date(startAt), testServer: inject('testServer') },
  });
});

afterAll(async () => {
  await service?.stop();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const bearer = (role: ApiRole, agency?: string) => ({ authorization: `Bearer ${signTestToken(testClaims(role, agency))}` });
const admin = bearer('administrator', 'police');

async function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${service.apiUrl}${url}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the API's JSON loosely, field by field
  return { status: res.status, headers: res.headers, text, json: <T = Record<string, any>>() => JSON.parse(text) as T };
}

const read = (url: string, headers: Record<string, string> = admin) => call('GET', url, { ...headers, 'x-purpose': 'sandbox walkthrough' });
const clockNow = async () => Date.parse((await call('GET', '/sandbox/clock', admin)).json().now);
const advance = async (body: { by: string } | { to: string }) => {
  const res = await call('POST', '/sandbox/clock/advance', admin, body);
  expect(res.status, res.text).toBe(200);
  return res.json();
};

describe('the sandbox: the service on a simulated clock', () => {
  it('says the clock is simulated, in /health, on every response, and in the OpenAPI document', async () => {
    const health = await call('GET', '/health', {});
    expect(health.status, health.text).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', temporal: 'ok', worker: 'running', clock: { simulated: true } });
    // No archive backlog is asked of a server with no visibility API.
    expect(health.json().archive).toBeUndefined();
    const simulatedNow = Date.parse(health.json().clock.now);
    expect(simulatedNow).toBeGreaterThanOrEqual(Date.parse(startAt));
    expect(simulatedNow).toBeLessThan(Date.parse(startAt) + 10 * 60_000);
    expect(health.headers.get('x-hrda-clock')).toMatch(/^simulated 2026-11-23T08:\d\d:/);
    // Errors too.
    const missing = await call('GET', '/no-such-route', admin);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-hrda-clock')).toMatch(/^simulated /);

    const doc = (await call('GET', '/openapi.json', {})).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/sandbox/clock', '/sandbox/clock/advance']));
  });

  it('lets the administrator alone advance it, forward only, and reports a refused target as problem+json', async () => {
    const asPractitioner = await call('POST', '/sandbox/clock/advance', bearer('agency-practitioner', 'housing'), { by: 'PT1M' });
    expect(asPractitioner.status).toBe(403);
    const unauthenticated = await call('GET', '/sandbox/clock', {});
    expect(unauthenticated.status).toBe(401);

    const backwards = await call('POST', '/sandbox/clock/advance', admin, { to: '2026-11-01T09:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(backwards.json()).toMatchObject({ errors: [{ path: 'to', in: 'body', message: expect.stringContaining('only moves forward') }] });
    const both = await call('POST', '/sandbox/clock/advance', admin, { by: 'P1D', to: '2026-12-01' });
    expect(both.status).toBe(400);
  });

  it('walks a referral from submission to closure through the HTTP API by advancing the clock', { timeout: 300_000 }, async () => {
    // A referral with no receivedAt is received "now": the simulated now, not the wall clock's (2026-12 or later).
    const { receivedAt: _received, ...referral } = exampleReferral({ receivedAt: '2026-11-23T08:00:00Z' });
    const submitted = await call('POST', '/cases', { ...admin, 'idempotency-key': 'sandbox-walkthrough-1' }, referral);
    expect(submitted.status, submitted.text).toBe(201);
    const { caseId, case: received } = submitted.json();
    expect(Date.parse(received.receivedAt)).toBeGreaterThanOrEqual(Date.parse(startAt));
    expect(Date.parse(received.receivedAt)).toBeLessThan(Date.parse(startAt) + 10 * 60_000);
    expect(received.stage).toBe('preparing');
    const meetingAt: string = received.meetingAt;
    expect(Date.parse(meetingAt)).toBeGreaterThan(Date.parse(received.receivedAt));

    // The clock does not jump to the case's next timer by itself once the worker is idle: it waits for an advance.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(new Date(await clockNow()).toISOString()).toMatch(/^2026-11-23T08:/);

    // The case list reads the case record in the store: it works on a server without visibility.
    const listed = await eventually(() => read('/cases?stage=preparing'), (r) => r.status === 200 && r.json().items.some((i: { caseId: string }) => i.caseId === caseId));
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json().items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);

    const summary = { involvement: 'Known to the agency.', risks: 'Perpetrator has a key.', actionsTaken: 'None yet.', recommendations: 'Change the locks.' };
    for (const agency of ['housing', 'health']) {
      const res = await call('POST', `/cases/${caseId}/summaries`, bearer('agency-practitioner', agency), { agency, summary });
      expect(res.status, res.text).toBe(200);
    }

    const matrix = {
      outcome: {
        risks: ['Strangulation', 'Separation'],
        actions: [
          { id: 'a1', owner: 'housing', description: 'Change locks and refer to the sanctuary scheme.' },
          { id: 'a2', owner: 'health', description: 'Health visitor home visit.' },
        ],
        rationale: 'High risk with a child in the household; practical safety first.',
      },
    };
    // Before the meeting sits, the Matrix is refused, as on the real clock.
    const early = await call('POST', `/cases/${caseId}/meeting-outcome`, admin, matrix);
    expect(early.status, early.text).toBe(409);

    // To the meeting: the case's own timer fires on the way, and the meeting sits.
    const atMeeting = await advance({ to: meetingAt });
    expect(Date.parse(atMeeting.now)).toBeGreaterThanOrEqual(Date.parse(meetingAt));
    const sitting = await eventually(() => read(`/cases/${caseId}`), (r) => r.json().stage === 'at-meeting', 30_000);
    expect(sitting.json().stage).toBe('at-meeting');

    const heard = await call('POST', `/cases/${caseId}/meeting-outcome`, admin, matrix);
    expect(heard.status, heard.text).toBe(200);
    expect(heard.json().case.stage).toBe('monitoring');
    const actions = heard.json().case.actions as { id: string; dueAt: string }[];
    const a2Due = actions.find((a) => a.id === 'a2')!.dueAt;
    expect(Date.parse(a2Due)).toBeGreaterThan(Date.parse(meetingAt));

    // A few days on, housing reports its action done.
    await advance({ by: 'P3D' });
    const a1 = await call('POST', `/cases/${caseId}/actions/a1/updates`, bearer('agency-practitioner', 'housing'), { status: 'completed', note: 'Locks changed.' });
    expect(a1.status, a1.text).toBe(200);

    // Past the health action's due date with no update: it is chased, and the list shows the case overdue.
    const pastDue = await advance({ to: new Date(Date.parse(a2Due) + 2 * 86_400_000).toISOString() });
    expect(Date.parse(pastDue.now)).toBeGreaterThan(Date.parse(a2Due));
    const chased = await eventually(() => read(`/cases/${caseId}/timeline`), (r) => r.json().some((e: { type: string }) => e.type === 'action.overdue'), 30_000);
    expect(chased.json().filter((e: { type: string }) => e.type === 'action.overdue').map((e: { actionId?: string; data?: { actionId?: string } }) => e.data?.actionId ?? e.actionId)).toContain('a2');
    const overdue = await eventually(() => read('/cases?overdue=true'), (r) => r.json().items?.some((i: { caseId: string }) => i.caseId === caseId), 30_000);
    expect(overdue.json().items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);

    // The last action done: nothing is pending, and the case closes.
    const a2 = await call('POST', `/cases/${caseId}/actions/a2/updates`, bearer('agency-practitioner', 'health'), { status: 'completed', note: 'Home visit completed.' });
    expect(a2.status, a2.text).toBe(200);
    const closed = await eventually(() => read(`/cases/${caseId}`), (r) => r.json().stage === 'closed', 30_000);
    expect(closed.json().stage).toBe('closed');
    const timeline = (await read(`/cases/${caseId}/timeline`)).json<{ type: string; at: string }[]>();
    const types = timeline.map((e) => e.type);
    for (const type of ['referral.received', 'summary.received', 'meeting.heard', 'action.updated', 'action.overdue', 'case.closed']) expect(types).toContain(type);
    // Each entry carries the simulated time it happened at: the case closed weeks after the wall clock's start.
    expect(Date.parse(timeline.find((e) => e.type === 'case.closed')!.at)).toBeGreaterThan(Date.parse(a2Due));

    const closedList = await eventually(() => read('/cases?stage=closed'), (r) => r.json().items?.some((i: { caseId: string }) => i.caseId === caseId), 30_000);
    expect(closedList.json().items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);
  });

  it('is moved by `hrda clock advance` from another process, found through the service\'s state, and the API follows', { timeout: 180_000 }, async () => {
    // The state `hrda start --sandbox` writes (app/cli/start.ts), in a folder of the test's own.
    const dataDir = path.join(dir, 'data');
    writeServiceState({
      pid: process.pid, startedAt: new Date().toISOString(), apiUrl: service.apiUrl,
      temporal: { address: service.sandbox!.address, namespace: service.sandbox!.namespace, embedded: true, sandbox: true },
    }, dataDir);
    const { TEMPORAL_ADDRESS: _unset, ...env } = process.env;
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...args], {
      cwd: repoRoot,
      env: { ...env, HRDA_DATA_DIR: dataDir, HRDA_DATABASE_URL: database.url, HRDA_LOG_LEVEL: 'silent' },
    });

    const before = await clockNow();
    const advanced = JSON.parse((await cli('clock', 'advance', 'P1D', '--json')).stdout) as { now: string; from: string };
    expect(Date.parse(advanced.now) - Date.parse(advanced.from)).toBeGreaterThanOrEqual(86_400_000);
    // The API reads the server's clock on each request: a day on, without the API having moved it.
    const after = await clockNow();
    expect(after - before).toBeGreaterThanOrEqual(86_400_000);
    expect((await cli('clock', 'show')).stdout).toMatch(/^Simulated clock: \w{3} \d{1,2} \w{3} 20\d\d \d\d:\d\d/);
    const refused = await cli('clock', 'advance', '2026-01-01T09:00').then(() => undefined, (err: { code: number; stderr: string }) => err);
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('only moves forward');

    // A referral submitted from the CLI is received at the simulated time too (weeks from the wall clock's by now).
    const submitted = JSON.parse((await cli('case', 'submit', 'examples/referral.json', '--json')).stdout) as { caseId: string };
    const view = (await read(`/cases/${submitted.caseId}`)).json();
    expect(Math.abs(Date.parse(view.receivedAt) - (await clockNow()))).toBeLessThan(10 * 60_000);
    expect(Math.abs(Date.parse(view.receivedAt) - Date.now())).toBeGreaterThan(86_400_000);
  });
});

describe('outside sandbox mode', () => {
  it('has no sandbox routes (404), none in the OpenAPI document, and no clock in /health', async () => {
    const api = await startOfflineApi();
    try {
      const token = { authorization: `Bearer ${signTestToken(testClaims('administrator', 'police'))}` };
      const get = await api.app.inject({ method: 'GET', url: '/sandbox/clock', headers: token });
      expect(get.statusCode).toBe(404);
      const post = await api.app.inject({ method: 'POST', url: '/sandbox/clock/advance', headers: token, payload: { by: 'P1D' } });
      expect(post.statusCode).toBe(404);
      expect(get.headers['x-hrda-clock']).toBeUndefined();
      const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/sandbox'))).toEqual([]);
      expect(Object.keys(doc.paths)).toContain('/cases');
      const health = await api.app.inject({ method: 'GET', url: '/health' });
      expect(health.json().clock).toBeUndefined();
    } finally {
      await api.stop();
    }
  });
});
