import { z } from 'zod';
import { agencyIdSchema, type AgencyId } from './actor';
import { addHours, addWorkingDays, addWorkingHours } from './calendar';
import { booleanFactSchema, countFactSchema, type BooleanFact, type CountFact, type FactName, type IncidentFacts } from './incident-facts';
import { referralFlags } from './referral';
import { workingHoursSchema, type Instant } from './time';

/**
 * Police information sharing with health and children's social care, and what those agencies
 * must then do, as profile data (001_d05a419fff4ecf95.txt: "Police — Information Sharing",
 * "Action following Police referrals to Health and Social Care", "Children Social Care — Guidance
 * for response"). A profile without the section shares nothing this way.
 */

/**
 * When a criterion is met, over the incident facts and flags. A tree of small conditions, so that
 * a protocol's list is written down as data and read by one pure function (criteriaMet).
 */
export type Condition =
  | { fact: BooleanFact }
  | { flag: (typeof referralFlags)[number] }
  | { atLeast: { fact: CountFact; value: number } }
  | { not: Condition }
  | { all: Condition[] }
  | { any: Condition[] };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ fact: booleanFactSchema }),
    z.strictObject({ flag: z.enum(referralFlags) }),
    z.strictObject({ atLeast: z.strictObject({ fact: countFactSchema, value: z.number().int().min(0) }) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
  ]),
);

const slug = z.string().max(64).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, e.g. crime-child-resident');

export const sharingCriterionSchema = z.object({
  id: slug,
  /** The protocol's own words, quoted on the timeline when the criterion is met. */
  text: z.string().min(1),
  when: conditionSchema,
});
export type SharingCriterion = z.infer<typeof sharingCriterionSchema>;

export const levelOfNeedSchema = z.object({ level: z.number().int().min(0), name: z.string().min(1) });
export type LevelOfNeed = z.infer<typeof levelOfNeedSchema>;

export const informationSharingSchema = z.object({
  /** Referrals from these agencies are decided against the criteria (the police's Care Plan). */
  from: z.array(agencyIdSchema).min(1),
  /** The referral is sent within this many clock hours of the incident; a later one is flagged late. */
  referralWithinHours: z.number().positive(),
  criteria: z.array(sharingCriterionSchema).min(1)
    .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'criterion ids must be unique'),
  /** Who receives the incident when any criterion is met. */
  shareWith: z.array(agencyIdSchema).min(1),
  /** Children's social care triage of a shared incident: a level of need, within office hours. */
  firstResponse: z.object({
    agency: agencyIdSchema,
    decisionWithinWorkingHours: z.number().positive(),
    workingHours: workingHoursSchema,
    levels: z.array(levelOfNeedSchema).min(1),
  }).optional(),
  /** Health passes the shared incident on to the people who hold the family's health caseload. */
  healthSharing: z.object({
    agency: agencyIdSchema,
    withinWorkingDays: z.number().int().min(1),
    /** Who the health agency may pass it to (caseload holders and services), kebab-case. */
    recipients: z.array(slug).min(1),
  }).optional(),
});
export type InformationSharingSection = z.infer<typeof informationSharingSchema>;

/** Whether the condition holds. A fact not given counts as not established (false, or a count of 0). */
export function conditionMet(when: Condition, facts: IncidentFacts, flags: readonly string[]): boolean {
  if ('fact' in when) return facts[when.fact] === true;
  if ('flag' in when) return flags.includes(when.flag);
  if ('atLeast' in when) return (facts[when.atLeast.fact] ?? 0) >= when.atLeast.value;
  if ('not' in when) return !conditionMet(when.not, facts, flags);
  if ('all' in when) return when.all.every((c) => conditionMet(c, facts, flags));
  return when.any.some((c) => conditionMet(c, facts, flags));
}

/** The facts a condition reads: each one a referral under the profile must answer. */
export function factsRead(when: Condition): FactName[] {
  if ('fact' in when) return [when.fact];
  if ('flag' in when) return [];
  if ('atLeast' in when) return [when.atLeast.fact];
  if ('not' in when) return factsRead(when.not);
  return [...new Set(('all' in when ? when.all : when.any).flatMap(factsRead))];
}

export function factsReadBy(section: InformationSharingSection): FactName[] {
  return [...new Set(section.criteria.flatMap((c) => factsRead(c.when)))];
}

/** The incident as the decision reads it; nothing else of the referral plays a part. */
export interface SharedIncident {
  referrer: AgencyId;
  occurredAt: Instant;
  receivedAt: Instant;
  facts: IncidentFacts;
  flags: readonly string[];
}

export interface SharingDecision {
  /** The criteria met, in the profile's order. */
  criteria: SharingCriterion[];
  /** Empty when no criterion is met: nothing is shared. */
  shareWith: AgencyId[];
}

/** Whether the section decides this referral at all (a referral from another agency is not a police incident). */
export const sharingApplies = (section: InformationSharingSection, referrer: AgencyId): boolean => section.from.includes(referrer);

/** The police decision: which criteria the incident meets, and so who it is shared with. */
export function decideSharing(section: InformationSharingSection, incident: SharedIncident): SharingDecision {
  const criteria = section.criteria.filter((c) => conditionMet(c.when, incident.facts, incident.flags));
  return { criteria, shareWith: criteria.length ? [...section.shareWith] : [] };
}

export interface SharingDeadlines {
  /** The incident plus the referral period: when the referral should have been sent by. */
  referralDueBy: Instant;
  late: boolean;
  /** Only when the incident is shared and the profile has the stage. */
  firstResponseDueBy?: Instant;
  healthSharingDueBy?: Instant;
}

/**
 * Every deadline the sharing sets, as absolute instants: the referral within its clock hours of the
 * incident; First Response's decision within its working hours of receipt (office hours on working
 * days only); health's sharing within its working days of receipt.
 */
export function sharingDeadlines(section: InformationSharingSection, incident: SharedIncident, shared: boolean): SharingDeadlines {
  const referralDueBy = addHours(incident.occurredAt, section.referralWithinHours);
  const { firstResponse, healthSharing } = section;
  return {
    referralDueBy,
    late: incident.receivedAt > referralDueBy,
    ...(shared && firstResponse ? { firstResponseDueBy: addWorkingHours(incident.receivedAt, firstResponse.decisionWithinWorkingHours, firstResponse.workingHours) } : {}),
    ...(shared && healthSharing ? { healthSharingDueBy: addWorkingDays(incident.receivedAt, healthSharing.withinWorkingDays) } : {}),
  };
}

const text = z.string().trim().min(1).max(20_000);
const shortText = z.string().trim().min(1).max(500);

/** Each action's own fields (domain/case-commands.ts adds `actor`). */
export const informationSharingCommandFields = {
  /** First Response's triage: the level of need on the profile's levels (Trafford: 2–5), and why. */
  recordFirstResponseDecision: z.object({
    level: z.number().int(),
    rationale: text,
    riskFactors: z.array(shortText).max(30).default([]),
    protectiveFactors: z.array(shortText).max(30).default([]),
  }),
  /** Health has passed the incident on to the caseload holders named (one of the profile's recipients each). */
  recordHealthSharing: z.object({
    sharedWith: z.array(slug).min(1).max(10).transform((xs) => [...new Set(xs)]),
    note: text.optional(),
  }),
} as const;

/**
 * What a referral made under the section must also carry: the facts its criteria read, when it
 * comes from an agency the criteria decide (each missing one named by its path).
 */
export function missingFactIssues(section: InformationSharingSection | undefined, profileId: string, referrer: unknown, facts: unknown): { path: string; message: string }[] {
  if (!section || typeof referrer !== 'string' || !sharingApplies(section, referrer)) return [];
  const needed = factsReadBy(section);
  const given = (facts && typeof facts === 'object' ? facts : {}) as Record<string, unknown>;
  const why = `${profileId} decides whether a ${referrer} incident is shared with ${section.shareWith.join(' and ')} from it`;
  if (!facts || typeof facts !== 'object') return [{ path: 'incident.facts', message: `required: ${why} (${needed.join(', ')})` }];
  return needed.filter((f) => given[f] === undefined).map((f) => ({ path: `incident.facts.${f}`, message: `required: ${why}` }));
}
