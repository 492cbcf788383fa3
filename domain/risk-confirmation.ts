import { z } from 'zod';
import { plusDuration } from './duration';
import { referralFlags, riskSchema, type Risk } from './referral';
import { instantInputSchema } from './time';
import type { Instant } from './time';

/**
 * The chair's risk confirmation at the daily meeting ([002] 2.26, 2.37–2.41): every
 * representative confirms whether the case is standard, medium or high risk, by the protocol's
 * definitions (2.37). Strangulation, coercive control, weapons and rape are triggers for high
 * risk (2.39); honour-based violence, a vulnerable victim and a high-risk perpetrator are other
 * factors (2.40). A trigger in an incident more than 12 months old is not current high risk
 * unless the disclosure triggers a police investigation (2.41).
 */
const kebab = z.string().max(64).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, e.g. vulnerable-victim');

export const riskConfirmationSchema = z.object({
  /** 2.37: what each level means, shown with the confirmation. */
  definitions: z.object({ high: z.string().min(1), medium: z.string().min(1), standard: z.string().min(1) }),
  /** 2.39: referral flags that are triggers for high risk. */
  triggers: z.array(z.enum(referralFlags)).min(1),
  /** 2.40: the other factors a chair may name. */
  factors: z.array(kebab).max(20).default([]),
  /** 2.41: a trigger older than this many months is historic unless it triggers a police investigation. */
  historicAfterMonths: z.number().int().min(1),
});
export type RiskConfirmationRules = z.infer<typeof riskConfirmationSchema>;

const text = z.string().trim().min(1).max(20_000);

/** The command's own fields (domain/case-commands.ts adds `actor`). */
export const riskConfirmationCommandFields = {
  confirmRisk: z.object({
    risk: riskSchema,
    /**
     * Triggers disclosed beyond the referral's own incident (whose flags count by themselves): what,
     * when it happened, and whether the disclosure triggers a police investigation (2.41).
     */
    disclosures: z.array(z.object({
      trigger: z.enum(referralFlags),
      occurredAt: instantInputSchema,
      policeInvestigation: z.boolean().default(false),
    })).max(50).default([]),
    /** 2.40 factors, by the profile's names. */
    factors: z.array(kebab).max(20).default([]),
    rationale: text,
  }),
} as const;

export interface TriggerAt {
  trigger: string;
  occurredAt: Instant;
  policeInvestigation: boolean;
}

/** 2.41: current when it happened within the period before `at`, or when it triggers a police investigation. */
export function isCurrent(rules: RiskConfirmationRules, t: TriggerAt, at: Instant): boolean {
  return t.policeInvestigation || plusDuration(t.occurredAt, `P${rules.historicAfterMonths}M`) > at;
}

export interface RiskConfirmation {
  at: Instant;
  risk: Risk;
  from: Risk;
  currentTriggers: string[];
  historicTriggers: string[];
  factors: string[];
  rationale: string;
}
