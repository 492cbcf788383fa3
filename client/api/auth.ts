import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiRole, Principal } from '../../domain/auth';
import { verifyToken } from './jwt';
import { ProblemError } from './problem';

/** Who may call a route (its `config.access`); a route without `roles` is public. */
export interface RouteAccess {
  roles?: readonly ApiRole[];
  /** Reads of a case state their purpose in `X-Purpose`, except an auditor's (who reads to audit). */
  purpose?: 'required';
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
export function installAuthentication(app: FastifyInstance, opts: { secret: string; now?: () => Date }): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access?.roles) return;
    const principal = authenticate(req.headers.authorization, opts.secret, opts.now?.() ?? new Date());
    req.principal = principal;
    if (!access.roles.includes(principal.role)) {
      throw new ProblemError('forbidden', `The ${principal.role} role may not call ${req.method} ${req.routeOptions.url}${principal.role === 'auditor' ? ' (auditors read and never write)' : ''}.`);
    }
    if (access.purpose === 'required' && principal.role !== 'auditor' && !purposeOf(req)) {
      throw new ProblemError('purpose-required', 'State why you are reading this case in the X-Purpose header; every read is logged with its purpose (Data Protection Act 2018 s62).', [
        { path: purposeHeader, message: 'required', in: 'headers' },
      ]);
    }
  });
}

function authenticate(authorization: string | undefined, secret: string, now: Date): Principal {
  const challenge = (error?: string) => ({ 'www-authenticate': `Bearer realm="hrda"${error ? `, error="${error}"` : ''}` });
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new ProblemError('unauthenticated', 'Send a bearer token: Authorization: Bearer <JWT>.', undefined, challenge());
  const verified = verifyToken(match[1]!, secret, Math.floor(now.getTime() / 1000));
  if (!verified.ok) throw new ProblemError('unauthenticated', `The bearer token was not accepted: ${verified.reason}.`, undefined, challenge('invalid_token'));
  const { sub, role, agency } = verified.claims;
  return { sub, role, ...(agency ? { agency } : {}) };
}
