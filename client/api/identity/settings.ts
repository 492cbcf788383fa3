import type { JSONWebKeySet } from 'jose';
import type { ApiRole } from '../../../domain/auth';
import type { Config } from '../../../domain/config';

/**
 * What the API needs to know to accept a provider's access tokens: who issues them, for which
 * audience, where its keys are, and which claims say who the caller is. All of it is configuration
 * (domain/config.ts), so moving from the embedded provider to Entra ID or Keycloak changes no code.
 */
export interface IdentitySettings {
  issuer: string;
  audience: string;
  /** The provider's public keys, when given locally; otherwise fetched from its discovery document's jwks_uri. */
  jwks?: JSONWebKeySet;
  claims: ClaimMapping;
  /** The longest exp − iat accepted, in seconds. */
  maxLifetimeSeconds: number;
}

export interface ClaimMapping {
  subject: string;
  role: string;
  agency: string;
  /** The provider's values and the role each means; without it the claim holds role names. */
  roleMap?: Record<string, ApiRole>;
}

export class IdentityNotConfiguredError extends Error {
  constructor() {
    super('No identity provider is configured: set HRDA_OIDC_ISSUER and HRDA_OIDC_AUDIENCE (docs/security.md).');
    this.name = 'IdentityNotConfiguredError';
  }
}

export function identitySettingsFrom(config: Config): IdentitySettings {
  if (!config.HRDA_OIDC_ISSUER || !config.HRDA_OIDC_AUDIENCE) throw new IdentityNotConfiguredError();
  return {
    issuer: config.HRDA_OIDC_ISSUER,
    audience: config.HRDA_OIDC_AUDIENCE,
    ...(config.HRDA_OIDC_JWKS ? { jwks: config.HRDA_OIDC_JWKS as JSONWebKeySet } : {}),
    claims: {
      subject: config.HRDA_OIDC_SUBJECT_CLAIM,
      role: config.HRDA_OIDC_ROLE_CLAIM,
      agency: config.HRDA_OIDC_AGENCY_CLAIM,
      ...(config.HRDA_OIDC_ROLE_MAP ? { roleMap: config.HRDA_OIDC_ROLE_MAP } : {}),
    },
    maxLifetimeSeconds: config.HRDA_OIDC_MAX_TOKEN_LIFETIME,
  };
}
