import { z } from 'zod';
import { agencyIdSchema, roleSchema } from './actor';

/**
 * Who may call the HTTP API: the claims of its bearer tokens (issue 6, "who may do what").
 * `system` is the engine's own role and is never held by a person.
 */
export const apiRoleSchema = roleSchema.exclude(['system']);
export type ApiRole = z.infer<typeof apiRoleSchema>;
export const apiRoles = apiRoleSchema.options;

/** Roles that see and act only on the cases their agency is involved in. */
export const agencyScopedRoles = ['agency-practitioner', 'lead-professional'] as const satisfies readonly ApiRole[];
export const isAgencyScoped = (role: ApiRole): role is (typeof agencyScopedRoles)[number] =>
  (agencyScopedRoles as readonly ApiRole[]).includes(role);

/** Roles that may change a case: auditors read everything and write nothing; ops only look. */
export const writingRoles = ['administrator', 'chair', 'agency-practitioner', 'lead-professional'] as const satisfies readonly ApiRole[];

export const tokenClaimsSchema = z
  .object({
    /** The person or service account: a staff reference, written as `actor.name` on the timeline. */
    sub: z.string().trim().min(1).max(200),
    role: apiRoleSchema,
    agency: agencyIdSchema.optional(),
    /** Seconds since the epoch (RFC 7519 NumericDate); a token without an expiry is refused. */
    exp: z.number().int(),
    iat: z.number().int().optional(),
    nbf: z.number().int().optional(),
  })
  .superRefine((claims, ctx) => {
    if (isAgencyScoped(claims.role) && !claims.agency) {
      ctx.addIssue({ code: 'custom', path: ['agency'], message: `a ${claims.role} token names the agency it acts for` });
    }
  });
export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** The caller, as the API sees it once the token is verified. */
export type Principal = Pick<TokenClaims, 'sub' | 'role' | 'agency'>;
