import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import type { apiRoleSchema } from '../../domain/auth';
import { topologyFiles, type TopologyLayout } from './layout';

/**
 * The deployment's token signing key, for the local topology only: it stands in for the
 * organisation's identity provider (Entra ID, Keycloak), whose JWKS an operator names instead
 * (deploy/env.md). Its public half is served by the identity process (scripts/topology/identity-server.ts)
 * to the Temporal frontend, which checks every call's token against it, and to the HTTP API.
 */
const alg = 'ES256';

/** Who may do what on the Temporal server (its default JWT claim mapper reads `namespace:role` permissions). */
export const temporalIdentities = {
  /** The service: writes to its namespace (start, signal, update, poll) and nothing else. */
  service: { sub: 'hrda-service', permissions: (ns: string) => [`${ns}:write`] },
  /** Ops staff: read its namespace (list, describe, history, queries), change nothing. */
  ops: { sub: 'hrda-ops', permissions: (ns: string) => [`${ns}:read`] },
  /** The bring-up: creates the namespace and registers search attributes; its token is never written down. */
  admin: { sub: 'hrda-topology-admin', permissions: () => ['temporal-system:admin'] },
} as const;
export type TemporalIdentity = keyof typeof temporalIdentities;
export const temporalIdentitySchema = z.enum(['service', 'ops', 'admin']);

/** The audience of tokens for the Temporal frontend (global.authorization.audience), never accepted by the API. */
export const temporalAudience = 'hrda-temporal';
/** The audience of tokens for the HTTP API (HRDA_OIDC_AUDIENCE). */
export const apiAudience = 'hrda-api';

export const issuerFor = (layout: TopologyLayout) => `http://127.0.0.1:${layout.ports.identity}`;

interface SigningKey {
  kid: string;
  privateJwk: JWK;
}

/** Makes the signing key and the JWKS file once; later runs keep them. */
export async function ensureSigningKey(layout: TopologyLayout): Promise<void> {
  const f = topologyFiles(layout);
  if (existsSync(f.signingKey) && existsSync(f.jwks)) return;
  await mkdir(path.dirname(f.signingKey), { recursive: true, mode: 0o700 });
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `topology-${randomBytes(6).toString('hex')}`;
  await writeFile(f.signingKey, JSON.stringify({ kid, privateJwk: await exportJWK(privateKey) }), { mode: 0o600 });
  await writeFile(f.jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] }, null, 2), { mode: 0o644 });
}

async function signingKey(layout: TopologyLayout): Promise<SigningKey> {
  return JSON.parse(await readFile(topologyFiles(layout).signingKey, 'utf8')) as SigningKey;
}

async function sign(layout: TopologyLayout, claims: Record<string, unknown>, audience: string, lifetimeSeconds: number): Promise<string> {
  const key = await signingKey(layout);
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuerFor(layout))
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(await importJWK(key.privateJwk, alg));
}

/** A token for the Temporal frontend. */
export async function temporalToken(layout: TopologyLayout, who: TemporalIdentity, namespace: string, lifetimeSeconds: number): Promise<string> {
  const identity = temporalIdentities[who];
  return sign(layout, { sub: identity.sub, permissions: identity.permissions(namespace) }, temporalAudience, lifetimeSeconds);
}

/** A token for the HTTP API (a person's, as the organisation's identity provider would issue it). */
export async function apiToken(layout: TopologyLayout, claims: { sub: string; role: z.infer<typeof apiRoleSchema>; agency?: string }, lifetimeSeconds = 3600): Promise<string> {
  return sign(layout, { sub: claims.sub, hrda_role: claims.role, ...(claims.agency ? { hrda_agency: claims.agency } : {}) }, apiAudience, lifetimeSeconds);
}
