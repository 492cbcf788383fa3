import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { routesOf, type CatalogueEntry } from '../../client/api/route-catalogue';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { exampleReferral } from '../support/referrals';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness';
import { hostileRequest, type HostileRequest } from './support/hostile';
import { acceptedUpdates, authorisation, pathParams, routeKey } from './support/routes';

/**
 * Issue 17 items 5 and 8: property-based hostile input over every route the API registers (the
 * route catalogue, so a new route is fuzzed without touching this file), sent as an authorised
 * administrator (or, where administrators may not call the route, a role that may) to a real API
 * on a real Temporal and store: arbitrary path parameters, query
 * strings, headers (X-Purpose, Idempotency-Key, Content-Type and others) and bodies — deep,
 * wide, huge within the 256 KiB budget and just over it, prototype keys, wrong types, any
 * Unicode, NUL — and nearly valid ones (a valid body with a field broken or a prototype key
 * slipped in) that reach the handlers and the workflows. Properties:
 * - no answer is a 5xx;
 * - every 4xx is application/problem+json with its status, and a validation error names each
 *   field at fault (a path, a message, and which part of the request);
 * - nothing is half-made: a refused write adds no update to the case's history, and the store
 *   and Temporal hold exactly the cases whose POST /cases answered 201.
 *
 * The seed is printed; HRDA_FUZZ_SEED=<seed> replays a run (HRDA_FUZZ_ROUTE=<part of "METHOD
 * /url"> only the routes that match, each with its own seed as in the full run); HRDA_FUZZ_RUNS sets the runs per
 * route (30 by default, about 1,500 requests, so that the file stays within a couple of minutes
 * inside a full `npm test` on 2 CPUs; 60 or more for a deeper run — the time grows with the load).
 */
const seed = Number(process.env.HRDA_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Only the routes whose `METHOD /url` contains this (a replay of one route keeps its seed). */
const onlyRoutes = process.env.HRDA_FUZZ_ROUTE;
/** A request that has not answered by then has hung: a finding of its own. */
const answerMs = 30_000;

async function answerWithin<T>(what: string, send: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Said at once: shrinking a hang takes as long again per step.
      console.error(`hostile input: no answer in ${answerMs / 1000} s to ${what}`);
      reject(new Error(`no answer in ${answerMs / 1000} s to ${what}`));
    }, answerMs);
  });
  try {
    return await Promise.race([send(), hung]);
  } finally {
    clearTimeout(timer);
  }
}
const runsPerRoute = Number(process.env.HRDA_FUZZ_RUNS ?? 30);

let h: ApiHarness;
let catalogue: readonly CatalogueEntry[];
/** A real case, so that hostile requests to its routes reach the handlers and the workflow. */
let sharedCase: string;
const casesFor = new Map<CatalogueEntry, string>();
/** Cases the test made itself (the shared one, one per write route); `created`, those the fuzz made. */
let made = 0;
let casesBefore = 0;
let workflowsBefore = 0;
let created = 0;
const statuses: Record<string, Record<number, number>> = {};

async function newCase(): Promise<string> {
  const { receivedAt: _now, ...referral } = exampleReferral();
  const res = await h.app.inject({ method: 'POST', url: '/cases', headers: { ...authorisation('administrator'), 'idempotency-key': randomUUID() }, payload: referral });
  expect(res.statusCode, res.body).toBe(201);
  made += 1;
  return res.json<{ caseId: string }>().caseId;
}

const countRecords = async () => Number((await h.database.db.query<{ n: string }>('SELECT count(*) AS n FROM case_records')).rows[0]!.n);
const countWorkflows = async () => (await h.temporal.workflow.count("WorkflowType = 'referralWorkflow'")).count;

beforeAll(async () => {
  console.log(`hostile input: seed ${seed}, ${runsPerRoute} runs per route (replay with HRDA_FUZZ_SEED=${seed})`);
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  h = await startApiHarness(bundle);
  catalogue = routesOf(h.app);
  sharedCase = await newCase();
  // A write route fuzzes a case of its own, so that what one route's fuzz did (restrict the case,
  // close it) does not blunt the next's. Made a few at a time: each is a workflow start.
  const writes = catalogue.filter((r) => r.method === 'POST' && r.url.startsWith('/cases/:caseId'));
  for (let i = 0; i < writes.length; i += 4) {
    const batch = writes.slice(i, i + 4);
    const ids = await Promise.all(batch.map(() => newCase()));
    batch.forEach((route, j) => casesFor.set(route, ids[j]!));
  }
  casesBefore = await eventually(countRecords, (n) => n === made);
  workflowsBefore = await eventually(countWorkflows, (n) => n === made);
});
afterAll(async () => {
  if (h) console.log(`hostile input: answers by route and status ${JSON.stringify(statuses)}`);
  await h?.stop();
});

type Problem = { type?: unknown; title?: unknown; status?: unknown; errors?: { path?: unknown; message?: unknown; in?: unknown }[] };

/** The properties every answer holds. */
function checkAnswer(route: CatalogueEntry, req: HostileRequest, res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what} answered ${res.statusCode}: ${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], `${what}: a ${res.statusCode} that is not problem+json: ${res.body.slice(0, 300)}`).toMatch(/^application\/problem\+json/);
  // A HEAD answer has the GET's headers and no body.
  if (route.method === 'HEAD') return;
  const problem = res.json<Problem>();
  expect(problem.status, what).toBe(res.statusCode);
  expect(problem.type, what).toMatch(/^urn:hrda:problem:[a-z-]+$/);
  expect(typeof problem.title, what).toBe('string');
  if (problem.type === 'urn:hrda:problem:invalid-input') {
    expect(problem.errors?.length, `${what}: a validation error names the fields at fault: ${res.body.slice(0, 300)}`).toBeGreaterThan(0);
    for (const e of problem.errors!) {
      expect(typeof e.path === 'string' && e.path.length > 0, `${what}: each field at fault has a path: ${JSON.stringify(e)}`).toBe(true);
      expect(typeof e.message === 'string' && e.message.length > 0, `${what}: and a message: ${JSON.stringify(e)}`).toBe(true);
      expect(['body', 'query', 'params', 'headers'], `${what}: and says where it is: ${JSON.stringify(e)}`).toContain(e.in);
      expect(namesAField(route, req, e.in as Part, e.path as string), `${what}: "${String(e.path)}" is a field the request sent or the route takes`).toBe(true);
    }
  }
}

type Part = 'body' | 'query' | 'params' | 'headers';

/** Keys as the API's paths name them: the empty key is written `""` (domain/strict-input.ts). */
const namedKeys = (keys: Iterable<string>) => new Set([...keys].map((k) => (k === '' ? '""' : k)));

/** The top-level keys of the request's JSON body (as paths name them), read once per request: a wide body can earn thousands of errors. */
const keysOfBody = new WeakMap<HostileRequest, Set<string>>();
function bodyKeys(req: HostileRequest): Set<string> {
  let keys = keysOfBody.get(req);
  if (!keys) {
    let sent: unknown;
    try {
      sent = req.body === undefined ? undefined : JSON.parse(req.body);
    } catch {
      sent = undefined;
    }
    keys = namedKeys(sent && typeof sent === 'object' ? Object.keys(sent) : []);
    keysOfBody.set(req, keys);
  }
  return keys;
}
const shapeKeys = (schema: unknown): string[] => Object.keys((schema as { shape?: object } | undefined)?.shape ?? {});

/**
 * Whether a field at fault is one the request sent or the route takes: its path begins with a key
 * of the part's schema or of what was sent there, or names a whole part in brackets ("(body)").
 */
function namesAField(route: CatalogueEntry, req: HostileRequest, part: Part, path: string): boolean {
  if (/^\(.+\)/.test(path)) return true;
  // The path begins with one of these keys (a key may hold dots; the empty key is written `""`: domain/strict-input.ts).
  // Each prefix of the path, looked up in the keys (a set): linear in the path, whatever the number of keys.
  const segments = path.split('.');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('.'));
  const startsWithKey = (keys: Iterable<string>) => {
    const named = keys instanceof Set ? keys : namedKeys(keys);
    return prefixes.some((p) => named.has(p));
  };
  const schema = { body: route.schema?.body, query: route.schema?.querystring, params: route.schema?.params, headers: route.schema?.headers }[part];
  if (startsWithKey(shapeKeys(schema))) return true;
  switch (part) {
    case 'body':
      return startsWithKey(bodyKeys(req));
    case 'query':
      // Everything after the first "?" (a value may hold more of them).
      return startsWithKey(new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '').keys());
    case 'params':
      return startsWithKey(pathParams(route.url));
    case 'headers':
      // Header names are case-insensitive (the API may write Idempotency-Key).
      return Object.keys(req.headers).some((k) => path.toLowerCase() === k.toLowerCase());
  }
}


const describeRequest = (route: CatalogueEntry, req: HostileRequest) =>
  `${routeKey(route)} as ${route.method} ${req.url.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 300)} body ${req.body === undefined ? 'none' : `${req.body.length} chars: ${req.body.slice(0, 200)}`}`;

describe('hostile input over every route (issue 17 item 8)', () => {
  it('no 5xx, every refusal problem+json naming the fields at fault, nothing half-made', async () => {
    expect(catalogue.length).toBeGreaterThan(40);
    for (const [i, route] of catalogue.entries()) {
      if (onlyRoutes && !routeKey(route).includes(onlyRoutes)) continue;
      const counts = (statuses[routeKey(route)] = {} as Record<number, number>);
      // An administrator, or for the routes administrators may not call, a role the route admits: the fuzz is of the input, not of the role.
      const caller = authorisation(route.access?.roles?.includes('administrator') !== false ? 'administrator' : route.access.roles[0]!);
      const onCase = casesFor.get(route) ?? sharedCase;
      await fc.assert(
        fc.asyncProperty(hostileRequest(route, onCase), async (req) => {
          const what = describeRequest(route, req);
          const onTheCase = route.method === 'POST' && req.url.startsWith(`/cases/${onCase}/`);
          const before = onTheCase ? await acceptedUpdates(h.temporal, onCase) : 0;
          // A request that blocks the event loop never times out: HRDA_FUZZ_TRACE=<file> writes each one down before it is sent.
          if (process.env.HRDA_FUZZ_TRACE) appendFileSync(process.env.HRDA_FUZZ_TRACE, `${JSON.stringify({ route: routeKey(route), ...req })}\n`);
          const res = await answerWithin(what, () => h.app.inject({ method: route.method as InjectOptions['method'], url: req.url, headers: { ...req.headers, ...caller }, ...(req.body === undefined ? {} : { payload: req.body }) }));
          counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
          checkAnswer(route, req, res, what);
          if (onTheCase && res.statusCode >= 400) expect(await acceptedUpdates(h.temporal, onCase), `${what}: refused ${res.statusCode}, yet the case changed`).toBe(before);
          if (route.method === 'POST' && route.url === '/cases' && res.statusCode === 201) created += 1;
        }),
        { seed: (seed + i) | 0, numRuns: runsPerRoute },
      );
    }
  }, 600_000);

  it('the store and Temporal hold exactly the cases whose POST /cases answered 201', async () => {
    expect(casesBefore).toBe(made);
    expect(await eventually(countRecords, (n) => n === casesBefore + created)).toBe(casesBefore + created);
    expect(await eventually(countWorkflows, (n) => n === workflowsBefore + created)).toBe(workflowsBefore + created);
  });
});
