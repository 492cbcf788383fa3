import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TokenClaims } from '../../../domain/auth';
import { mapClaims } from './claim-mapping';
import { IdentityProviderUnavailableError, signingKeysFor } from './keys';
import type { IdentitySettings } from './settings';

/**
 * Access tokens from the configured OpenID provider, verified with jose: asymmetric signatures only
 * (a shared secret would let every verifier mint tokens; `none` proves nothing), the provider's
 * `iss` and this API's `aud` required, a lifetime no longer than configured (so a token for year
 * 9999 is refused), no `iat` in the future, and nothing but base64url in the compact form.
 */
export const acceptedAlgorithms = ['RS256', 'ES256'] as const;
/** Clock difference tolerated between the provider and this service. */
export const clockSkewSeconds = 60;
/** Far above any provider's token (Entra ID's are about 2 KiB with groups): a bigger header is not a token. */
const maxTokenLength = 16 * 1024;
/** Header, payload and signature, each non-empty unpadded base64url: no `+`, `/`, `=`, spaces or an empty (`none`) signature. */
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type TokenVerification = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

export interface TokenVerifier {
  /** Whether the token is accepted, and its principal's claims; throws IdentityProviderUnavailableError when its keys cannot be fetched. */
  verify(token: string, now?: Date): Promise<TokenVerification>;
}

export function createTokenVerifier(settings: IdentitySettings, keys: JWTVerifyGetKey = signingKeysFor(settings)): TokenVerifier {
  return {
    async verify(token, now = new Date()) {
      if (token.length > maxTokenLength) return { ok: false, reason: 'the token is too long' };
      if (!compactJws.test(token)) return { ok: false, reason: 'the token is not a signed compact JWT in base64url (header.payload.signature)' };
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: [...acceptedAlgorithms],
          requiredClaims: ['exp', 'iat'],
          clockTolerance: clockSkewSeconds,
          currentDate: now,
          // Also refuses an iat in the future (beyond the skew).
          maxTokenAge: settings.maxLifetimeSeconds,
        }));
      } catch (err) {
        if (err instanceof IdentityProviderUnavailableError) throw err;
        if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) throw new IdentityProviderUnavailableError(err.message);
        if (err instanceof errors.JOSEError) return { ok: false, reason: reasonFor(err) };
        // Anything else came from fetching the keys (a refused connection, a DNS failure).
        throw new IdentityProviderUnavailableError(`its keys could not be fetched (${(err as Error).name})`);
      }
      const lifetime = payload.exp! - payload.iat!;
      if (lifetime > settings.maxLifetimeSeconds) {
        return { ok: false, reason: `the token's lifetime (exp − iat, ${lifetime} s) is longer than the ${settings.maxLifetimeSeconds} s accepted` };
      }
      return mapClaims(payload, settings.claims);
    },
  };
}

/** jose's messages name the claim or header at fault and never echo a value. */
function reasonFor(err: InstanceType<typeof errors.JOSEError>): string {
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? 'the token was issued too long ago' : 'the token has expired';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token is signed with a key the identity provider does not publish';
  if (err instanceof errors.JOSEAlgNotAllowed) return `only ${acceptedAlgorithms.join(' and ')} signed tokens are accepted`;
  return err.message;
}
