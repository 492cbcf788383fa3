import type { Profile } from './profile';
import { referralSchema, riskRank, type Referral } from './referral';

export interface FieldIssue {
  /** Dotted path of the field at fault, e.g. "assessment.score" or "children.0.dateOfBirth". */
  path: string;
  message: string;
}

export type ReferralValidation = { ok: true; referral: Referral } | { ok: false; issues: FieldIssue[] };

/**
 * The referral as CONTRACT.md §1 defines it, checked against the profile it is made under:
 * every problem is listed by field path, so nothing is started on bad input.
 */
export function validateReferral(input: unknown, profile: Profile, receivedAtDefault: string): ReferralValidation {
  const parsed = referralSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(referral)', message: i.message })) };
  }
  const r = parsed.data;
  const issues: FieldIssue[] = [];
  const known = new Set(profile.agencies.map((a) => a.id));
  const agency = (path: string, id: string | undefined) => {
    if (id !== undefined && !known.has(id)) issues.push({ path, message: `unknown agency "${id}" for profile ${profile.id} (known: ${[...known].join(', ')})` });
  };
  agency('referrer.agency', r.referrer.agency);
  agency('victim.chosenLeadAgency', r.victim.chosenLeadAgency);

  const { score, risk, override } = r.assessment;
  const threshold = profile.assessment.dashHighThreshold;
  if (score !== undefined && score >= threshold && riskRank(risk) < riskRank('high') && !override) {
    issues.push({
      path: 'assessment.override',
      message: `a DASH score of ${score} (${threshold} or more) is high risk; a lower level (${risk}) needs assessment.override = { risk, rationale, by }`,
    });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, referral: { ...r, receivedAt: r.receivedAt ?? receivedAtDefault } };
}
