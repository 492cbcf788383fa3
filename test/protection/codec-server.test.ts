import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { AccessLogEntry } from '../../client/api/access-log';
import { codecLoginPath, codecSessionCookie } from '../../client/api/codec';
import type { ApiRole } from '../../domain/auth';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { as, startApiHarness, tokenFor, type ApiHarness } from '../api/harness';
import { distinctiveReferral, leaked, personalDataOf } from './personal-data';

/** The codec server as the Temporal Web UI calls it, over the payloads a real case left in a real dev server. */
const uiOrigin = 'http://127.0.0.1:8233';
const referral = distinctiveReferral();
const secrets = personalDataOf(referral);

type PayloadJson = { metadata: Record<string, string>; data: string };
const toJson = (p: Payload): PayloadJson => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const dataText = (p: PayloadJson) => Buffer.from(p.data, 'base64').toString('utf8');
const encodingOf = (p: PayloadJson) => Buffer.from(p.metadata.encoding ?? '', 'base64').toString('utf8');

let h: ApiHarness;
let caseId: string;
/** The case's input and the answer to its submission, as the Web UI sends them (protobuf JSON). */
let stored: PayloadJson[];
let baseUrl: string;

beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  h = await startApiHarness(bundle);
  const submitted = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral });
  expect(submitted.statusCode, submitted.body).toBe(201);
  caseId = submitted.json<{ caseId: string }>().caseId;

  const raw = new Client({ connection: h.temporal.connection, namespace: h.server.namespace });
  const history = await raw.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
  stored = input.map(toJson);
  expect(stored.map(encodingOf)).toEqual(['binary/encrypted']);

  await h.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h?.stop();
});

const decode = (headers: Record<string, string>, payloads: PayloadJson[] = stored) =>
  h.app.inject({ method: 'POST', url: '/codec/decode?preserveStorageRefs=true', headers: { 'content-type': 'application/json', 'x-namespace': h.server.namespace, origin: uiOrigin, ...headers }, payload: { payloads } });

const decodesOf = async (): Promise<AccessLogEntry[]> => {
  const res = await h.app.inject({ method: 'GET', url: `/access-log?caseId=${caseId}&limit=1000`, headers: as('auditor') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: AccessLogEntry[] }>().items.filter((e) => e.action === 'decode');
};

describe('decoding for the Web UI', () => {
  it('decodes for administrators, chairs and auditors, and logs every decode as a read of the case', async () => {
    for (const role of ['administrator', 'chair', 'auditor'] satisfies ApiRole[]) {
      const agency = role === 'auditor' ? undefined : 'police';
      const res = await decode({ authorization: `Bearer ${tokenFor(role, agency)}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(uiOrigin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      const [payload] = res.json<{ payloads: PayloadJson[] }>().payloads;
      expect(encodingOf(payload!)).toBe('json/plain');
      expect(dataText(payload!)).toContain(referral.victim.name);
    }
    const logged = await decodesOf();
    expect(logged.map((e) => e.role)).toEqual(['administrator', 'chair', 'auditor']);
    expect(logged[0]).toMatchObject({ sub: 'test-administrator-police', caseId, action: 'decode', route: 'POST /codec/decode', view: 'full', purpose: 'web-ui', payloads: 1 });
    expect(leaked(JSON.stringify(logged), secrets)).toEqual([]);
  });

  it("logs the case of a payload that does not name it (an activity's result) from the case's data key", async () => {
    const raw = new Client({ connection: h.temporal.connection, namespace: h.server.namespace });
    const events = (await raw.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory()).events ?? [];
    const results = events.flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? []).map(toJson);
    expect(results.length).toBeGreaterThan(0);
    const before = (await decodesOf()).length;
    const res = await decode({ authorization: `Bearer ${tokenFor('auditor')}` }, results.slice(0, 1));
    expect(res.statusCode, res.body).toBe(200);
    expect(dataText(res.json<{ payloads: PayloadJson[] }>().payloads[0]!)).not.toContain(`"caseId":"${caseId}"`);
    const logged = await decodesOf();
    expect(logged.length).toBe(before + 1);
    expect(logged.at(-1)).toMatchObject({ caseId, role: 'auditor', payloads: 1 });
  });

  it('records the purpose a caller states', async () => {
    const res = await decode({ authorization: `Bearer ${tokenFor('chair', 'police')}`, 'x-purpose': 'checking the referral before the meeting' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await decodesOf()).at(-1)).toMatchObject({ role: 'chair', caseId, purpose: 'checking the referral before the meeting' });
  });

  it('refuses ops, agency roles and callers without a token: the Web UI keeps the payloads encoded, and nothing is logged', async () => {
    const before = (await decodesOf()).length;
    for (const [role, agency] of [['ops', undefined], ['agency-practitioner', 'housing'], ['lead-professional', 'domestic-abuse-advisor']] as [ApiRole, string | undefined][]) {
      const res = await decode({ authorization: `Bearer ${tokenFor(role, agency)}` });
      expect(res.statusCode, role).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).toMatch(new RegExp(`The ${role} role is not shown payloads decoded`));
      // The browser may read the refusal: the UI reports the codec server's failure rather than a network error.
      expect(res.headers['access-control-allow-origin']).toBe(uiOrigin);
      expect(leaked(res.body, secrets)).toEqual([]);
    }
    const anonymous = await decode({});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().detail).toContain(codecLoginPath);
    expect((await decode({ authorization: `Bearer ${tokenFor('administrator', 'police')}x` })).statusCode).toBe(401);
    expect((await decodesOf()).length).toBe(before);
  });

  it('serves its own namespace only', async () => {
    const res = await decode({ authorization: `Bearer ${tokenFor('administrator', 'police')}`, 'x-namespace': 'someone-else' });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toContain(`serves the ${h.server.namespace} namespace`);
  });

  it('reports a payload it cannot decrypt by its position and key id, and decodes nothing of the request', async () => {
    const tampered = { ...stored[0]!, data: Buffer.from(Buffer.from(stored[0]!.data, 'base64').map((b, i) => (i === 30 ? b ^ 1 : b))).toString('base64') };
    const res = await decode({ authorization: `Bearer ${tokenFor('administrator', 'police')}` }, [stored[0]!, tampered]);
    expect(res.statusCode).toBe(400);
    // A case's payload is under the case's data key, and the error names that key (never the data).
    expect(res.json().errors).toEqual([{ path: 'payloads.1', in: 'body', message: expect.stringMatching(/key "case:[A-Za-z0-9._-]+#1" failed authentication/) }]);
    expect(leaked(res.body, secrets)).toEqual([]);
  });

  it('passes payloads that are not encrypted through, and logs no decode for them', async () => {
    const before = (await decodesOf()).length;
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"case"').toString('base64') };
    const res = await decode({ authorization: `Bearer ${tokenFor('auditor')}` }, [plain]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ payloads: [plain] });
    expect((await decodesOf()).length).toBe(before);
  });
});

describe('encoding for the Web UI', () => {
  it('encrypts for administrators only, under the active key, so that the worker can read it back', async () => {
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ note: referral.victim.name })).toString('base64') };
    const headers = (role: ApiRole, agency?: string) => ({ 'content-type': 'application/json', origin: uiOrigin, authorization: `Bearer ${tokenFor(role, agency)}` });
    const refused = await h.app.inject({ method: 'POST', url: '/codec/encode', headers: headers('auditor'), payload: { payloads: [plain] } });
    expect(refused.statusCode).toBe(403);
    const res = await h.app.inject({ method: 'POST', url: '/codec/encode', headers: headers('administrator', 'police'), payload: { payloads: [plain] } });
    expect(res.statusCode, res.body).toBe(200);
    const [encoded] = res.json<{ payloads: PayloadJson[] }>().payloads;
    expect(encodingOf(encoded!)).toBe('binary/encrypted');
    expect(dataText(encoded!)).not.toContain(referral.victim.name);
    const back = await decode({ authorization: `Bearer ${tokenFor('administrator', 'police')}` }, [encoded!]);
    expect(back.json()).toEqual({ payloads: [plain] });
  });
});

describe('the browser side (real HTTP)', () => {
  it('answers the CORS preflight from the Web UI\'s origin, and no other', async () => {
    const preflight = (origin: string) => fetch(`${baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    const ok = await preflight(uiOrigin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST');
    expect(ok.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('x-namespace'));
    expect(ok.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('authorization'));
    expect((await preflight('http://localhost:8233')).status).toBe(204);

    const other = await preflight('https://elsewhere.example.org');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${baseUrl}/codec/decode`, {
      method: 'POST', headers: { origin: 'https://elsewhere.example.org', 'content-type': 'application/json', authorization: `Bearer ${tokenFor('administrator', 'police')}` }, body: JSON.stringify({ payloads: stored }),
    });
    expect(post.status).toBe(403);
    expect(leaked(await post.text(), secrets)).toEqual([]);
  });

  it('lets a browser sign in once with a pasted token, then decodes with the cookie the Web UI sends', async () => {
    const page = await fetch(`${baseUrl}${codecLoginPath}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'/);
    expect(await page.text()).toContain('Include cross-origin credentials');

    const signIn = async (role: ApiRole, agency?: string) => {
      const res = await fetch(`${baseUrl}/codec/session`, { method: 'POST', headers: { origin: baseUrl, authorization: `Bearer ${tokenFor(role, agency)}` } });
      expect(res.status, await res.clone().text()).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      // Attributes in the order @fastify/cookie writes them (their order means nothing to a browser).
      expect(cookie).toMatch(new RegExp(`^${codecSessionCookie}=[^;]+; Max-Age=\\d+; Path=/codec; HttpOnly; SameSite=Strict$`));
      return { cookie: cookie.split(';')[0]!, body: await res.json() };
    };
    const viaCookie = (cookie: string) => fetch(`${baseUrl}/codec/decode`, {
      method: 'POST', headers: { origin: uiOrigin, cookie, 'content-type': 'application/json', 'x-namespace': h.server.namespace }, body: JSON.stringify({ payloads: stored }),
    });

    const auditor = await signIn('auditor');
    expect(auditor.body).toMatchObject({ sub: 'test-auditor', role: 'auditor', decodes: true });
    const decoded = await viaCookie(auditor.cookie);
    expect(decoded.status).toBe(200);
    expect(dataText((await decoded.json() as { payloads: PayloadJson[] }).payloads[0]!)).toContain(referral.victim.name);
    expect((await decodesOf()).at(-1)).toMatchObject({ sub: 'test-auditor', role: 'auditor', caseId });

    const ops = await signIn('ops');
    expect(ops.body).toMatchObject({ role: 'ops', decodes: false });
    expect((await viaCookie(ops.cookie)).status).toBe(403);

    // Another site cannot plant a session, and signing out clears the cookie.
    const planted = await fetch(`${baseUrl}/codec/session`, { method: 'POST', headers: { origin: uiOrigin, authorization: `Bearer ${tokenFor('administrator', 'police')}` } });
    expect(planted.status).toBe(403);
    const signOut = await fetch(`${baseUrl}/codec/session`, { method: 'DELETE', headers: { origin: baseUrl } });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(new RegExp(`^${codecSessionCookie}=; .*Max-Age=0`));
  });
});

describe('the Temporal CLI as a codec client', () => {
  const show = (token: string) => promisify(execFile)(inject('temporalCli'), [
    'workflow', 'show', '--address', h.server.address, '--namespace', h.server.namespace, '--workflow-id', caseWorkflowId(caseId),
    '--codec-endpoint', `${baseUrl}/codec`, '--codec-auth', `Bearer ${token}`, '--output', 'json', '--command-timeout', '5s',
  ]).then(({ stdout }) => stdout, (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`);
  /** The CLI prints payloads in protobuf JSON: their data in base64. */
  const withPayloadsDecoded = (output: string) =>
    [output, ...[...output.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))].join('\n');

  it('shows the history decoded to a chair, and logs it', async () => {
    const before = (await decodesOf()).length;
    const shown = withPayloadsDecoded(await show(tokenFor('chair', 'police')));
    expect(shown).toContain(referral.victim.name);
    expect(shown).not.toContain('binary/encrypted');
    expect((await decodesOf()).length).toBeGreaterThan(before);
  });

  it('shows nothing decoded to ops', async () => {
    const shown = withPayloadsDecoded(await show(tokenFor('ops')));
    expect(leaked(shown, secrets)).toEqual([]);
  });
});
