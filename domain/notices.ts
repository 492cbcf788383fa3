import { z } from 'zod';
import { multiLineText, textLimits } from './text';
import type { Actor } from './actor';
import { plusDuration } from './duration';
import { instantInputSchema } from './time';
import type { Instant } from './time';

/**
 * DVDS and DVPO as items of their own on a case (issue 8 item 4; [002] sections 4 and 5, [001]).
 *
 * - DVDS (the Domestic Violence Disclosure Scheme, "Clare's Law"): a disclosure under the right to
 *   ask (the victim asks) or the right to know (agencies decide to tell). The wording of what is
 *   disclosed is agreed at the daily meeting and signed off by the Police before anything is said.
 * - DVPO (Domestic Violence Protection Order): made by a magistrates' court for 14 to 28 days
 *   (Crime and Security Act 2010 s.28(10)); its date, length, protected premises and terms are
 *   circulated to the agencies on the case, its expiry is written on the timeline when it comes,
 *   and a breach is reportable while it is in force.
 */
const itemId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"');
const text = multiLineText(textLimits.note);

export const dvdsRoutes = ['right-to-ask', 'right-to-know'] as const;
export const dvdsRouteSchema = z.enum(dvdsRoutes);
export type DvdsRoute = z.infer<typeof dvdsRouteSchema>;

/** DVPOs last not less than 14 and not more than 28 days. */
export const dvpoDays = { min: 14, max: 28 } as const;

/** Each notice action's own fields (domain/case-commands.ts adds `actor`). */
export const noticeCommandFields = {
  /** The disclosure and its wording as agreed at the daily meeting. */
  recordDvds: z.object({ dvdsId: itemId, route: dvdsRouteSchema, wording: text }),
  /** The Police sign the agreed wording off; the actor's agency must be the profile's signing agency. */
  signOffDvds: z.object({ dvdsId: itemId }),
  recordDvpo: z.object({
    dvpoId: itemId,
    /** When the court made the order. */
    madeAt: instantInputSchema,
    days: z.number().int().min(dvpoDays.min).max(dvpoDays.max),
    protectedPremises: text,
    terms: z.array(text).min(1, 'a DVPO has at least one term').max(50),
  }),
  reportDvpoBreach: z.object({ dvpoId: itemId, occurredAt: instantInputSchema, details: text }),
} as const;

export interface DvdsItem {
  dvdsId: string;
  route: DvdsRoute;
  wording: string;
  agreedAt: Instant;
  /** The daily meeting at which the wording was agreed. */
  meetingAt: Instant;
  agreedBy: Actor;
  signedOff: { at: Instant; by: Actor } | null;
}

export interface DvpoItem {
  dvpoId: string;
  madeAt: Instant;
  days: number;
  expiresAt: Instant;
  protectedPremises: string;
  terms: string[];
  recordedAt: Instant;
  recordedBy: Actor;
  breaches: { occurredAt: Instant; reportedAt: Instant; details: string; by: Actor }[];
  expired: boolean;
}

export interface Notices {
  dvds: DvdsItem[];
  dvpos: DvpoItem[];
}

export const noNotices = (): Notices => ({ dvds: [], dvpos: [] });

/** A DVPO runs for its number of days from the moment it was made (London calendar days). */
export const dvpoExpiresAt = (madeAt: Instant, days: number): Instant => new Date(plusDuration(madeAt, `P${days}D`)).toISOString();
