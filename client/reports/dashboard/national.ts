/**
 * The national figures SafeLives asks each Marac to review its own against, in one place with their
 * source, so that a new national dataset changes this file alone.
 *
 * Source: SafeLives' Marac national dataset and its guidance that each Marac review its figures
 * against the national ones, as quoted in issue 21 (check them against the latest dataset each year): 47 cases per 10,000 adult women nationally against a recommended 40; repeats about 31%
 * nationally against a recommended 28–40%; referrals from partner agencies (not the police) 36%.
 * SafeLives publishes national equality figures too; they are not set here until someone checks them
 * against the current dataset, and the dashboard says "no national figure" meanwhile.
 */
export interface NationalFigure {
  national: number;
  /** The range SafeLives recommends, where it gives one; a level (min = max) is "about" that figure. */
  recommended?: { min: number; max: number };
  unit: 'per 10,000 adult women a year' | '%';
}

export const nationalSource = 'SafeLives Marac national dataset (figures as quoted in issue 21)';

export const nationalFigures = {
  casesPer10kAdultWomen: { national: 47, recommended: { min: 40, max: 40 }, unit: 'per 10,000 adult women a year' },
  repeatRate: { national: 31, recommended: { min: 28, max: 40 }, unit: '%' },
  partnerAgencyReferrals: { national: 36, unit: '%' },
} as const satisfies Record<string, NationalFigure>;
