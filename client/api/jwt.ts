import { createHmac, timingSafeEqual } from 'node:crypto';
import { tokenClaimsSchema, type TokenClaims } from '../../domain/auth';

/**
 * Compact JWS with HS256 only (RFC 7515/7519), on node:crypto. Any other `alg` — `none` above
 * all — is refused, the signature is compared in constant time, and `exp` is required.
 */
const header = { alg: 'HS256', typ: 'JWT' } as const;
/** Clock difference tolerated between the token's issuer and this service. */
const leewaySeconds = 30;

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const sign = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest();

export function signToken(claims: TokenClaims, secret: string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${sign(input, secret).toString('base64url')}`;
}

export type TokenVerification = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

export function verifyToken(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenVerification {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'the token is not a compact JWT (header.payload.signature)' };
  const [h, p, s] = parts as [string, string, string];
  const decoded = (part: string): unknown => {
    try {
      return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  };
  const head = decoded(h) as { alg?: unknown } | undefined;
  if (!head || head.alg !== 'HS256') return { ok: false, reason: 'only HS256-signed tokens are accepted' };
  const expected = sign(`${h}.${p}`, secret);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'the token signature does not verify' };
  const parsed = tokenClaimsSchema.safeParse(decoded(p));
  if (!parsed.success) {
    return { ok: false, reason: `the token claims are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(claims)'}: ${i.message}`).join('; ')}` };
  }
  const claims = parsed.data;
  if (claims.exp + leewaySeconds <= nowSeconds) return { ok: false, reason: 'the token has expired' };
  if (claims.nbf !== undefined && claims.nbf - leewaySeconds > nowSeconds) return { ok: false, reason: 'the token is not valid yet' };
  return { ok: true, claims };
}
