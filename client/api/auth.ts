import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiRole, Principal } from '../../domain/auth';
import { IdentityProviderUnavailableError, type TokenVerifier } from './identity';
import { ProblemError } from './problem';

/**
 * Who may call a route (its `config.access`). Every route declares it: roles, or `public` said
 * out loud (health, the docs, the codec login page); the security suite fails on a route that
 * declares neither (client/api/route-catalogue.ts, test/security/role-route-matrix.test.ts).
 */
export interface RouteAccess {
  roles?: readonly ApiRole[];
  /** Reads of a case state their purpose in `X-Purpose`, whoever reads (the OpenAPI document marks it required). */
  purpose?: 'required';
  /** Anyone may call it, without a token. */
  public?: true;
  /**
   * The route authenticates the caller itself and enforces `roles` (the codec server, which also
   * accepts its session cookie: client/api/codec.ts); the bearer-token hook below leaves it alone.
   */
  authenticatedBy?: 'route';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const purposeHeader = 'x-purpose';
export const bearerSecurity = [{ bearerAuth: [] }];
export const allRoles: readonly ApiRole[] = ['administrator', 'chair', 'agency-practitioner', 'lead-professional', 'auditor', 'ops'];

/** The caller of a route that requires a token (set by the onRequest hook below). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error(`route ${req.routeOptions.url} reads a principal but declares no roles`);
  return req.principal;
}

export function purposeOf(req: FastifyRequest): string | undefined {
  const value = req.headers[purposeHeader];
  const purpose = (Array.isArray(value) ? value[0] : value)?.trim();
  return purpose ? purpose : undefined;
}

/**
 * Bearer-token authentication and role checks, before the body is even read: a caller without
 * a valid token gets 401, a role the route does not admit gets 403, and a read of a case without
 * a stated purpose gets 400.
 */
export function installAuthentication(app: FastifyInstance, opts: { verifier: TokenVerifier; now?: () => Date }): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access?.roles || access.authenticatedBy === 'route') return;
    const principal = (await authenticateToken(bearerToken(req.headers.authorization), opts.verifier, opts.now?.() ?? new Date())).principal;
    req.principal = principal;
    if (!access.roles.includes(principal.role)) {
      throw new ProblemError('forbidden', `The ${principal.role} role may not call ${req.method} ${req.routeOptions.url}${principal.role === 'auditor' ? ' (auditors read and never write)' : ''}.`);
    }
    if (access.purpose === 'required' && !purposeOf(req)) {
      throw new ProblemError('purpose-required', 'State why you are reading this case in the X-Purpose header; every read is logged with its purpose (Data Protection Act 2018 s62).', [
        { path: purposeHeader, message: 'required', in: 'headers' },
      ]);
    }
  });
}

const challenge = (error?: string) => ({ 'www-authenticate': `Bearer realm="hrda"${error ? `, error="${error}"` : ''}` });

/** The token of an `Authorization: Bearer` header, if there is one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/**
 * The principal a token proves, and when the token expires; 401 with a challenge when there is
 * no token or it is refused, 503 when the identity provider cannot be asked for its keys.
 */
export async function authenticateToken(token: string | undefined, verifier: TokenVerifier, now: Date, missing = 'Send a bearer token: Authorization: Bearer <JWT>.'): Promise<{ principal: Principal; exp: number }> {
  if (!token) throw new ProblemError('unauthenticated', missing, undefined, challenge());
  let verified;
  try {
    verified = await verifier.verify(token, now);
  } catch (err) {
    if (err instanceof IdentityProviderUnavailableError) throw new ProblemError('unavailable', 'The identity provider cannot be reached to check the token; try again shortly.');
    throw err;
  }
  if (!verified.ok) throw new ProblemError('unauthenticated', `The bearer token was not accepted: ${verified.reason}.`, undefined, challenge('invalid_token'));
  const { sub, role, agency, exp } = verified.claims;
  return { principal: { sub, role, ...(agency ? { agency } : {}) }, exp };
}
