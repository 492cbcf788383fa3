import { z } from 'zod';
import { multiLineText, textLimits } from './text';
import { agencyIdSchema } from './actor';
import { isoDurationSchema as duration } from './iso-duration';
import { riskSchema } from './referral';
import { instantInputSchema, localTimeSchema, weekdaySchema, weeklySlotSchema } from './time';

/**
 * The MARAC a daily meeting refers its high-risk cases on to ([002] 2.53–2.54, section 3): a
 * meeting of its own kind, every two weeks, to which the daily meeting refers a case in one of
 * three categories with a rationale (2.28). Its papers go out by close of business on the Friday
 * before (3.4); it hears the DVDS items, then the cases in category order, each in date order
 * (3.7), after the actions outstanding from the previous MARAC (3.12).
 *
 * Why a meeting kind of its own rather than a generalised monthly HRDAP: the HRDAP's chairs
 * quality-assure each request before its papers go out and may return it, and a request made
 * after the QA point waits a month; the MARAC has no QA step and no returns, orders its agenda by
 * category, and opens with the previous MARAC's outstanding actions. What both share — a series
 * of dates, a papers deadline before each, outcomes forwarded to the cases, minutes after — is
 * the meeting host (workflows/meeting-host.ts) and profile data (a fortnightly weekly slot).
 */
export const maracCategories = ['information-only', 'significant-update', 'full-discussion'] as const;
export const maracCategorySchema = z.enum(maracCategories);
export type MaracCategory = z.infer<typeof maracCategorySchema>;


export const maracSchema = z.object({
  name: z.string().min(1).default('MARAC'),
  /** When it sits: a weekly slot held every two weeks from a known date ([002] 3.8). */
  slots: z.array(weeklySlotSchema).min(1),
  /**
   * [002] 3.4: the papers go out by this time on the last such weekday before the meeting; when
   * that day is not a working day, on the working day before it.
   */
  papersDue: z.object({ weekday: weekdaySchema, at: localTimeSchema }),
  /** [002] 2.53: the daily meeting must refer these on before its outcome stands. */
  referralRequired: z.object({ risks: z.array(riskSchema).default(['high']), repeats: z.boolean().default(false) }),
  /** [002] 3.7: agenda order keys (machines/meeting/agenda-order.ts); ties go by time received. */
  agendaOrder: z.array(z.enum(['dvds-first', 'marac-category'])).default(['dvds-first', 'marac-category']),
  /** [002] 3.10: the chair's agency. */
  chair: agencyIdSchema.optional(),
  duration: duration.default('PT3H'),
  /** After the start: outcomes are taken until then, and the minutes and action plan go out. */
  outcomesBy: duration.default('PT8H'),
  /** Agencies that receive the papers and the minutes ([002] 3.2); the information-request list when unset. */
  attendees: z.array(agencyIdSchema).optional(),
});
export type MaracRules = z.infer<typeof maracSchema>;

const text = multiLineText(textLimits.note);
const actionId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"');

/** The commands' own fields (domain/case-commands.ts adds `actor`). */
export const maracCommandFields = {
  /** [002] 2.28, 2.54: the daily meeting refers the case on, in a category, with a clear rationale. */
  referToMarac: z.object({ category: maracCategorySchema, rationale: text }),
  /** [002] 3.17–3.23, 3.33: what the MARAC found and the actions it set. */
  recordMaracOutcome: z.object({
    risks: z.array(text).max(50).default([]),
    actions: z.array(z.object({
      id: actionId,
      owner: agencyIdSchema,
      description: text,
      dueAt: instantInputSchema.optional(),
      contactsVictim: z.boolean().optional(),
    })).max(50).default([]),
    rationale: text,
  }),
} as const;
