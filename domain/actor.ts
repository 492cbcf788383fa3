import { z } from 'zod';

export const agencyIdSchema = z.string().max(64).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'agency identifiers are kebab-case, e.g. childrens-social-care');
export type AgencyId = z.infer<typeof agencyIdSchema>;

export const roles = ['administrator', 'chair', 'agency-practitioner', 'lead-professional', 'auditor', 'ops', 'system'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Who did something: every decision on a timeline names its actor (PROTOCOL.md §1.4, [004]). */
export const actorSchema = z.object({
  role: roleSchema,
  agency: agencyIdSchema.optional(),
  /** A person's name or staff reference; kept in the (encrypted) payload, never in logs. */
  name: z.string().min(1).max(200).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

/** The engine itself, when the protocol moves a case on by its own clock. */
export const systemActor: Actor = { role: 'system' };
