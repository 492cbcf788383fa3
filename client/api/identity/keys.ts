import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { isLoopbackUrl } from '../../../domain/config';
import type { IdentitySettings } from './settings';

/** The provider could not be asked for its keys: the caller gets 503, not a refusal of their token. */
export class IdentityProviderUnavailableError extends Error {
  constructor(reason: string) {
    super(`The identity provider is unavailable: ${reason}`);
    this.name = 'IdentityProviderUnavailableError';
  }
}

const requestTimeoutMs = 5_000;

/**
 * The keys that sign the provider's tokens: the local JWKS when one is configured, otherwise the
 * jwks_uri of the provider's discovery document (OpenID Connect Discovery 1.0), fetched on the first
 * token and cached by jose, which fetches again when a token names a key it has not seen (rotation).
 * A failed discovery is tried again on the next token rather than remembered.
 */
export function signingKeysFor(settings: Pick<IdentitySettings, 'issuer' | 'jwks'>): JWTVerifyGetKey {
  if (settings.jwks) return createLocalJWKSet(settings.jwks);
  let remote: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    remote ??= discoverKeys(settings.issuer).catch((err: unknown) => {
      remote = undefined;
      throw err;
    });
    return (await remote)(header, token);
  };
}

async function discoverKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new IdentityProviderUnavailableError(`its discovery document answered ${res.status}`);
    doc = (await res.json()) as typeof doc;
  } catch (err) {
    if (err instanceof IdentityProviderUnavailableError) throw err;
    throw new IdentityProviderUnavailableError(`its discovery document could not be read (${(err as Error).name})`);
  }
  // The document must be the issuer's own (Discovery §4.3): otherwise another party's keys would be trusted.
  if (doc.issuer !== issuer) throw new IdentityProviderUnavailableError(`its discovery document names another issuer (HRDA_OIDC_ISSUER must be exactly ${JSON.stringify(doc.issuer)})`);
  if (typeof doc.jwks_uri !== 'string' || !/^https?:\/\//.test(doc.jwks_uri)) throw new IdentityProviderUnavailableError('its discovery document has no jwks_uri');
  if (!doc.jwks_uri.startsWith('https://') && !isLoopbackUrl(doc.jwks_uri)) throw new IdentityProviderUnavailableError('its jwks_uri is not https://');
  return createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: requestTimeoutMs, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}
