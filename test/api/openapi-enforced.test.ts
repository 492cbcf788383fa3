import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRole } from '../../domain/auth';
import { getProfile } from '../../domain/profiles';
import { commandRules } from '../../client/api/permissions';
import { caseCommandRoutes } from '../../client/api/routes/case-commands';
import { startOfflineApi, type OfflineApi } from '../support/offline-api';
import { as } from './harness';

/**
 * The OpenAPI document is what the server enforces (issue 18 item 5), checked route by route from
 * the document alone: for each operation a request is built that the document says is valid, and
 * then, one change at a time, every required header, query parameter and body field is left out,
 * every optional one too, an unknown field is added to every object (and an unknown query
 * parameter), and every bound is crossed and met. The server must refuse (400, naming the field)
 * exactly what the document says it refuses.
 *
 * The API runs here with a Temporal that fails every call: a request that passes validation goes
 * on and fails later (500), or is refused by a rule the document states in words (403); what
 * matters is whether it is refused as invalid input (400).
 */
type Schema = Record<string, unknown> & {
  $ref?: string; type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; anyOf?: Schema[]; oneOf?: Schema[];
  enum?: unknown[]; const?: unknown; format?: string; pattern?: string; minLength?: number; maxLength?: number; minItems?: number; maxItems?: number;
  minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number; additionalProperties?: unknown; default?: unknown;
};
interface Parameter { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: Schema }
interface Operation { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[] }
interface OpenApi { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } }

let api: OfflineApi;
let doc: OpenApi;
beforeAll(async () => {
  api = await startOfflineApi();
  doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(() => api?.stop());

const agencies = getProfile('dorset-hrda').agencies.map((a) => a.id);
const resolve = (s: Schema): Schema => (s.$ref ? resolve(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]!) : s);
const branch = (s: Schema): Schema => {
  const r = resolve(s);
  return r.anyOf ? branch(r.anyOf[0]!) : r.oneOf ? branch(r.oneOf[0]!) : r;
};

/** A value the schema accepts, with every optional property present; strings are distinct, so lists hold no duplicates. */
function example(s: Schema, seq: { n: number }): unknown {
  const r = branch(s);
  if (r.const !== undefined) return r.const;
  if (r.enum) return r.enum[0];
  switch (r.type) {
    case 'object': return Object.fromEntries(Object.entries(r.properties ?? {}).map(([k, v]) => [k, example(v, seq)]));
    case 'array': return Array.from({ length: Math.max(r.minItems ?? 0, 1) }, () => example(r.items ?? {}, seq));
    case 'integer': case 'number': return r.minimum ?? (r.exclusiveMinimum !== undefined ? r.exclusiveMinimum + 1 : 0);
    case 'boolean': return true;
    case 'string': return stringFor(r, seq.n++);
    default: return 'x';
  }
}

function stringFor(r: Schema, n: number): string {
  if (r.format === 'date-time') return '2026-11-24T10:00:00Z';
  if (r.format === 'date') return '1990-04-01';
  if (r.format === 'email') return `person${n}@example.org`;
  const candidates = [agencies[n % agencies.length]!, `a${n}`, `Text ${n}`, `example-value-${n}`];
  const fits = (c: string) => (!r.pattern || new RegExp(r.pattern, 'u').test(c)) && c.length >= (r.minLength ?? 0) && c.length <= (r.maxLength ?? Infinity);
  const found = candidates.find(fits);
  if (!found) throw new Error(`no example for ${JSON.stringify(r)}`);
  return found;
}

/** A string the schema's bounds refuse, and one at the bound (when nothing but the length constrains it). */
const repeat = (n: number) => 'a'.repeat(n);

/**
 * The body a route's own rules between fields need (the document says them in words): merged into
 * the generated example. And fields the document lists as optional that such a rule requires here.
 */
const crossFieldExamples: Record<string, Record<string, unknown>> = {
  // A lawful basis for sharing without consent is given only when consent is absent: the example gives one.
  'POST /cases': { profile: 'dorset-hrda', victim: { consent: { share: false } } },
  'POST /cases/{caseId}/screening': { outcome: 'share-for-support' },
};
const conditionallyRequired: Record<string, string[]> = {
  // "feedback is required when a review request is not accepted": the example does not accept.
  'POST /cases/{caseId}/review-requests/qa': ['feedback'],
  // The children found are named by the agency whose records show them.
  'POST /cases/{caseId}/children-check': ['foundBy'],
  // Shared for support: with whom.
  'POST /cases/{caseId}/screening': ['sharedWith'],
  // A DASH tool (the example's) needs its score; consent absent (the example's) needs the lawful basis.
  'POST /cases': ['assessment.score', 'victim.consent.sharingWithoutConsent'],
};

/** `base` with `over`'s fields set into it, objects merged field by field. */
function deepMerge(base: unknown, over: Record<string, unknown>): unknown {
  if (!base || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = v && typeof v === 'object' && !Array.isArray(v) ? deepMerge(out[k], v as Record<string, unknown>) : v;
  return out;
}

/** Query parameters whose values the server issues (a page token): no document can say which are real. */
const issuedByTheServer = new Set(['pageToken']);

const roleFor = (method: string, path: string): [ApiRole, string | undefined] => {
  const command = caseCommandRoutes.find((r) => `/cases/{caseId}${r.path.replace(/:(\w+)/g, '{$1}')}` === path);
  if (command && method === 'post') {
    const roles = commandRules[command.name].roles as readonly ApiRole[];
    return roles.includes('administrator') ? ['administrator', 'police'] : roles.includes('chair') ? ['chair', 'police'] : [roles[0]!, 'police'];
  }
  if (path === '/access-log') return ['auditor', undefined];
  return ['administrator', 'police'];
};

interface Request { params: Record<string, string>; query: Record<string, string>; headers: Record<string, string>; body: unknown }
type Problem = { status: number; errors: { path: string; in?: string }[] };

describe('the OpenAPI document is what the server enforces', () => {
  it('route by route: required headers and fields, unknown fields refused (additionalProperties false), bounds', async () => {
    const mismatches: string[] = [];
    let probes = 0;
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => [m, p, op] as const)).filter(([, p]) => p !== '/health');
    expect(operations.length).toBeGreaterThan(30);

    for (const [method, path, op] of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      const [role, agency] = roleFor(method, path);
      const seq = { n: 0 };
      const params = op.parameters ?? [];
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      const base: Request = {
        params: Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, String(example(p.schema, seq))])),
        query: Object.fromEntries(params.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(example(p.schema, seq))])),
        // Headers the document requires; Idempotency-Key (optional) is left out, so that probes are not replays of each other.
        headers: Object.fromEntries(params.filter((p) => p.in === 'header' && p.required).map((p) => [p.name, String(example(p.schema, seq))])),
        body: bodySchema ? deepMerge(example(bodySchema, seq), crossFieldExamples[name] ?? {}) : undefined,
      };
      const send = async (r: Request): Promise<Problem> => {
        probes++;
        const url = path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(r.params[k]!)) + (Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : '');
        const res = await api.app.inject({ method: method.toUpperCase() as 'GET', url, headers: as(role, agency, r.headers), ...(r.body !== undefined ? { payload: r.body as object } : {}) });
        return { status: res.statusCode, errors: res.statusCode === 400 ? (res.json<{ errors?: Problem['errors'] }>().errors ?? []) : [] };
      };
      const expectAccepted = async (r: Request, what: string) => {
        const res = await send(r);
        if (res.status === 400) mismatches.push(`${name}: ${what}: the document allows it, the server refuses it: ${JSON.stringify(res.errors)}`);
      };
      const expectRefused = async (r: Request, what: string, at: string, where: string) => {
        const res = await send(r);
        if (res.status !== 400 || !res.errors.some((e) => (e.path === at || e.path.startsWith(`${at}.`)) && e.in === where)) {
          mismatches.push(`${name}: ${what}: the document refuses it, the server answers ${res.status} ${JSON.stringify(res.errors)}`);
        }
      };
      const clone = (r: Request): Request => structuredClone(r);

      await expectAccepted(base, 'the example built from the document');

      // Headers and query parameters.
      for (const p of params.filter((x) => x.in === 'header' || x.in === 'query')) {
        const part = p.in === 'header' ? 'headers' : 'query';
        if (p.required) {
          const r = clone(base);
          delete r[part][p.name];
          await expectRefused(r, `without ${p.in} ${p.name}`, p.name, p.in === 'header' ? 'headers' : 'query');
        } else if (!issuedByTheServer.has(p.name)) {
          const r = clone(base);
          r[part][p.name] = String(example(p.schema, seq));
          await expectAccepted(r, `with optional ${p.in} ${p.name}`);
          const s = branch(p.schema);
          if (p.in === 'query' && s.type === 'integer' && s.maximum !== undefined) {
            await expectRefused({ ...clone(base), query: { ...base.query, [p.name]: String(s.maximum + 1) } }, `${p.name} above its maximum`, p.name, 'query');
            await expectAccepted({ ...clone(base), query: { ...base.query, [p.name]: String(s.maximum) } }, `${p.name} at its maximum`);
          }
        }
      }
      await expectRefused({ ...clone(base), query: { ...base.query, unexpectedParameter: '1' } }, 'an unknown query parameter', 'unexpectedParameter', 'query');

      // The body, field by field.
      if (!bodySchema) continue;
      const walk = async (schema: Schema, at: string[]) => {
        const s = branch(schema);
        const dotted = at.join('.');
        const edit = (change: (value: unknown, parent: Record<string, unknown>, key: string) => void) => {
          const r = clone(base);
          if (!at.length) return r;
          const parent = at.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, r.body as Record<string, unknown>);
          change(parent[at.at(-1)!], parent, at.at(-1)!);
          return r;
        };
        if (s.type === 'object') {
          const unknown = clone(base);
          const target = at.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, unknown.body as Record<string, unknown>);
          target.unexpectedField = 'x';
          const where = [...at, 'unexpectedField'].join('.');
          if (s.additionalProperties === false) await expectRefused(unknown, `an unknown field ${where}`, where, 'body');
          else mismatches.push(`${name}: ${dotted || '(body)'} does not say additionalProperties: false`);
          for (const [key, child] of Object.entries(s.properties ?? {})) {
            const path = [...at, key];
            const field = path.join('.');
            const without = edit(() => {});
            const holder = at.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, without.body as Record<string, unknown>);
            delete holder[key];
            if (s.required?.includes(key)) await expectRefused(without, `without ${field}`, field, 'body');
            else if (!conditionallyRequired[name]?.includes(field)) await expectAccepted(without, `without optional ${field}`);
            await walk(child, path);
          }
        } else if (s.type === 'array' && s.items) {
          if (s.maxItems !== undefined) {
            await expectRefused(edit((v, parent, key) => { parent[key] = Array.from({ length: s.maxItems! + 1 }, () => (v as unknown[])[0]); }), `${dotted} above maxItems`, dotted, 'body');
          }
          if ((s.minItems ?? 0) > 0) await expectRefused(edit((_v, parent, key) => { parent[key] = []; }), `${dotted} below minItems`, dotted, 'body');
          await walk(s.items, [...at, '0']);
        } else if (s.type === 'string' && !s.enum && s.const === undefined) {
          const free = !s.pattern && !s.format;
          if (s.maxLength !== undefined) {
            await expectRefused(edit((_v, parent, key) => { parent[key] = repeat(s.maxLength! + 1); }), `${dotted} above maxLength`, dotted, 'body');
            if (free) await expectAccepted(edit((_v, parent, key) => { parent[key] = repeat(s.maxLength!); }), `${dotted} at maxLength`);
          }
          if ((s.minLength ?? 0) > 0 && free) await expectRefused(edit((_v, parent, key) => { parent[key] = repeat(s.minLength! - 1); }), `${dotted} below minLength`, dotted, 'body');
          if (s.format === 'date-time') {
            // Every instant takes what a referral takes: with or without milliseconds, Z or an offset.
            for (const form of ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00+00:00']) {
              if (s.pattern && !new RegExp(s.pattern, 'u').test(form)) mismatches.push(`${name}: ${dotted}: the document's instant pattern refuses ${form}`);
              await expectAccepted(edit((_v, parent, key) => { parent[key] = form; }), `${dotted} = ${form}`);
            }
          }
        } else if ((s.type === 'integer' || s.type === 'number') && s.maximum !== undefined) {
          await expectRefused(edit((_v, parent, key) => { parent[key] = s.maximum! + 1; }), `${dotted} above its maximum`, dotted, 'body');
          await expectAccepted(edit((_v, parent, key) => { parent[key] = s.maximum; }), `${dotted} at its maximum`);
        }
      };
      await walk(bodySchema, []);
    }
    expect(mismatches).toEqual([]);
    expect(probes).toBeGreaterThan(500);
  });
});
