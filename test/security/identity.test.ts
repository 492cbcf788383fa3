import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { codecSessionCookie } from '../../client/api/codec';
import { maxSessionSeconds } from '../../client/api/codec-sessions';
import { developmentTokenBanner } from '../../client/api/dev-tokens';
import { mapClaims } from '../../client/api/identity';
import { developmentIdentities, startDevelopmentProvider, type DevelopmentIdentity, type DevelopmentProvider } from '../../client/api/identity/development-provider';
import { buildApi } from '../../client/api/server';
import { apiRoles } from '../../domain/auth';
import { parseConfig } from '../../domain/config';
import { freePort } from '../../scripts/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * Finding (medium): tokens had no `iss` or `aud`, no lifetime cap (exp in year 9999 accepted), a future
 * `iat` accepted, lenient base64, a shared HS256 secret that let every verifier mint tokens, and the
 * codec cookie carried the raw bearer token. Here the tokens come from a real OpenID provider (the
 * embedded development one, oidc-provider) and the API fetches its keys through its discovery
 * document, as it would Entra ID's or Keycloak's. Bad tokens are signed with the provider's own key,
 * so each is refused for the one fault it has, not for its signature.
 */
const failing = (): never => {
  throw new Error('Temporal is not part of this test');
};
const unreachable = { options: { namespace: 'hrda-test' }, workflow: { getHandle: () => ({ describe: failing }) } } as unknown as Client;

const audience = 'http://127.0.0.1:8080';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = 'security-test-rs256';
const providerKey: JWK = { ...(rsa.privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function forge(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyObject = rsa.privateKey): string {
  const input = `${b64({ alg: 'RS256', typ: 'at+jwt', kid, ...header })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

let database: TestDatabase;
let provider: DevelopmentProvider;
let app: FastifyInstance;
/** The API's clock: real time unless a test moves it. */
let clockOffsetMs = 0;
const apps: FastifyInstance[] = [];
const providers: DevelopmentProvider[] = [];

async function apiFor(env: Record<string, string>): Promise<FastifyInstance> {
  const api = await buildApi({
    config: parseConfig(env),
    db: database.db,
    temporal: unreachable,
    now: () => new Date(Date.now() + clockOffsetMs),
  });
  apps.push(api);
  return api;
}

beforeAll(async () => {
  database = await createTestDatabase();
  provider = await startDevelopmentProvider({ audience, port: 0, signingKey: providerKey });
  providers.push(provider);
  app = await apiFor({ HRDA_OIDC_ISSUER: provider.issuer, HRDA_OIDC_AUDIENCE: audience });
});
afterAll(async () => {
  for (const a of apps) await a.close();
  for (const p of providers) await p.stop();
  await database?.drop();
});

const now = () => Math.floor(Date.now() / 1000);
/** What the provider's own tokens hold, for a token it did not issue but signed with its key. */
const goodClaims = () => ({ iss: provider.issuer, aud: audience, sub: 'dev-chair', client_id: 'dev-chair', hrda_role: 'chair', hrda_agency: 'police', iat: now(), exp: now() + 3600 });

/** Opening a codec session verifies the token and answers with the principal it proves. */
const signIn = (api: FastifyInstance, token: string) => api.inject({ method: 'POST', url: '/codec/session', headers: { authorization: `Bearer ${token}` } });
const readCase = (token: string) => app.inject({ method: 'GET', url: '/cases/c1', headers: { authorization: `Bearer ${token}`, 'x-purpose': 'test' } });

function expectRefused(res: Awaited<ReturnType<typeof readCase>>, why: string, detail?: RegExp) {
  expect(res.statusCode, why).toBe(401);
  expect(res.headers['content-type'], why).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate'], why).toBe('Bearer realm="hrda", error="invalid_token"');
  if (detail) expect(res.json().detail, why).toMatch(detail);
}

describe('tokens from the OpenID provider', () => {
  it('accepts the provider\'s access tokens for every development identity, with the role and agency it claims', async () => {
    const tokens = await provider.tokens();
    expect(tokens.map((t) => t.role).sort()).toEqual([...apiRoles].sort());
    for (const t of tokens) {
      const header = decodeProtectedHeader(t.token);
      const payload = decodeJwt(t.token);
      expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid });
      expect(payload).toMatchObject({ iss: provider.issuer, aud: audience, sub: t.sub, hrda_role: t.role });
      expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(12 * 3600);
      const res = await signIn(app, t.token);
      expect(res.statusCode, t.role).toBe(200);
      expect(res.json()).toMatchObject({ sub: t.sub, role: t.role });
    }
    // The banner `hrda start --development` prints is made of these tokens.
    const banner = developmentTokenBanner(tokens, audience, provider.issuer);
    for (const t of tokens) expect(banner).toContain(t.token);
    expect(banner).toContain(provider.issuer);
  });

  it('accepts a token signed with the provider\'s key and right in every claim (the control for the refusals below)', async () => {
    const res = await signIn(app, forge(goodClaims()));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sub: 'dev-chair', role: 'chair' });
  });

  it('refuses, 401 with a problem+json, a wrong issuer, a wrong audience, HS256, none, year 9999, a lifetime over the cap, a future iat and non-base64url', async () => {
    const good = goodClaims();
    const hs256Input = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(good)}`;
    // The classic confusion: an HMAC keyed with the provider's public key, which anyone can fetch.
    const publicPem = rsa.publicKey.export({ format: 'pem', type: 'spki' });
    const hs256 = `${hs256Input}.${createHmac('sha256', publicPem).update(hs256Input).digest('base64url')}`;
    const [h, p, s] = forge(good).split('.') as [string, string, string];
    const cases: [string, string, RegExp?][] = [
      ['wrong iss', forge({ ...good, iss: 'https://idp.example.org/realms/other' }), /iss/],
      ['no iss', forge({ ...good, iss: undefined }), /iss/],
      ['wrong aud', forge({ ...good, aud: 'https://another-api.example.org' }), /aud/],
      ['no aud', forge({ ...good, aud: undefined }), /aud/],
      ['HS256', hs256, /RS256 and ES256/],
      ['none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`, /compact JWT/],
      ['none with a signature', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.${s}`, /RS256 and ES256/],
      ['exp in 9999', forge({ ...good, exp: 253402300799 }), /lifetime/],
      ['lifetime over 12 hours', forge({ ...good, iat: now() - 60, exp: now() - 60 + 12 * 3600 + 61 }), /lifetime/],
      ['no iat', forge({ ...good, iat: undefined }), /iat/],
      ['iat in the future', forge({ ...good, iat: now() + 3600, exp: now() + 7200 }), /iat/],
      ['expired', forge({ ...good, iat: now() - 7200, exp: now() - 3600 }), /expired/],
      ['unknown key', forge(good, {}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), /signature/],
      ['padded base64', `${h}.${p}=.${s}`, /base64url/],
      ['standard base64 alphabet', `${h}.${p}.${s.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/'))}${/[-_]/.test(s) ? '' : '+'}`, /base64url/],
      ['a character outside base64url', `${h}.${p.slice(0, 10)}%${p.slice(10)}.${s}`, /base64url/],
      ['a fourth part', `${h}.${p}.${s}.${s}`, /base64url/],
      ['tampered claims', `${h}.${b64({ ...good, hrda_role: 'administrator' })}.${s}`, /signature/],
    ];
    for (const [why, token, detail] of cases) expectRefused(await readCase(token), why, detail);
  });

  it('answers 503, not 401 or 500, when the provider cannot be reached for its keys', async () => {
    const down = await apiFor({ HRDA_OIDC_ISSUER: `http://127.0.0.1:${await freePort()}`, HRDA_OIDC_AUDIENCE: audience });
    const res = await signIn(down, forge(goodClaims()));
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('the claim mapping an operator configures', () => {
  /** A provider issuing tokens in another IdP's shape, and an API configured for that shape. */
  async function providerAndApi(identities: DevelopmentIdentity[], claimsFor: (id: DevelopmentIdentity) => Record<string, unknown>, env: Record<string, string>) {
    const idp = await startDevelopmentProvider({ audience, port: 0, identities, claimsFor });
    providers.push(idp);
    const api = await apiFor({ HRDA_OIDC_ISSUER: idp.issuer, HRDA_OIDC_AUDIENCE: audience, ...env });
    return { idp, api };
  }

  it('reads Keycloak\'s realm_access.roles through a role map, ignoring roles it does not map', async () => {
    const keycloakRoles: Record<string, string[]> = {
      'kc-chair': ['offline_access', 'uma_authorization', 'hrda-chair'],
      'kc-housing': ['default-roles-hrda', 'hrda-practitioner'],
      'kc-nobody': ['offline_access', 'uma_authorization'],
      'kc-two-roles': ['hrda-chair', 'hrda-auditor'],
    };
    const { idp, api } = await providerAndApi(
      [{ role: 'chair', sub: 'kc-chair' }, { role: 'agency-practitioner', sub: 'kc-housing' }, { role: 'ops', sub: 'kc-nobody' }, { role: 'chair', sub: 'kc-two-roles' }],
      (id) => ({ realm_access: { roles: keycloakRoles[id.sub] }, ...(id.sub === 'kc-housing' ? { hrda_agency: 'housing' } : { hrda_agency: 'police' }) }),
      { HRDA_OIDC_ROLE_CLAIM: 'realm_access.roles', HRDA_OIDC_ROLE_MAP: JSON.stringify({ 'hrda-chair': 'chair', 'hrda-practitioner': 'agency-practitioner', 'hrda-auditor': 'auditor' }) },
    );
    const chairToken = await idp.requestToken('kc-chair');
    // The embedded provider's own key is ES256 (the first describe's is RS256): both are accepted.
    expect(decodeProtectedHeader(chairToken)).toMatchObject({ alg: 'ES256' });
    expect((await signIn(api, chairToken)).json()).toMatchObject({ sub: 'kc-chair', role: 'chair' });
    expect((await signIn(api, await idp.requestToken('kc-housing'))).json()).toMatchObject({ sub: 'kc-housing', role: 'agency-practitioner' });
    expectRefused(await signIn(api, await idp.requestToken('kc-nobody')), 'no mapped role', /names no role/);
    expectRefused(await signIn(api, await idp.requestToken('kc-two-roles')), 'two mapped roles', /more than one role/);
    // The same tokens mean nothing to an API with the default mapping: the mapping is what gives the role.
    expectRefused(await signIn(app, await idp.requestToken('kc-chair')), 'another issuer');
  });

  it('reads Entra ID\'s roles and a custom agency claim, naming the person by oid', async () => {
    const { idp, api } = await providerAndApi(
      [{ role: 'auditor', sub: 'entra-auditor' }, { role: 'lead-professional', sub: 'entra-idva' }],
      (id) => ({
        oid: `0000-${id.sub}`,
        roles: id.role === 'auditor' ? ['HRDA.Auditor'] : ['HRDA.LeadProfessional'],
        ...(id.role === 'lead-professional' ? { 'extn.hrdaAgency': 'domestic-abuse-advisor' } : {}),
      }),
      {
        HRDA_OIDC_ROLE_CLAIM: 'roles',
        HRDA_OIDC_AGENCY_CLAIM: 'extn.hrdaAgency',
        HRDA_OIDC_SUBJECT_CLAIM: 'oid',
        HRDA_OIDC_ROLE_MAP: JSON.stringify({ 'HRDA.Auditor': 'auditor', 'HRDA.LeadProfessional': 'lead-professional' }),
      },
    );
    expect((await signIn(api, await idp.requestToken('entra-auditor'))).json()).toMatchObject({ sub: '0000-entra-auditor', role: 'auditor' });
    expect((await signIn(api, await idp.requestToken('entra-idva'))).json()).toMatchObject({ sub: '0000-entra-idva', role: 'lead-professional' });
  });

  it('refuses an agency role without its agency, and a claim path that reaches into inherited properties', () => {
    const mapping = { subject: 'sub', role: 'hrda_role', agency: 'hrda_agency' };
    const base = { sub: 'jo', iat: 1, exp: 2 };
    expect(mapClaims({ ...base, hrda_role: 'agency-practitioner' }, mapping)).toMatchObject({ ok: false, reason: expect.stringMatching(/hrda_agency/) });
    expect(mapClaims({ ...base, hrda_role: 'system' }, mapping)).toMatchObject({ ok: false });
    expect(mapClaims({ ...base, hrda_role: 'chair' }, { ...mapping, role: 'constructor.name' })).toMatchObject({ ok: false });
    expect(mapClaims({ ...base, hrda_role: 'toString' }, { ...mapping, roleMap: { chair: 'chair' } })).toMatchObject({ ok: false });
  });

  it('refuses a role map, JWKS or issuer that is not what it should be, naming the variable', () => {
    expect(() => parseConfig({ HRDA_OIDC_ROLE_MAP: '{"hrda-chair":"superuser"}' })).toThrow(/HRDA_OIDC_ROLE_MAP/);
    expect(() => parseConfig({ HRDA_OIDC_ROLE_MAP: 'not json' })).toThrow(/HRDA_OIDC_ROLE_MAP: is not valid JSON/);
    expect(() => parseConfig({ HRDA_OIDC_JWKS: JSON.stringify({ keys: [providerKey] }) })).toThrow(/HRDA_OIDC_JWKS.*private key/);
    // Keys fetched over plain HTTP could be anyone's: http only for a provider on this machine.
    expect(() => parseConfig({ HRDA_OIDC_ISSUER: 'http://keycloak.example.org/realms/hrda', HRDA_OIDC_AUDIENCE: 'hrda-api' })).toThrow(/HRDA_OIDC_ISSUER: must be https/);
    expect(parseConfig({ HRDA_OIDC_ISSUER: 'http://127.0.0.1:8090', HRDA_OIDC_AUDIENCE: 'hrda-api' }).HRDA_OIDC_ISSUER).toBe('http://127.0.0.1:8090');
  });
});

describe('the codec server\'s session', () => {
  const cookieOf = (res: Awaited<ReturnType<typeof signIn>>) => String(res.headers['set-cookie']).split(';')[0]!;
  const decode = (cookie: string) => app.inject({ method: 'POST', url: '/codec/decode', headers: { cookie, 'content-type': 'application/json' }, payload: { payloads: [] } });

  it('holds a random reference, not the token, in the cookie and in the store; sign-out ends it', async () => {
    const token = await provider.requestToken('dev-administrator');
    const res = await signIn(app, token);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).not.toContain('eyJ');
    expect(setCookie).not.toContain(token.split('.')[2]);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(new RegExp(`^${codecSessionCookie}=[A-Za-z0-9_-]{43}$`));
    const { rows } = await database.db.query('SELECT * FROM codec_sessions');
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows.map((r: Record<string, unknown>) => ({ ...r, reference_sha256: Buffer.from(r.reference_sha256 as Buffer).toString('base64url') })));
    expect(stored).not.toContain('eyJ');
    expect(stored).not.toContain(cookie.split('=')[1]);

    expect((await decode(cookie)).statusCode).toBe(200);
    const out = await app.inject({ method: 'DELETE', url: '/codec/session', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const after = await decode(cookie);
    expect(after.statusCode).toBe(401);
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
    // A forged reference is refused the same way, without the store being any the wiser.
    expect((await decode(`${codecSessionCookie}=${'A'.repeat(43)}`)).statusCode).toBe(401);
    expect((await decode(`${codecSessionCookie}=eyJhbGciOiJub25lIn0.e30.`)).statusCode).toBe(401);
  });

  it('ends no later than the token that opened it, and after 8 hours at most', async () => {
    const shortLived = forge({ ...goodClaims(), sub: 'dev-administrator', hrda_role: 'administrator', exp: now() + 600 });
    const short = await signIn(app, shortLived);
    expect(short.statusCode).toBe(200);
    expect(Date.parse(short.json().expiresAt)).toBeLessThanOrEqual((now() + 600) * 1000);
    const long = await signIn(app, await provider.requestToken('dev-administrator'));
    expect(Date.parse(long.json().expiresAt)).toBeLessThanOrEqual(Date.now() + maxSessionSeconds * 1000);
    try {
      clockOffsetMs = 11 * 60_000;
      expect((await decode(cookieOf(short))).statusCode).toBe(401);
      expect((await decode(cookieOf(long))).statusCode).toBe(200);
      clockOffsetMs = (maxSessionSeconds + 60) * 1000;
      expect((await decode(cookieOf(long))).statusCode).toBe(401);
    } finally {
      clockOffsetMs = 0;
    }
  });
});

it('gives every development identity a client at the provider', () => {
  expect(new Set(developmentIdentities.map((id) => id.sub)).size).toBe(developmentIdentities.length);
});
