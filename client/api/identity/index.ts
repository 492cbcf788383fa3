export { createTokenVerifier, type TokenVerification, type TokenVerifier } from './verifier';
export { IdentityProviderUnavailableError } from './keys';
export { identitySettingsFrom, IdentityNotConfiguredError, type IdentitySettings, type ClaimMapping } from './settings';
export { mapClaims } from './claim-mapping';
