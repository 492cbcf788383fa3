import type { JWTPayload } from 'jose';
import { apiRoleSchema, tokenClaimsSchema, type ApiRole, type TokenClaims } from '../../../domain/auth';
import type { ClaimMapping } from './settings';

export type MappedClaims = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

/** A claim by name, or by dotted path into nested claims (Keycloak's `realm_access.roles`). Own properties only. */
export function claimAt(payload: JWTPayload, path: string): unknown {
  // A claim whose name itself has a dot (e.g. an Entra extension attribute) is found before the path.
  if (Object.hasOwn(payload, path)) return payload[path];
  let value: unknown = payload;
  for (const step of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

const valuesOf = (claim: unknown): string[] =>
  typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : [];

/**
 * The principal's claims (domain/auth.ts) from a verified token, through the operator's mapping.
 * A provider lists many roles and groups; those it maps to none of ours are ignored, and a token
 * that maps to two different roles is refused rather than given either, since which one the
 * person acts in is not ours to guess.
 */
export function mapClaims(payload: JWTPayload, mapping: ClaimMapping): MappedClaims {
  const values = valuesOf(claimAt(payload, mapping.role));
  const roles = new Set<ApiRole>();
  for (const value of values) {
    const role = mapping.roleMap ? (Object.hasOwn(mapping.roleMap, value) ? mapping.roleMap[value] : undefined) : apiRoleSchema.safeParse(value).data;
    if (role) roles.add(role);
  }
  if (roles.size === 0) return { ok: false, reason: `the token's ${mapping.role} claim names no role of this service` };
  if (roles.size > 1) return { ok: false, reason: `the token's ${mapping.role} claim names more than one role of this service (${[...roles].join(', ')})` };
  const agencies = valuesOf(claimAt(payload, mapping.agency));
  if (agencies.length > 1) return { ok: false, reason: `the token's ${mapping.agency} claim names more than one agency` };
  const sub = claimAt(payload, mapping.subject);
  const parsed = tokenClaimsSchema.safeParse({
    sub,
    role: [...roles][0],
    ...(agencies[0] !== undefined ? { agency: agencies[0] } : {}),
    exp: payload.exp,
    ...(payload.iat !== undefined ? { iat: payload.iat } : {}),
    ...(payload.nbf !== undefined ? { nbf: payload.nbf } : {}),
  });
  if (!parsed.success) {
    const claimName = (field: string) => ({ sub: mapping.subject, role: mapping.role, agency: mapping.agency })[field] ?? field;
    return { ok: false, reason: `the token claims are invalid: ${parsed.error.issues.map((i) => `${claimName(String(i.path[0] ?? '(claims)'))}: ${i.message}`).join('; ')}` };
  }
  return { ok: true, claims: parsed.data };
}
