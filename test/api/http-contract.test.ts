import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { caseCommandRoutes } from '../../client/api/routes/case-commands';
import { buildApi } from '../../client/api/server';
import { caseCommandFields } from '../../domain/case-commands';
import { parseConfig } from '../../domain/config';
import { exampleReferral } from '../support/referrals';
import { as } from './harness';
import { signTestToken, testClaims, testIdentityEnv } from '../support/identity';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The HTTP contract that holds before anything reaches Temporal: the OpenAPI document, problem
 * details for malformed and mistyped input, authentication and role checks. The Temporal client
 * here fails every call, as an unreachable cluster would.
 */
const failing = (): never => {
  throw new Error('Temporal call failed while handling Alex Example (a message that must not leave the service)');
};
const unreachable = {
  options: { namespace: 'hrda-test' },
  workflow: { executeUpdateWithStart: failing, getHandle: () => ({ query: failing, executeUpdate: failing }) },
  workflowService: { listWorkflowExecutions: failing },
} as unknown as Client;

let app: FastifyInstance;
let dir: string;
let database: TestDatabase;
const logged: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-api-contract-'));
  const config = parseConfig({ ...testIdentityEnv, HRDA_RATE_LIMIT_PER_MINUTE: '1000000' });
  const sink = new Writable({ write: (chunk, _enc, done) => (logged.push(String(chunk)), done()) });
  database = await createTestDatabase();
  app = await buildApi({ config, db: database.db, temporal: unreachable, logger: pino({ level: 'error' }, sink) });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; parameters?: { in: string; name: string; required?: boolean }[]; security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

describe('the OpenAPI document', () => {
  let doc: OpenApi;
  beforeAll(async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });

  it('is OpenAPI 3.1 and documents every route, including one write per case command', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const commands = caseCommandRoutes.map((r) => `POST /cases/{caseId}${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented).toEqual([
      'GET /health', 'POST /cases', 'GET /cases', 'GET /cases/{caseId}', 'GET /cases/{caseId}/timeline', 'GET /cases/{caseId}/disclosures/{consentId}', 'GET /access-log', ...commands,
      // Legal hold (issue 21 item 7): kept in the store, not a case command.
      'POST /cases/{caseId}/hold', 'POST /cases/{caseId}/hold/lift', 'GET /cases/{caseId}/holds',
    ].sort());
    expect(caseCommandRoutes.map((r) => r.name).sort()).toEqual(Object.keys(caseCommandFields).sort());
    expect(commands).toEqual(expect.arrayContaining([
      'POST /cases/{caseId}/summaries', 'POST /cases/{caseId}/victim-contact', 'POST /cases/{caseId}/meeting-outcome',
      'POST /cases/{caseId}/actions/{actionId}/updates', 'POST /cases/{caseId}/review-requests', 'POST /cases/{caseId}/review-requests/qa',
      'POST /cases/{caseId}/review-outcome', 'POST /cases/{caseId}/risk', 'POST /cases/{caseId}/disputes', 'POST /cases/{caseId}/close',
    ]));
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\//);
      const target = ref.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, `${ref} resolves`).toBeTypeOf('object');
    }
  });

  it('declares every path parameter, the bearer scheme on every protected operation, and problem responses', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operationIds: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
          expect(op.parameters?.find((x) => x.in === 'path' && x.name === name), `${method} ${p} declares ${name}`).toMatchObject({ required: true });
        }
        if (op.operationId) operationIds.push(op.operationId);
        if (p === '/health') continue;
        expect(op.security, `${method} ${p}`).toEqual([{ bearerAuth: [] }]);
        for (const status of ['400', '401', '403']) {
          expect(op.responses[status]?.content?.['application/problem+json'], `${method} ${p} ${status}`).toEqual({ schema: { $ref: '#/components/schemas/Problem' } });
        }
        if (method === 'post') {
          expect(op.requestBody, `${method} ${p}`).toBeDefined();
          expect(op.parameters?.some((x) => x.in === 'header' && x.name === 'idempotency-key'), `${method} ${p} takes Idempotency-Key`).toBe(true);
        }
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('takes request bodies from the domain schemas, without actor', () => {
    const body = (p: string) => (doc.paths[p]!.post!.requestBody as { content: Record<string, { schema: Record<string, unknown> }> }).content['application/json']!.schema;
    const summary = body('/cases/{caseId}/summaries') as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(summary.properties).sort()).toEqual(['agency', 'summary']);
    expect(summary.required).toEqual(['agency', 'summary']);
    const update = body('/cases/{caseId}/actions/{actionId}/updates') as { properties: Record<string, unknown> };
    expect(Object.keys(update.properties).sort()).toEqual(['note', 'status']);
    expect(body('/cases')).toEqual({ $ref: '#/components/schemas/ReferralSubmissionInput' });
    const referral = doc.components.schemas.ReferralSubmissionInput as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(referral.properties)).toEqual(expect.arrayContaining(['referrer', 'assessment', 'incident', 'victim', 'perpetrator', 'children', 'profile']));
    expect(referral.required).toEqual(expect.arrayContaining(['referrer', 'assessment', 'incident', 'victim', 'perpetrator']));
  });

  it('is browsable at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('problem details', () => {
  const problemJson = /^application\/problem\+json/;

  it('answers malformed JSON with 400 problem+json', async () => {
    for (const url of ['/cases', '/cases/c1/summaries']) {
      const res = await app.inject({ method: 'POST', url, headers: as('administrator', 'police', { 'content-type': 'application/json' }), payload: '{"referrer": {' });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(problemJson);
      expect(res.json()).toEqual({
        type: 'urn:hrda:problem:malformed-request', title: expect.any(String), status: 400, detail: 'The request body is not valid JSON.', instance: url,
        errors: [{ path: '(body)', message: 'not valid JSON', in: 'body' }],
      });
    }
  });

  it('lists every wrong type in a referral by field path, with the profile\'s own rules', async () => {
    const referral = exampleReferral({ assessment: { tool: 'police-dash', risk: 'high', score: 'fifteen' as unknown as number } });
    const bad = { ...referral, victim: { ...referral.victim, dateOfBirth: '1990-02-30' }, referrer: { ...referral.referrer, agency: 'nowhere' } };
    const res = await app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police'), payload: bad });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(problemJson);
    const body = res.json();
    expect(body.type).toBe('urn:hrda:problem:invalid-input');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['assessment.score', 'referrer.agency', 'victim.dateOfBirth']);
    expect(res.body).not.toContain(referral.victim.name);
  });

  it('lists wrong types in a command body, path and query by field path', async () => {
    const update = await app.inject({ method: 'POST', url: '/cases/c1/actions/a1/updates', headers: as('administrator', 'police'), payload: { status: 'done', note: 5 } });
    expect(update.statusCode).toBe(400);
    expect(update.json().errors).toEqual([
      { path: 'status', message: expect.any(String), in: 'body' },
      { path: 'note', message: expect.any(String), in: 'body' },
    ]);
    const outcome = await app.inject({
      method: 'POST', url: '/cases/c1/meeting-outcome', headers: as('administrator', 'police'),
      payload: { outcome: { risks: [], actions: [{ id: 'a 1', owner: 'Housing', description: 'x' }], rationale: 'x' } },
    });
    expect(outcome.json().errors.map((e: { path: string }) => e.path)).toEqual(['outcome.risks', 'outcome.actions.0.id', 'outcome.actions.0.owner']);
    const qa = await app.inject({ method: 'POST', url: '/cases/c1/review-requests/qa', headers: as('chair', 'police'), payload: { accepted: false } });
    expect(qa.json().errors).toEqual([{ path: 'feedback', message: expect.stringMatching(/feedback is required/), in: 'body' }]);
    const list = await app.inject({ method: 'GET', url: '/cases?pageSize=0&overdue=maybe', headers: as('administrator', 'police', { 'x-purpose': 'listing' }) });
    expect(list.json().errors.map((e: { path: string; in: string }) => `${e.in}:${e.path}`).sort()).toEqual(['query:overdue', 'query:pageSize']);
    const badId = await app.inject({ method: 'GET', url: '/cases/bad%20id', headers: as('administrator', 'police', { 'x-purpose': 'reading' }) });
    expect(badId.json().errors).toEqual([{ path: 'caseId', message: expect.any(String), in: 'params' }]);
  });

  it('refuses unknown fields in bodies and query strings, naming each by its path, and takes every instant form (issue 18)', async () => {
    const referral = exampleReferral();
    const res = await app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police'), payload: { ...referral, urgent: true, victim: { ...referral.victim, nickname: 'Al' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string; in: string }) => `${e.in}:${e.path}`).sort()).toEqual(['body:urgent', 'body:victim.nickname']);
    expect(res.body).not.toContain(referral.victim.name);

    const matrix = (action: object) => app.inject({
      method: 'POST', url: '/cases/c1/meeting-outcome', headers: as('administrator', 'police'),
      payload: { outcome: { risks: ['Threats'], actions: [{ id: 'a1', owner: 'housing', description: 'Locks.', ...action }], rationale: 'High risk.' } },
    });
    const misspelt = await matrix({ due: '2026-12-10T17:00:00Z' });
    expect(misspelt.statusCode).toBe(400);
    expect(misspelt.json().errors).toEqual([{ path: 'outcome.actions.0.due', message: expect.stringMatching(/unknown field/), in: 'body' }]);
    // The Matrix's dueAt takes what the referral takes: past validation, this API's Temporal fails (500).
    for (const dueAt of ['2026-12-10T17:00:00Z', '2026-12-10T17:00:00.000Z', '2026-12-10T17:00:00+00:00']) expect((await matrix({ dueAt })).statusCode, dueAt).toBe(500);

    const list = await app.inject({ method: 'GET', url: '/cases?stage=preparing&sort=risk', headers: as('administrator', 'police', { 'x-purpose': 'listing' }) });
    expect(list.statusCode).toBe(400);
    expect(list.json().errors).toEqual([{ path: 'sort', message: expect.stringMatching(/unknown query parameter/), in: 'query' }]);
  });

  it('refuses an unknown profile and a body that is not JSON', async () => {
    const profile = await app.inject({ method: 'POST', url: '/cases?profile=atlantis', headers: as('administrator', 'police'), payload: exampleReferral() });
    expect(profile.statusCode).toBe(400);
    expect(profile.json().errors).toEqual([{ path: 'profile', message: expect.any(String), in: 'query' }]);
    const text = await app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'content-type': 'text/plain' }), payload: 'hello' });
    expect(text.statusCode).toBe(415);
    expect(text.headers['content-type']).toMatch(problemJson);
  });

  it('says nothing of the request or the failure in a 5xx, and logs no payload', async () => {
    const referral = exampleReferral();
    const res = await app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police'), payload: referral });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ type: 'urn:hrda:problem:internal', title: 'Internal server error', status: 500, instance: '/cases' });
    const lines = logged.join('');
    expect(lines).toContain('request failed');
    for (const personal of [referral.victim.name, referral.perpetrator.name, 'Alex Example']) expect(lines).not.toContain(personal);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(problemJson);
  });
});

describe('authentication and roles', () => {
  const read = (authorization?: string) =>
    app.inject({ method: 'GET', url: '/cases/c1', headers: { ...(authorization ? { authorization } : {}), 'x-purpose': 'test' } });
  const now = () => Math.floor(Date.now() / 1000);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('asks for a bearer token (401 with a challenge) and refuses forged, unsigned, expired or incomplete ones', async () => {
    const none = await read();
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="hrda"');
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);

    const claims = testClaims('administrator', 'police', 'mallory');
    const anotherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = signTestToken(claims, {}, anotherKey);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const [h, , s] = signTestToken(claims).split('.');
    const tampered = `${h}.${b64({ ...claims, hrda_role: 'auditor' })}.${s}`;
    const expired = signTestToken({ ...claims, iat: now() - 7200, exp: now() - 3600 });
    const { exp: _exp, ...withoutExpiry } = claims;
    const noExpiry = signTestToken(withoutExpiry);
    const noAgency = signTestToken(testClaims('agency-practitioner'));
    const system = signTestToken({ ...claims, hrda_role: 'system' });
    for (const token of [forged, unsigned, tampered, expired, noExpiry, noAgency, system, 'not-a-jwt']) {
      const res = await read(`Bearer ${token}`);
      expect(res.statusCode, token).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="hrda", error="invalid_token"');
    }
  });

  it('refuses roles an action is not for (403), before reading the body', async () => {
    const cases: [Record<string, string>, string, object][] = [
      [as('auditor'), '/cases/c1/summaries', { agency: 'police', summary: {} }],
      [as('ops'), '/cases', {}],
      [as('agency-practitioner', 'housing'), '/cases/c1/meeting-outcome', {}],
      [as('agency-practitioner', 'housing'), '/cases/c1/close', {}],
      [as('chair', 'police'), '/cases/c1/close', {}],
      [as('administrator', 'police'), '/cases/c1/review-requests/qa', {}],
      [as('agency-practitioner', 'housing'), '/cases/c1/review-requests', {}],
    ];
    for (const [headers, url, payload] of cases) {
      const res = await app.inject({ method: 'POST', url, headers, payload });
      expect(res.statusCode, `${headers.authorization} ${url}`).toBe(403);
      expect(res.json().type).toBe('urn:hrda:problem:forbidden');
    }
  });

  it('lets an agency submit only its own summary and its own referrals', async () => {
    const summary = { involvement: 'a', risks: 'b', actionsTaken: 'c', recommendations: 'd' };
    const other = await app.inject({ method: 'POST', url: '/cases/c1/summaries', headers: as('agency-practitioner', 'housing'), payload: { agency: 'health', summary } });
    expect(other.statusCode).toBe(403);
    expect(other.json().detail).toMatch(/submitted by the agency itself/);
    const referral = await app.inject({ method: 'POST', url: '/cases', headers: as('agency-practitioner', 'housing'), payload: exampleReferral() });
    expect(referral.statusCode).toBe(403);
  });

  it('keeps the access log for auditors', async () => {
    expect((await app.inject({ method: 'GET', url: '/access-log', headers: as('ops') })).statusCode).toBe(403);
    const res = await app.inject({ method: 'GET', url: '/access-log', headers: as('auditor') });
    expect(res.statusCode).toBe(200);
    // Nothing was read; the requests refused on cases above are there as security events.
    const items = res.json<{ items: { action: string; status?: number }[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    for (const e of items) expect([e.action, [401, 403, 404]]).toEqual(['refused', expect.arrayContaining([e.status])]);
  });
});
