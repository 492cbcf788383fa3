import fc, { type Arbitrary } from 'fast-check';
import type { z } from 'zod';
import type { CatalogueEntry } from '../../../client/api/route-catalogue';
import { caseCommandRoutes } from '../../../client/api/routes/case-commands';
import { maxBodyBytes, maxJsonDepth } from '../../../client/api/json-body';
import { getProfile } from '../../../domain/profiles';
import { arbitraries } from '../../fuzz/support/arbitraries';
import { pathParams } from './routes';

/**
 * Hostile requests, route by route: path parameters, query strings, headers and bodies of every
 * shape a client could send over HTTP — deep, wide, huge, prototype keys, wrong types, any
 * Unicode, NUL — mixed with nearly valid ones (a valid body with one field broken), so that the
 * fuzz reaches the handlers and the workflows and not only the validators.
 */

const profile = getProfile('dorset-hrda');
const arb = arbitraries(profile);

/** Keys that have meant something to JavaScript objects: the prototype-pollution classics. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'] as const;

/** Strings of every kind: any UTF-16 (lone surrogates too), graphemes, NUL and controls, bidi overrides, prototype keys, long. */
export const hostileString: Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(...prototypeKeys) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\r\n', '\u202Eevil', '\uD800', '\uDFFF\uD800', '', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '%00', '../..', '\\', "'; DROP TABLE case_records; --", '${7*7}', '<script>') },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 100, max: 5_000 })).map(([s, n]) => s.repeat(n)) },
);

/** A JSON value of any shape, its strings hostile and its keys including the prototype ones. */
const hostileKey = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...prototypeKeys) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) });
export const hostileJson: Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MIN_VALUE, true, false, null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 }).map(ownObject),
  ),
})).value;

/** An object with exactly these own, enumerable properties — `__proto__` too, as JSON.parse would make it. */
export function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** `value` with `key: extra` added to the object at a path chosen by `pick` (the top level if there is none). */
function withKeyInside(value: unknown, pick: number, key: string, extra: unknown): unknown {
  const objects: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      objects.push(v as Record<string, unknown>);
      Object.values(v).forEach(walk);
    }
  };
  const copy = structuredClone(value);
  walk(copy);
  const target = objects[pick % Math.max(1, objects.length)];
  if (!target) return ownObject([[key, extra]]);
  Object.defineProperty(target, key, { value: extra, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** JSON nested `depth` deep, around the parser's limit and beyond it. */
const deepJson = fc.tuple(fc.integer({ min: maxJsonDepth - 3, max: maxJsonDepth * 40 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
);
/** An object with thousands of keys (within the body budget). */
const wideJson = fc.tuple(fc.integer({ min: 100, max: 12_000 }), fc.constantFrom('k', '__proto__', 'constructor', 'victim')).map(([n, key]) =>
  `{${Array.from({ length: n }, (_, i) => `"${i % 7 === 0 ? key : `${key}${i}`}":${i}`).join(',')}}`,
);
/** One string close to the body budget (its UTF-8 size, escapes included, kept under it), or just over. */
const hugeJson = fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.constantFrom('under', 'under', 'over'), fc.constantFrom('summary', 'name', 'rationale', 'payloads')).map(([unit, where, field]) => {
  const unitBytes = Buffer.byteLength(JSON.stringify(unit).slice(1, -1));
  const target = where === 'under' ? maxBodyBytes - 1_024 : maxBodyBytes + 1_024;
  return JSON.stringify({ [field]: unit.repeat(Math.max(1, Math.floor(target / unitBytes))) });
});
/** Bytes that are not JSON at all: truncated, NUL, binary, other formats. */
const notJson = fc.oneof(
  fc.constantFrom('', '{', '{"a":', '[1,2', 'null', '""', '0', 'true', '\u0000', '{"a":1}\u0000', '{"a":"\u0000"}', 'a=1&b=2', '<xml/>', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '\uFEFF{}', '{"a":1,"a":2}'),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const routeBodyOf = (route: CatalogueEntry) => route.schema?.body as z.ZodType | undefined;
const commandOf = (route: CatalogueEntry) => caseCommandRoutes.find((c) => `/cases/:caseId${c.path}` === route.url);

/** A body that is nearly what the route takes: a valid one with a field broken, or a prototype key slipped in. */
function nearlyValid(route: CatalogueEntry, realCaseId: string): Arbitrary<unknown> | undefined {
  const command = commandOf(route);
  let valid: Arbitrary<unknown> | undefined;
  if (command) valid = arb.commandFields[command.name];
  else if (route.method === 'POST' && route.url === '/cases') valid = arb.referral;
  else if (route.url === '/codec/decode' || route.url === '/codec/encode') valid = codecPayloads(realCaseId);
  if (!valid) return undefined;
  return fc.oneof(
    valid,
    arb.mutation(valid).map((m) => m.value),
    fc.tuple(valid, fc.nat(), fc.constantFrom(...prototypeKeys), hostileJson).map(([v, pick, key, extra]) => withKeyInside(v, pick, key, extra)),
    fc.tuple(arb.mutation(valid), fc.nat(), hostileKey, hostileJson).map(([m, pick, key, extra]) => withKeyInside(m.value, pick, key, extra)),
  );
}

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
/** Codec payloads that look encrypted: forged key IDs and data-key labels, generations out of range, bytes that are not ciphertext. */
function codecPayloads(realCaseId: string): Arbitrary<unknown> {
  const label = fc.oneof(
    fc.constantFrom(`case:${realCaseId}#1`, `case:${realCaseId}#0`, `case:${realCaseId}#99999999999999999999`, `case:${realCaseId}#2147483648`, 'subject:abc#1', `case:#1`, '#1', 'case:x#-1', 'case:x#1.5', `case:${'x'.repeat(300)}#1`),
    fc.tuple(hostileString, fc.nat()).map(([scope, n]) => `${scope}#${n}`),
    hostileString,
  );
  const metadata = fc.oneof(
    fc.record({ encoding: fc.constant(b64('binary/encrypted')), 'encryption-data-key': label.map(b64) }),
    fc.record({ encoding: fc.constant(b64('binary/encrypted')), 'encryption-key-id': hostileString.map(b64) }),
    fc.record({ encoding: fc.constant(b64('binary/encrypted')) }),
    fc.record({ encoding: fc.constantFrom(b64('json/plain'), b64('binary/null'), b64('json/protobuf'), b64('')) }),
    fc.dictionary(hostileKey, hostileString.map(b64), { maxKeys: 4 }),
  );
  const payload = fc.record({ metadata, data: fc.oneof(fc.uint8Array({ maxLength: 300 }).map(b64), fc.constant(''), fc.constant(b64('{"caseId":"x"}'))) }, { requiredKeys: [] });
  return fc.record({ payloads: fc.array(payload, { maxLength: 4 }) });
}

/** What a body can be, as the bytes sent and whether it is meant as JSON. */
function bodyFor(route: CatalogueEntry, realCaseId: string): Arbitrary<string | undefined> {
  const near = nearlyValid(route, realCaseId);
  const json = (a: Arbitrary<unknown>) => a.map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: json(hostileJson) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: wideJson },
    { weight: 1, arbitrary: hugeJson },
    { weight: 1, arbitrary: notJson },
    ...(near ? [{ weight: 6, arbitrary: json(near) }] : []),
    // A body that is right for the route's schema in shape, when it has one the fuzz can read.
    ...(routeBodyOf(route) && !near ? [{ weight: 1, arbitrary: json(hostileJson.map((v) => (v && typeof v === 'object' ? v : { value: v }))) }] : []),
  );
}

/** Percent-encoding that never throws (encodeURIComponent does on a lone surrogate, which goes as U+FFFD's bytes). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
/** Header values as HTTP can carry them (no NUL, CR or LF, nothing above U+00FF: Node's parser refuses those before the API sees them). */
const headerValue = fc.oneof(
  hostileString.map(headerSafe),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(9_000)),
);
const contentTypes = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'APPLICATION/JSON',
  'application/json;;', 'application/json; boundary="', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/problem+json', 'application/octet-stream', '*/*', 'json', '', ';', 'application/json\t',
);

/** Query strings: the route's own keys, prototype keys, repeats, bad percent-encoding. */
function queryFor(route: CatalogueEntry): Arbitrary<string> {
  const own = Object.keys((route.schema?.querystring as z.ZodObject | undefined)?.shape ?? {});
  const key = fc.oneof(...(own.length ? [{ weight: 4, arbitrary: fc.constantFrom(...own) }] : []), { weight: 1, arbitrary: hostileKey }, { weight: 1, arbitrary: fc.constantFrom('__proto__[polluted]', 'constructor[prototype][polluted]', 'a[]', 'a[b][c]') });
  const value = fc.oneof(hostileString, fc.constantFrom('true', 'no', '1', '0', '-1', '500', '501', '1e3', 'high', 'hrda', 'dorset-hrda', '2026-11-24', '2026-02-30', 'AAAA', 'eyJ4IjoxfQ', '_-_-'));
  const pair = fc.tuple(key, value, fc.boolean()).map(([k, v, raw]) => (raw ? `${pct(k)}=${v.replace(/[#\s]/g, '')}` : `${pct(k)}=${pct(v)}`));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 5, arbitrary: fc.array(pair, { minLength: 1, maxLength: 6 }).map((ps) => `?${ps.join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&&', '?%', '?a=%E0%A4%A', '?=1', `?pageToken=${'A'.repeat(5_000)}`, '?pageSize=1&pageSize=2', '?limit=1&limit=x') },
  );
}

/** A path parameter: the real case (so handlers run), or anything, encoded as a path segment or raw. */
function paramFor(name: string, realCaseId: string): Arbitrary<string> {
  const encoded = hostileString.map((s) => pct(s));
  const real = name === 'caseId' ? fc.constant(realCaseId) : name === 'actionId' ? fc.constantFrom('a1', 'x-9') : name === 'consentId' ? fc.constantFrom('c1', 'c2') : fc.constant('index.html');
  return fc.oneof(
    { weight: 4, arbitrary: real },
    { weight: 3, arbitrary: encoded.filter((s) => s.length > 0) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F..%2F..', '..', '.', 'a'.repeat(129), 'a'.repeat(5_000), '%C0%AF', '%ED%A0%80') },
  );
}

export interface HostileRequest {
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A hostile request to the route (its method is the route's). */
export function hostileRequest(route: CatalogueEntry, realCaseId: string): Arbitrary<HostileRequest> {
  const params = pathParams(route.url);
  return fc
    .record({
      params: fc.tuple(...params.map((p) => paramFor(p, realCaseId))),
      query: queryFor(route),
      // Mostly what a client sends, so that requests get past the headers to the body and the handler.
      purpose: fc.oneof({ weight: 6, arbitrary: fc.constant('security suite: hostile input') }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: headerValue }),
      idempotencyKey: fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: headerValue }),
      contentType: fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: contentTypes }),
      other: fc.oneof(
        { weight: 3, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('x-namespace', 'origin', 'cookie', 'accept', 'content-encoding', 'x-forwarded-for', 'x-forwarded-proto'), headerValue, { maxKeys: 2 }) },
      ),
      body: bodyFor(route, realCaseId),
    })
    .map(({ params: values, query, purpose, idempotencyKey, contentType, other, body }) => {
      let i = 0;
      const url = route.url.replace(/:([A-Za-z0-9_]+)|\*/g, () => values[i++]!) + query;
      const headers: Record<string, string> = { ...other };
      // A body goes as JSON unless the case says otherwise; no body, no content type unless one is chosen.
      if (contentType !== undefined) headers['content-type'] = contentType;
      else if (body !== undefined) headers['content-type'] = 'application/json';
      if (purpose !== undefined) headers['x-purpose'] = purpose;
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      return { url, headers, body };
    });
}
