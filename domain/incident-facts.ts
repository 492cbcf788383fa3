import { z } from 'zod';

/**
 * What the attending officer records about an incident, from which the police decide whether it
 * is shared with health and children's social care (001_d05a419fff4ecf95.txt, "Police —
 * Information Sharing"). Each fact answers one question of that list; a profile's criteria
 * (domain/information-sharing.ts) read them. Every fact is optional here: the profile says which
 * ones a referral made under it must answer (domain/referral-validation.ts).
 */
export const incidentFactsSchema = z.object({
  /** A crime was recorded for the incident. */
  crimeRecorded: z.boolean().optional(),
  /** A child under 18 resides at the location. */
  childResident: z.boolean().optional(),
  /** Domestic abuse incidents reported at the location in the 12 months before this one. */
  previousIncidentsIn12Months: z.number().int().min(0).max(500).optional(),
  /** The victim or the informant is pregnant. */
  victimOrInformantPregnant: z.boolean().optional(),
  /** A child under 18 is a victim or a perpetrator (actively involved). */
  childActivelyInvolved: z.boolean().optional(),
  /** A child under 18 called the police. */
  childCalledPolice: z.boolean().optional(),
  /** The address carries a child abuse marker. */
  childAbuseMarker: z.boolean().optional(),
  /** The officer deems the incident so serious that information must be shared. */
  deemedSerious: z.boolean().optional(),
  /** The incident follows an earlier information sharing or referral (a notification). */
  followsPreviousSharing: z.boolean().optional(),
  /** The perpetrator is subject to a licence or a community order. */
  perpetratorOnLicenceOrOrder: z.boolean().optional(),
});
export type IncidentFacts = z.infer<typeof incidentFactsSchema>;

export const booleanFacts = [
  'crimeRecorded', 'childResident', 'victimOrInformantPregnant', 'childActivelyInvolved', 'childCalledPolice',
  'childAbuseMarker', 'deemedSerious', 'followsPreviousSharing', 'perpetratorOnLicenceOrOrder',
] as const satisfies readonly (keyof IncidentFacts)[];
export const countFacts = ['previousIncidentsIn12Months'] as const satisfies readonly (keyof IncidentFacts)[];
export const booleanFactSchema = z.enum(booleanFacts);
export const countFactSchema = z.enum(countFacts);
export type BooleanFact = z.infer<typeof booleanFactSchema>;
export type CountFact = z.infer<typeof countFactSchema>;
export type FactName = BooleanFact | CountFact;
