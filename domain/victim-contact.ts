import { z } from 'zod';
import { agencyIdSchema } from './actor';
import { riskSchema, type Risk } from './referral';

/**
 * Who contacts the victim to offer support after the daily meeting ([002] 2.45–2.50). The
 * guidelines of who is best placed (2.46–2.49) are shown when an outcome is refused; the limit
 * is enforced: in a medium-risk case the meeting sets no more than one agency to contact the
 * victim (2.50). An action that contacts the victim says so (`contactsVictim` on the action).
 */
export const victimContactRulesSchema = z.object({
  /** 2.50: the most agencies an outcome may set to contact the victim, by the confirmed risk level. */
  maxAgencies: z.partialRecord(riskSchema, z.number().int().min(1)),
  /** 2.46–2.49: who is generally best placed, by level and whether children are linked. */
  bestPlaced: z.array(z.object({
    risk: riskSchema,
    childrenLinked: z.boolean().optional(),
    agency: agencyIdSchema,
    /** The protocol paragraph, quoted in refusals. */
    paragraph: z.string().min(1),
  })).default([]),
});
export type VictimContactRules = z.infer<typeof victimContactRulesSchema>;

/** Why the actions set too many agencies to contact the victim, or undefined. */
export function victimContactProblem(
  rules: VictimContactRules | undefined,
  risk: Risk,
  childrenLinked: boolean,
  actions: readonly { id: string; owner: string; contactsVictim?: boolean | undefined }[],
): string | undefined {
  const max = rules?.maxAgencies[risk];
  if (!rules || max === undefined) return undefined;
  const contacting = actions.filter((a) => a.contactsVictim);
  const agencies = [...new Set(contacting.map((a) => a.owner))];
  if (agencies.length <= max) return undefined;
  const guide = rules.bestPlaced.find((g) => g.risk === risk && (g.childrenLinked === undefined || g.childrenLinked === childrenLinked));
  return `in a ${risk}-risk case no more than ${max} agenc${max === 1 ? 'y contacts' : 'ies contact'} the victim to offer support ([002] 2.50); `
    + `the outcome sets ${agencies.length} (${contacting.map((a) => `${a.id}: ${a.owner}`).join(', ')})`
    + (guide ? `. The protocol's guideline for a ${risk}-risk case${guide.childrenLinked === undefined ? '' : guide.childrenLinked ? ' with children linked' : ' with no children linked'} is ${guide.agency} (${guide.paragraph})` : '');
}
