import { z } from 'zod';
import { agencyIdSchema } from './actor';
import { riskSchema } from './referral';
import { routeSchema } from './timeline';
import { localDateSchema } from './time';

/**
 * true/false, yes/no, 1/0, on/off, y/n, enabled/disabled: the words themselves, so that the OpenAPI
 * document lists what the server takes (a bare string would promise any text).
 */
const trueWords = ['true', '1', 'yes', 'on', 'y', 'enabled'] as const;
const falseWords = ['false', '0', 'no', 'off', 'n', 'disabled'] as const;
const flag = z.enum([...trueWords, ...falseWords]).transform((w) => (trueWords as readonly string[]).includes(w));

/** Filters for listing cases (API query string and `hrda case list` options alike). */
export const caseFiltersSchema = z.object({
  stage: z.enum(['received', 'preparing', 'at-meeting', 'monitoring', 'closed', 'screening', 'rag-rating', 'triage', 'mash-meeting']).optional(),
  risk: riskSchema.optional(),
  route: routeSchema.optional(),
  overdue: flag.optional(),
  /** Cases whose next meeting falls on this Europe/London date. */
  meetingDate: localDateSchema.optional(),
  agency: agencyIdSchema.optional(),
  profile: z.string().max(64).regex(/^[a-z0-9-]+$/).optional(),
  /** Only restricted cases (true) or only unrestricted ones (false); a list never shows more than the caller may see. */
  restricted: flag.optional(),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type CaseFilters = z.infer<typeof caseFiltersSchema>;
