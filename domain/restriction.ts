import { z } from 'zod';
import { actorSchema, agencyIdSchema } from './actor';
import type { Principal } from './auth';
import { referralFlags } from './referral';
import { instantSchema } from './time';

/**
 * Restricted cases (issue 7 item 3; 003_bc8e99d0a5350bae.txt §18.3): honour-based violence and
 * forced-marriage cases, and any case a chair restricts, are read in full only by a named
 * need-to-know list, with Police as the lead agency.
 *
 * The list names people, not agencies or roles: each entry is the `sub` of a staff member's API
 * token (domain/auth.ts), the same staff reference the timeline writes as `actor.name`. An agency
 * or a role would let everyone in a shared mailbox or on a rota read the case, which is what §18.2
 * warns against.
 */
export const staffSubSchema = z.string().trim().min(1).max(200).regex(/^[^\s,]+$/, 'a staff reference (the `sub` of their API token): no spaces or commas');

const uniqueSubs = (subs: string[]) => new Set(subs).size === subs.length;

export const needToKnowSchema = z.array(staffSubSchema).min(1, 'name at least one person who needs to know').max(50)
  .refine(uniqueSubs, 'each person is named once');

/** What restricted a case: the referral's flags at intake, or a chair's decision. */
export const restrictionBasisSchema = z.enum(['referral-flags', 'chair']);
export type RestrictionBasis = z.infer<typeof restrictionBasisSchema>;

export const restrictionSchema = z.object({
  since: instantSchema,
  basis: restrictionBasisSchema,
  /** The referral flags that restricted it at intake (empty when a chair did). */
  flags: z.array(z.enum(referralFlags)),
  rationale: z.string(),
  by: actorSchema,
  /** Staff references (token `sub`s) that read the case in full. May be empty until a chair names people. */
  needToKnow: z.array(staffSubSchema),
  /** The lead agency of a restricted case (§18.3: the police). */
  leadAgency: agencyIdSchema,
});
export type Restriction = z.infer<typeof restrictionSchema>;

/** The fields of a case that decide who reads it; CaseView and CaseSkeleton both carry them. */
export interface RestrictionMarks {
  restricted?: boolean;
  needToKnow?: readonly string[];
}

/**
 * How much of a restricted case a caller may read:
 * - `full`: people on the need-to-know list, and auditors (every read of theirs is access-logged);
 * - `skeleton`: chairs not on the list — they administer restriction (§18.3's service manager:
 *   restrict, amend the list) and so must know the case exists, but see no personal data — and ops,
 *   on the list or not (ops never see personal data);
 * - `hidden`: everyone else. The API answers 404, as for a case that does not exist, because that an
 *   honour-based violence case exists for a family is itself sensitive (§18.2).
 * An unrestricted case is `full` here: the ordinary role and agency rules (client/api/permissions.ts) apply.
 */
export type RestrictedAccess = 'full' | 'skeleton' | 'hidden';

export function restrictedAccess(principal: Pick<Principal, 'sub' | 'role'>, c: RestrictionMarks): RestrictedAccess {
  if (!c.restricted) return 'full';
  if (principal.role === 'auditor') return 'full';
  if (principal.role === 'ops') return 'skeleton';
  if (c.needToKnow?.includes(principal.sub)) return 'full';
  if (principal.role === 'chair') return 'skeleton';
  return 'hidden';
}

/**
 * Whether the caller may read the case's personal data as far as restriction is concerned. For the
 * codec server (which decides per payload once payloads name their case): a caller for whom this is
 * false must be shown payloads of the case encoded.
 */
export const canRead = (principal: Pick<Principal, 'sub' | 'role'>, c: RestrictionMarks): boolean =>
  restrictedAccess(principal, c) === 'full';

/** The profile's flags present on a referral: a non-empty result restricts the case at intake. */
export function restrictingFlags(flags: readonly string[], restrictedFlags: readonly string[]): (typeof referralFlags)[number][] {
  return restrictedFlags.filter((f) => flags.includes(f)) as (typeof referralFlags)[number][];
}
