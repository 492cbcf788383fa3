import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { routesOf, type CatalogueEntry } from '../../client/api/route-catalogue';
import { caseCommandRoutes } from '../../client/api/routes/case-commands';
import { caseIdForKey } from '../../client/api/idempotency';
import { apiRoles } from '../../domain/auth';
import { caseCommandFields, type CaseCommandName } from '../../domain/case-commands';
import { getProfile } from '../../domain/profiles';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { exampleReferral } from '../support/referrals';
import { arbitraries } from '../fuzz/support/arbitraries';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness';
import { acceptedUpdates, authorisation, callerAgency, callers, fillPath, noToken, refusesRole, routeKey, subOf, type Caller } from './support/routes';

/**
 * Issue 17 item 8: every role, and no token, against every route the API registers (the route
 * catalogue, client/api/route-catalogue.ts, so a new route is covered without touching this file
 * — and fails the first test until it declares who may call it and is added to the table).
 * A caller the route does not admit gets 403 (no token: 401) as problem+json, and nothing
 * changes; a caller it admits is never refused for its role (it may be refused for business
 * reasons: a 4xx from the case); nobody gets a 5xx. Each request is well-formed — the path of
 * a real case, a valid body — so that a refusal is the role's and not the request's.
 */

/**
 * Who may call what: ✓ admitted, · refused (403; with no token, 401). A public route admits
 * everyone, with no token too. docs/security.md ("Who may call what") holds the same table, and
 * the second test below checks they agree. The codec routes check their roles themselves (they
 * also take the codec session cookie); the test holds them to the same table.
 */
const table = `
| route | administrator | chair | agency-practitioner | lead-professional | auditor | ops | no token |
|---|---|---|---|---|---|---|---|
| GET /health | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /openapi.json | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /docs | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /docs/json | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /docs/yaml | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /docs/static/index.html | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /docs/static/swagger-initializer.js | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /docs/static/* | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| HEAD /docs/static/* | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| POST /cases | ✓ | ✓ | ✓ | ✓ | · | · | · |
| GET /cases | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · |
| GET /cases/:caseId | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · |
| GET /cases/:caseId/timeline | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · |
| GET /cases/:caseId/disclosures/:consentId | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/summaries | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/victim-contact | ✓ | · | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/meeting-outcome | ✓ | · | · | · | · | · | · |
| POST /cases/:caseId/actions/:actionId/updates | ✓ | · | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/review-requests | ✓ | · | · | ✓ | · | · | · |
| POST /cases/:caseId/review-requests/qa | · | ✓ | · | · | · | · | · |
| POST /cases/:caseId/review-outcome | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/risk | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/disputes | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/disclosure-consents | · | ✓ | · | · | · | · | · |
| POST /cases/:caseId/restriction | · | ✓ | · | · | · | · | · |
| POST /cases/:caseId/restriction/need-to-know | · | ✓ | · | · | · | · | · |
| POST /cases/:caseId/dvds | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/dvds/sign-off | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/dvpos | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/dvpos/breaches | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/risk-confirmation | · | ✓ | · | · | · | · | · |
| POST /cases/:caseId/marac-referral | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/marac-outcome | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/children-check | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/first-response | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/health-sharing | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/victim-told | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/screening | ✓ | ✓ | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/rag-rating | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/triage-responses | ✓ | · | ✓ | ✓ | · | · | · |
| POST /cases/:caseId/mash-meeting | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/mash-decision | ✓ | ✓ | · | · | · | · | · |
| POST /cases/:caseId/hold | ✓ | · | · | · | · | · | · |
| POST /cases/:caseId/hold/lift | ✓ | · | · | · | · | · | · |
| GET /cases/:caseId/holds | ✓ | · | · | · | ✓ | · | · |
| POST /cases/:caseId/close | ✓ | · | · | · | · | · | · |
| GET /access-log | · | · | · | · | ✓ | · | · |
| POST /codec/decode | ✓ | ✓ | · | · | ✓ | · | · |
| POST /codec/encode | ✓ | · | · | · | · | · | · |
| POST /codec/session | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · |
| DELETE /codec/session | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| GET /codec/login | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| OPTIONS /codec/decode | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| OPTIONS /codec/encode | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
`;

/** A markdown table of the shape above: route → the callers it admits. */
function parseTable(markdown: string): Map<string, Set<Caller>> {
  const rows = markdown.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('|')).map((l) => l.slice(1, -1).split('|').map((c) => c.trim().replaceAll('`', '')));
  const [header, , ...body] = rows;
  expect(header?.slice(1)).toEqual([...callers]);
  return new Map(body.map((cells) => [cells[0]!, new Set(callers.filter((_c, i) => cells[i + 1] === '✓'))]));
}
const expected = parseTable(table);

/** What a route's declaration admits, in the table's terms. */
function declared(route: CatalogueEntry): Set<Caller> | string {
  const access = route.access;
  if (access?.public && access.roles === undefined) return new Set(callers);
  if (!access?.public && access?.roles?.length) return new Set(access.roles.filter((r) => (apiRoles as readonly string[]).includes(r)));
  return `${routeKey(route)} declares no access (config.access: { roles } or { public: true }): ${JSON.stringify(access)}`;
}

const profile = getProfile('dorset-hrda');
const arb = arbitraries(profile);
/** One valid body per case command, the same every run. */
function validFields(name: CaseCommandName): Record<string, unknown> {
  const schema = caseCommandFields[name];
  const [sample] = fc.sample(arb.commandFields[name].filter((v) => schema.safeParse(v).success), { seed: 17, numRuns: 1 });
  return sample!;
}

let h: ApiHarness;
let catalogue: readonly CatalogueEntry[];
/** The case every route under /cases/:caseId is called on. */
let caseId: string;
/** Case IDs that admitted callers made through POST /cases. */
let created = 0;
let recordsBefore = 0;
const purpose = { 'x-purpose': 'security suite: role and route matrix' };

const countRecords = async () => Number((await h.database.db.query<{ n: string }>('SELECT count(*) AS n FROM case_records')).rows[0]!.n);

beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  h = await startApiHarness(bundle);
  catalogue = routesOf(h.app);
  const { receivedAt: _now, ...referral } = exampleReferral();
  const res = await h.app.inject({ method: 'POST', url: '/cases', headers: { ...authorisation('administrator'), 'idempotency-key': randomUUID() }, payload: referral });
  expect(res.statusCode, res.body).toBe(201);
  caseId = res.json<{ caseId: string }>().caseId;
  recordsBefore = await eventually(countRecords, (n) => n === 1);
});
afterAll(async () => {
  await h?.stop();
});

/** A well-formed request for the route from the caller: a real case, a valid body, a purpose, a fresh Idempotency-Key. */
function requestFor(route: CatalogueEntry, caller: Caller): InjectOptions & { idempotencyKey: string } {
  const idempotencyKey = randomUUID();
  const url = fillPath(route.url, { caseId, actionId: 'a1', consentId: 'c1', '*': 'index.html' });
  const headers: Record<string, string> = { ...authorisation(caller), ...purpose, 'idempotency-key': idempotencyKey };
  let payload: object | undefined;
  const command = caseCommandRoutes.find((c) => `/cases/:caseId${c.path}` === route.url);
  if (route.method === 'POST' && route.url === '/cases') {
    const { receivedAt: _now, ...referral } = exampleReferral({ referrer: { agency: callerAgency, name: 'PC Example', contact: 'sru@example.org' } });
    payload = referral;
  } else if (route.url === '/cases/:caseId/hold' || route.url === '/cases/:caseId/hold/lift') {
    payload = { reason: 'security suite: role and route matrix' };
  } else if (route.url === '/codec/decode' || route.url === '/codec/encode') {
    payload = { payloads: [] };
  } else if (command) {
    const fields: Record<string, unknown> = { ...validFields(command.name) };
    // What an agency does in its own name is in the caller's agency; everyone the test calls as stays on a need-to-know list.
    for (const field of ['agency', 'raisedBy'] as const) if (field in fields && command.name !== 'recordChildrenCheck') fields[field] = callerAgency;
    if (command.name === 'restrictCase') fields.needToKnow = apiRoles.map(subOf);
    if (command.name === 'updateAction') delete fields.actionId;
    payload = fields;
  }
  return { method: route.method as InjectOptions['method'], url, headers, ...(payload ? { payload } : {}), idempotencyKey };
}

type Problem = { type: string; status: number; detail?: string };
function problemOf(res: LightMyRequestResponse, what: string): Problem {
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  return res.json<Problem>();
}

async function caseExists(id: string): Promise<boolean> {
  try {
    await h.temporal.workflow.getHandle(caseWorkflowId(id)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

describe('role × route matrix (issue 17 item 8)', () => {
  it('every route the API registers declares who may call it, and the declarations are the table above', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const route of catalogue) {
      const key = routeKey(route);
      seen.add(key);
      const admits = declared(route);
      if (typeof admits === 'string') problems.push(admits);
      else if (!expected.has(key)) problems.push(`${key} is not in the table (it admits ${[...admits].join(', ')})`);
      else expect([...admits].sort(), key).toEqual([...expected.get(key)!].sort());
    }
    for (const key of expected.keys()) if (!seen.has(key)) problems.push(`${key} is in the table but the API has no such route`);
    expect(problems).toEqual([]);
  });

  it('docs/security.md shows the same table', async () => {
    const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const section = doc.split(/^## Who may call what$/m)[1]?.split(/^## /m)[0];
    expect(section, 'docs/security.md has a "## Who may call what" section').toBeDefined();
    expect(Object.fromEntries([...parseTable(section!)].map(([k, v]) => [k, [...v]]))).toEqual(Object.fromEntries([...expected].map(([k, v]) => [k, [...v]])));
  });

  for (const [key, admitted] of expected) {
    it(`${key}: ${admitted.size === callers.length ? 'everyone' : [...admitted].join(', ') || 'nobody'}`, async () => {
      const route = catalogue.find((r) => routeKey(r) === key);
      expect(route, `${key} is registered`).toBeDefined();
      const refused = callers.filter((c) => !admitted.has(c));
      const writesCase = route!.method === 'POST' && route!.url.startsWith('/cases/:caseId');

      // The refused first, on the case as it is; then nothing about it may have changed.
      // What a refused write could change: the case (an accepted update in its history), or a case made under the request's key.
      const before = writesCase ? await acceptedUpdates(h.temporal, caseId) : 0;
      for (const caller of refused) {
        const req = requestFor(route!, caller);
        const res = await h.app.inject(req);
        const what = `${key} as ${caller}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        const problem = problemOf(res, what);
        if (caller === noToken) {
          expect(res.statusCode, what).toBe(401);
          expect(problem.type, what).toBe('urn:hrda:problem:unauthenticated');
          expect(res.headers['www-authenticate'], what).toMatch(/^Bearer realm="hrda"/);
        } else {
          expect(res.statusCode, what).toBe(403);
          expect(problem.type, what).toBe('urn:hrda:problem:forbidden');
          expect(refusesRole(problem.detail), `${what}: the refusal names the role`).toBe(true);
          if (route!.url === '/cases') expect(await caseExists(caseIdForKey(h.config.HRDA_SUBJECT_KEY, subOf(caller), req.idempotencyKey)), what).toBe(false);
        }
      }
      if (writesCase) expect(await acceptedUpdates(h.temporal, caseId), `${key}: a refused write changed the case`).toBe(before);

      for (const caller of admitted) {
        const res = await h.app.inject(requestFor(route!, caller));
        const what = `${key} as ${caller}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, what).toBeLessThan(500);
        expect(res.statusCode, what).not.toBe(401);
        if (res.statusCode === 403) expect(refusesRole(problemOf(res, what).detail), `${what}: refused for its role`).toBe(false);
        if (res.statusCode >= 400) problemOf(res, what);
        if (route!.url === '/cases' && route!.method === 'POST' && res.statusCode === 201) created += 1;
      }
    });
  }

  it('admitted writes are accepted updates in the case\'s history (so the check of refused ones counts what it should)', async () => {
    // The start's caseReady update, and the writes the case accepted (summaries, victim contact, a dispute, …).
    expect(await acceptedUpdates(h.temporal, caseId)).toBeGreaterThan(5);
  });

  it('refused referrals made no case: the store holds the first case and those the admitted roles made', async () => {
    expect(created).toBe(4);
    expect(await eventually(countRecords, (n) => n === recordsBefore + created)).toBe(recordsBefore + created);
  });
});
