import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../domain/config';
import { developmentModeGranted, startProblems } from '../../domain/start-policy';
import { acceptsConnections, freePort } from '../../scripts/dev-server';

/**
 * Finding (critical): the published development JWT secret (now: no identity provider configured), key ring and subject key were the
 * defaults of every deployment, and the service printed 30-day tokens for every role even with
 * NODE_ENV=production, a cluster address and the API on 0.0.0.0.
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
const k = (n: number) => Buffer.alloc(32, n).toString('base64');
const ownSecrets = {
  HRDA_OIDC_ISSUER: 'https://keycloak.example.org/realms/hrda',
  HRDA_OIDC_AUDIENCE: 'hrda-api',
  HRDA_ENCRYPTION_KEYS: `prod-1:${k(7)}`,
  HRDA_SUBJECT_KEY: 'y'.repeat(40),
};
const variables = (env: Record<string, string>, mode: { development: boolean; nodeEnv?: string }) =>
  startProblems(parseConfig(env), mode).map((p) => p.variable);

describe('secure by default', () => {
  it('refuses every published development secret unless development mode is asked for, naming each variable', () => {
    expect(variables({}, { development: false })).toEqual(['HRDA_OIDC_ISSUER', 'HRDA_OIDC_AUDIENCE', 'HRDA_ENCRYPTION_KEYS', 'HRDA_SUBJECT_KEY']);
    // One published secret is enough to refuse, and only that one is named.
    expect(variables({ ...ownSecrets, HRDA_SUBJECT_KEY: '' }, { development: false })).toEqual(['HRDA_SUBJECT_KEY']);
    expect(variables({ ...ownSecrets, HRDA_ENCRYPTION_KEYS: `prod-1:${k(7)},dev-2026-01:Z8z/z/lp09lcUaAYqH9avYDhTF/PlGlhP7zgoKal8FE=` }, { development: false })).toEqual(['HRDA_ENCRYPTION_KEYS']);
    expect(variables(ownSecrets, { development: false })).toEqual([]);
    // No identity provider means the embedded one, whose tokens anyone on the machine can obtain.
    expect(variables({ ...ownSecrets, HRDA_OIDC_ISSUER: '', HRDA_OIDC_AUDIENCE: '' }, { development: false })).toEqual(['HRDA_OIDC_ISSUER', 'HRDA_OIDC_AUDIENCE']);
    // An issuer without its audience is not a configuration at all.
    expect(() => parseConfig({ ...ownSecrets, HRDA_OIDC_AUDIENCE: '' })).toThrow(/HRDA_OIDC_AUDIENCE: is required with HRDA_OIDC_ISSUER/);
  });

  it('grants development mode only when asked, outside production, with the API on loopback', () => {
    expect(variables({}, { development: true })).toEqual([]);
    expect(developmentModeGranted(parseConfig({}), { development: true })).toBe(true);
    expect(developmentModeGranted(parseConfig({ HRDA_API_HOST: 'localhost' }), { development: true })).toBe(true);
    expect(variables({}, { development: true, nodeEnv: 'production' })).toEqual(['NODE_ENV', 'HRDA_OIDC_ISSUER', 'HRDA_OIDC_AUDIENCE', 'HRDA_ENCRYPTION_KEYS', 'HRDA_SUBJECT_KEY']);
    expect(variables({ HRDA_API_HOST: '0.0.0.0' }, { development: true })).toEqual(['HRDA_API_HOST', 'HRDA_OIDC_ISSUER', 'HRDA_OIDC_AUDIENCE', 'HRDA_ENCRYPTION_KEYS', 'HRDA_SUBJECT_KEY']);
    expect(developmentModeGranted(parseConfig({ HRDA_API_HOST: '10.0.0.5' }), { development: true })).toBe(false);
    // With secrets of its own the service starts anywhere, development flag or not.
    expect(variables({ ...ownSecrets, HRDA_API_HOST: '0.0.0.0' }, { development: true, nodeEnv: 'production' })).toEqual([]);
  });

  it('`hrda start` with NODE_ENV=production and no secrets exits non-zero naming the variables, before starting anything', async () => {
    const [postgresPort, devServerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HRDA_API_HOST: '0.0.0.0',
      HRDA_API_PORT: String(apiPort),
      HRDA_POSTGRES_PORT: String(postgresPort),
      HRDA_DEV_SERVER_PORT: String(devServerPort),
    };
    for (const args of [['start'], ['start', '--development']]) {
      const run = promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin/hrda.mjs'), ...args], { cwd: repoRoot, env, timeout: 60_000 });
      const failure = await run.then(
        () => undefined,
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      expect(failure, `hrda ${args.join(' ')} must refuse`).toBeDefined();
      expect(failure!.code).not.toBe(0);
      for (const variable of ['HRDA_OIDC_ISSUER', 'HRDA_OIDC_AUDIENCE', 'HRDA_ENCRYPTION_KEYS', 'HRDA_SUBJECT_KEY']) expect(failure!.stderr).toContain(variable);
      // No token is ever printed on a refusal.
      expect(failure!.stdout + failure!.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }
    // Nothing was started: none of the ports it would have used is listening.
    for (const port of [postgresPort, devServerPort, apiPort]) expect(await acceptsConnections(port)).toBe(false);
  });
});

