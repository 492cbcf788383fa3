import { z } from 'zod';

/**
 * Equality monitoring of the victim, as the SafeLives Marac data return asks for it: whether the
 * victim is male, Black, Asian or racially minoritised, LGBT+, disabled, and aged 16–17 (the last
 * from the date of birth every referral carries). Every field is optional: a referral without
 * them is as valid as before (CONTRACT.md §1), and the return counts them as "not recorded".
 * "prefer-not-to-say" records that the victim was asked and declined, which is counted apart.
 *
 * This is special category personal data: it lives in the referral (an encrypted payload) and is
 * only ever reported as counts, never in search attributes, logs or redacted views.
 */
export const genders = ['female', 'male', 'non-binary', 'other', 'prefer-not-to-say'] as const;

/**
 * The ethnic groups of the 2021 Census for England and Wales (the five high-level groups, with the
 * White group split so that Gypsy, Irish Traveller and Roma victims, who are racially minoritised,
 * can be counted as such).
 */
export const ethnicities = [
  'asian', 'black', 'mixed', 'other-ethnic-group',
  'white-british', 'white-irish', 'white-gypsy-or-irish-traveller', 'white-roma', 'white-other',
  'prefer-not-to-say',
] as const;

/** Black, Asian or racially minoritised, as the return counts it (decision: see docs/safelives-return.md). */
export const racialMinorityEthnicities: readonly (typeof ethnicities)[number][] = [
  'asian', 'black', 'mixed', 'other-ethnic-group', 'white-gypsy-or-irish-traveller', 'white-roma',
];

export const sexualities = ['heterosexual', 'gay-or-lesbian', 'bisexual', 'other', 'prefer-not-to-say'] as const;

const yesNoDeclined = z.union([z.boolean(), z.literal('prefer-not-to-say')]);

export const equalityMonitoringSchema = z.object({
  gender: z.enum(genders).optional(),
  /** Whether the victim's gender identity differs from the sex registered at birth. */
  transgender: yesNoDeclined.optional(),
  ethnicity: z.enum(ethnicities).optional(),
  sexuality: z.enum(sexualities).optional(),
  /** A physical or mental impairment with a long-term effect on day-to-day life (Equality Act 2010 s.6). */
  disability: yesNoDeclined.optional(),
});

export type EqualityMonitoring = z.infer<typeof equalityMonitoringSchema>;
export type Gender = (typeof genders)[number];
export type Ethnicity = (typeof ethnicities)[number];
export type Sexuality = (typeof sexualities)[number];

/** How one yes/no question of the return is answered for a case. */
export type Answer = 'yes' | 'no' | 'declined' | 'not-recorded';

/** Whole years between a date of birth and a local date (both YYYY-MM-DD); birthdays on 29 February fall on 1 March. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export const ageBands = ['under 16', '16-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65 and over'] as const;
export type AgeBand = (typeof ageBands)[number];

export function ageBand(age: number): AgeBand {
  if (age < 16) return 'under 16';
  if (age < 18) return '16-17';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65 and over';
}

const yesNo = (v: boolean | 'prefer-not-to-say' | undefined): Answer =>
  v === undefined ? 'not-recorded' : v === 'prefer-not-to-say' ? 'declined' : v ? 'yes' : 'no';

export function isMale(e: EqualityMonitoring | undefined): Answer {
  const g = e?.gender;
  if (g === undefined) return 'not-recorded';
  if (g === 'prefer-not-to-say') return 'declined';
  return g === 'male' ? 'yes' : 'no';
}

export function isRaciallyMinoritised(e: EqualityMonitoring | undefined): Answer {
  const x = e?.ethnicity;
  if (x === undefined) return 'not-recorded';
  if (x === 'prefer-not-to-say') return 'declined';
  return racialMinorityEthnicities.includes(x) ? 'yes' : 'no';
}

/**
 * LGBT+: lesbian, gay, bisexual or another minority sexuality, transgender, or non-binary.
 * Any one of those makes it "yes"; "no" needs both a recorded heterosexual sexuality and a
 * recorded "not transgender" (a gender of non-binary counts as yes on its own); otherwise the
 * answer is "declined" when the victim declined a question, and "not recorded" when not asked.
 */
export function isLgbtPlus(e: EqualityMonitoring | undefined): Answer {
  const s = e?.sexuality;
  const t = e?.transgender;
  if ((s !== undefined && s !== 'heterosexual' && s !== 'prefer-not-to-say') || t === true || e?.gender === 'non-binary') return 'yes';
  if (s === 'heterosexual' && t === false) return 'no';
  if (s === 'prefer-not-to-say' || t === 'prefer-not-to-say') return 'declined';
  return 'not-recorded';
}

/**
 * Disability from the monitoring answer only. The referral's "disability" flag is not read as a
 * yes: the flags do not say whose disability it is (the victim's, the perpetrator's, a child's).
 */
export const isDisabled = (e: EqualityMonitoring | undefined): Answer => yesNo(e?.disability);
