import { z } from 'zod';
import { actorSchema, agencyIdSchema } from './actor';
import type { Profile } from './profile';
import { instantInputSchema } from './time';

/**
 * A disagreement between agencies, run through the profile's escalation protocol
 * (PROTOCOL.md §1.6, [000 Appendix 1]): what starts one, and what the parties can do to it.
 */
const text = z.string().trim().min(1).max(20_000);

/** Dispute ids appear in workflow ids: opaque and short, never personal data. */
export const disputeIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" (it is part of a workflow id, so never a name)');

export const disputeStartSchema = z.object({
  caseId: z.string().min(1).max(128),
  disputeId: disputeIdSchema,
  profileId: z.string().min(1),
  /** One of the profile's areas of disagreement (`escalation.areas`). */
  area: z.string().min(1),
  raisedBy: agencyIdSchema,
  with: z.array(agencyIdSchema).min(1, 'a dispute is with at least one other agency'),
  /** What the disagreement is about, in the raiser's words (payloads only: may name people). */
  matter: text,
  /** When it was raised: the escalation's first clock starts here. */
  raisedAt: instantInputSchema,
  raisedByActor: actorSchema,
});
export type DisputeStart = z.infer<typeof disputeStartSchema>;

/** What the parties do to an open dispute: one schema per action, each naming who acts. */
export const disputeActionSchemas = {
  /** A document at the current step; at a `written-response` step it is the Strategic Lead's written response. */
  respond: z.object({ response: text, actor: actorSchema }),
  /** A party escalates to the next step before the current step's deadline. */
  advance: z.object({ rationale: text, actor: actorSchema }),
  /** The agreement reached, and what was learnt (PROTOCOL.md §1.6: learning is fed back). */
  resolve: z.object({ agreement: text, learning: text.optional(), actor: actorSchema }),
} as const;

export type DisputeActionName = keyof typeof disputeActionSchemas;
export type DisputeAction<N extends DisputeActionName> = z.infer<(typeof disputeActionSchemas)[N]>;
export const disputeActionNames = Object.keys(disputeActionSchemas) as DisputeActionName[];

export type EscalationStep = Profile['escalation']['steps'][number];

export interface DisputeIssue {
  path: string[];
  message: string;
}

/**
 * What a well-formed start input still gets wrong against its profile: an area the profile does
 * not list, or an agency its directory does not know (every party is notified at every step, and
 * only directory agencies can be). Empty when the dispute can start.
 */
export function disputeStartIssues(profile: Profile, start: DisputeStart): DisputeIssue[] {
  const issues: DisputeIssue[] = [];
  const known = new Set(profile.agencies.map((a) => a.id));
  if (!profile.escalation.areas.includes(start.area)) {
    issues.push({ path: ['area'], message: `must be one of the areas of ${profile.id}: ${profile.escalation.areas.join(', ')}` });
  }
  if (!known.has(start.raisedBy)) issues.push({ path: ['raisedBy'], message: `${start.raisedBy} is not an agency of ${profile.id}` });
  start.with.forEach((agency, i) => {
    if (!known.has(agency)) issues.push({ path: ['with', String(i)], message: `${agency} is not an agency of ${profile.id}` });
    else if (agency === start.raisedBy) issues.push({ path: ['with', String(i)], message: `${agency} raised the dispute; list the other agencies it is with` });
    else if (start.with.indexOf(agency) !== i) issues.push({ path: ['with', String(i)], message: `${agency} is listed twice` });
  });
  return issues;
}
