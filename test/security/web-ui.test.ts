import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { buildApi } from '../../client/api/server';
import { webUiPath } from '../../client/api/web-ui';
import { parseConfig } from '../../domain/config';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import { dataConverterFor } from '../../worker/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signTestToken, testClaims, testIdentityEnv } from '../support/identity';

/**
 * Issue 18 item 7: the dev server's Web UI works on the default. In development mode the API serves
 * the UI under its own origin (/ui), so the UI's codec calls are same-origin and carry the codec
 * session cookie: payloads decode after signing in once, with no per-browser setting.
 */
let server: DevServer;
let database: TestDatabase;
let app: FastifyInstance;
let dir: string;
let baseUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-web-ui-'));
  const [port, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  baseUrl = `http://127.0.0.1:${apiPort}`;
  [server, database] = await Promise.all([
    startDevServer({ cli: inject('temporalCli'), namespace: 'hrda-web-ui', port, uiPort, dbFile: path.join(dir, 'temporal.sqlite'), codecEndpoint: `${baseUrl}/codec`, uiPublicPath: webUiPath }),
    createTestDatabase(),
  ]);
  const config = parseConfig({ TEMPORAL_NAMESPACE: server.namespace, HRDA_DATABASE_URL: database.url, HRDA_API_PORT: String(apiPort), ...testIdentityEnv });
  const temporal = new Client({ connection: await Connection.connect({ address: server.address }), namespace: server.namespace, dataConverter: dataConverterFor(config, database.db) });
  app = await buildApi({ config, db: database.db, temporal, webUiUpstream: `http://127.0.0.1:${uiPort}` });
  await app.listen({ host: '127.0.0.1', port: apiPort });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await server?.stop();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('serves the Web UI under /ui on the API\'s origin, configured with the service\'s codec endpoint', async () => {
  const page = await fetch(`${baseUrl}${webUiPath}/namespaces/hrda-web-ui/workflows`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  // The UI's own page, not the API's: the API's JSON-route CSP would stop its scripts.
  expect(page.headers.get('content-security-policy') ?? '').not.toContain("default-src 'self'; script-src 'self'");
  expect(await page.text()).toContain(`${webUiPath}/_app/`);

  const settings = await fetch(`${baseUrl}${webUiPath}/api/v1/settings`);
  expect(settings.status).toBe(200);
  expect(await settings.json()).toMatchObject({ Codec: { Endpoint: `${baseUrl}/codec` } });
});

it('decodes for the UI on the same origin with the cookie from one sign-in, and still refuses other origins', async () => {
  const admin = `Bearer ${signTestToken(testClaims('administrator', 'police'))}`;
  const encoded = await fetch(`${baseUrl}/codec/encode`, {
    method: 'POST', headers: { authorization: admin, 'content-type': 'application/json', 'x-namespace': server.namespace },
    body: JSON.stringify({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"a victim\'s name"').toString('base64') }] }),
  });
  expect(encoded.status, await encoded.clone().text()).toBe(200);
  const { payloads } = await encoded.json() as { payloads: unknown[] };

  const signIn = await fetch(`${baseUrl}/codec/session`, { method: 'POST', headers: { origin: baseUrl, authorization: `Bearer ${signTestToken(testClaims('auditor'))}` } });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;

  // What the UI at /ui sends: this origin, the cookie, no token.
  const decode = (origin: string) => fetch(`${baseUrl}/codec/decode`, {
    method: 'POST', headers: { origin, cookie, 'content-type': 'application/json', 'x-namespace': server.namespace }, body: JSON.stringify({ payloads }),
  });
  const same = await decode(baseUrl);
  expect(same.status, await same.clone().text()).toBe(200);
  const [decoded] = (await same.json() as { payloads: { data: string }[] }).payloads;
  expect(Buffer.from(decoded!.data, 'base64').toString()).toBe('"a victim\'s name"');

  expect((await decode('https://elsewhere.example.org')).status).toBe(403);
});
