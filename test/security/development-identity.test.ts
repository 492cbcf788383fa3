import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startService } from '../../app/service';
import { apiRoles } from '../../domain/auth';
import { freePort } from '../../scripts/dev-server';
import { createTestDatabase } from '../support/database';
import { signTestToken, testClaims } from '../support/identity';
import { startTestDevServer } from '../support/servers';

/**
 * Finding (critical and medium): `hrda start` printed 30-day HS256 tokens signed with a published
 * secret. In development mode it now starts the embedded OpenID provider beside the service, prints
 * tokens obtained from that provider, and the API checks them as it would a production provider's:
 * through the provider's discovery document and keys.
 */
it('`hrda start --development` prints tokens from the embedded OpenID provider, which the API accepts and nothing else mints', { timeout: 180_000 }, async () => {
  const [server, database] = await Promise.all([startTestDevServer(), createTestDatabase()]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-dev-identity-'));
  const [apiPort, oidcPort] = await Promise.all([freePort(), freePort()]);
  const logged: string[] = [];
  const service = await startService({
    env: {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      HRDA_TASK_QUEUE: `dev-identity-${randomUUID()}`,
      HRDA_DATABASE_URL: database.url,
      HRDA_API_PORT: String(apiPort),
      HRDA_OIDC_PORT: String(oidcPort),
      HRDA_OUTBOX_DIR: path.join(dir, 'outbox'),
      HRDA_LOG_LEVEL: 'silent',
    },
    log: (line) => logged.push(line),
    development: true,
  });
  try {
    const issuer = `http://127.0.0.1:${oidcPort}`;
    expect(service.identityProvider?.issuer).toBe(issuer);
    const banner = logged.find((line) => line.startsWith('Development tokens'));
    expect(banner).toContain(issuer);
    const printed = [...banner!.matchAll(/^ {2}(\S+).*?\s(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/gm)].map((m) => ({ role: m[1]!, token: m[2]! }));
    expect(printed.map((t) => t.role).sort()).toEqual([...apiRoles].sort());

    const signIn = (token: string) => fetch(`${service.apiUrl}/codec/session`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    for (const { role, token } of printed) {
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({ iss: issuer, aud: service.apiUrl, hrda_role: role });
      const res = await signIn(token);
      expect(res.status, role).toBe(200);
      expect(await res.json()).toMatchObject({ role });
    }
    // A well-formed token from any other key — the tests' own, say — is not the provider's.
    const other = await signIn(signTestToken({ ...testClaims('administrator', 'police'), iss: issuer, aud: service.apiUrl }));
    expect(other.status).toBe(401);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  } finally {
    await service.stop();
    await server.cleanup();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
  // Stopped with the service: nothing listens on the provider's port any more.
  await expect(fetch(`http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`)).rejects.toThrow();
});
