import { z } from 'zod';
import { agencyIdSchema } from './actor';
import { localDateSchema } from './time';

/**
 * [002] 2.22, 2.24: the police may not know of children linked to the victim or perpetrator, so
 * the agencies confirm that a case on the "no children linked" list really has none. Children an
 * agency finds are linked to the case, and the agenda is re-ordered (the case moves to the
 * children-linked list).
 */
export const childrenCheckCommandFields = {
  recordChildrenCheck: z.object({
    /** Children the agencies found linked to the victim or perpetrator; none when they confirm there are none. */
    found: z.array(z.object({ name: z.string().trim().min(1).max(200), dateOfBirth: localDateSchema })).max(20).default([]),
    /** The agency whose records showed them. */
    foundBy: agencyIdSchema.optional(),
  }),
} as const;
