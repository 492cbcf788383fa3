import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { ApiRole } from '../../domain/auth';

/**
 * Tokens for the tests, signed RS256 with a key pair made for this run and verified by the API
 * through the same jose verifier as a provider's (client/api/identity), against a local JWKS
 * (HRDA_OIDC_JWKS): synchronous, so tests mint them freely, and no test relies on a shared secret.
 */
export const testIssuer = 'https://idp.test.invalid/realms/hrda';
export const testAudience = 'https://hrda.test.invalid/api';
const testKid = 'test-rs256';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const testPrivateKey: KeyObject = pair.privateKey;

export const testJwks = { keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: testKid, alg: 'RS256', use: 'sig' }] };

/** The configuration that makes an API accept the tests' tokens. */
export const testIdentityEnv = {
  HRDA_OIDC_ISSUER: testIssuer,
  HRDA_OIDC_AUDIENCE: testAudience,
  HRDA_OIDC_JWKS: JSON.stringify(testJwks),
} as const;

const b64url = (value: object | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** A compact JWS over any claims and header (to forge bad tokens as well as good ones), signed RS256 with the test key. */
export function signTestToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyObject = testPrivateKey): string {
  const input = `${b64url({ alg: 'RS256', typ: 'at+jwt', kid: testKid, ...header })}.${b64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The claims of a good token for a role (the default mapping: hrda_role, hrda_agency), valid an hour. */
export function testClaims(role: ApiRole, agency?: string, sub = `test-${role}${agency ? `-${agency}` : ''}`, now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { iss: testIssuer, aud: testAudience, sub, hrda_role: role, ...(agency ? { hrda_agency: agency } : {}), iat: now, exp: now + 3600 };
}
