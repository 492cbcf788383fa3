import { bankHolidaysCoverFrom, bankHolidaysCoverTo } from './bank-holidays';
import { localDate } from './calendar';
import { missingFactIssues } from './information-sharing';
import type { Profile } from './profile';
import { referralSchema, riskLevels, riskRank, type Referral } from './referral';
import { consentIssues } from './sharing-without-consent';
import { inputIssues, strictInput } from './strict-input';

export interface FieldIssue {
  /** Dotted path of the field at fault, e.g. "assessment.score" or "children.0.dateOfBirth". */
  path: string;
  message: string;
}

export type ReferralValidation = { ok: true; referral: Referral } | { ok: false; issues: FieldIssue[] };

/** Referrals come in only through the edge (the API, the CLI, scenarios): a field the contract does not define is refused. */
const strictReferral = strictInput(referralSchema);

/**
 * The referral as docs/contract.md §1 defines it, checked against the profile it is made under:
 * every problem is listed by field path, unknown fields among them, so nothing is started on bad input.
 */
export function validateReferral(input: unknown, profile: Profile, receivedAtDefault: string): ReferralValidation {
  const parsed = strictReferral.safeParse(input);
  const issues: FieldIssue[] = parsed.success ? [] : inputIssues(parsed.error.issues, '(referral)');
  // The profile's rules are checked on whatever parsed, so every problem is listed at once.
  const r = (parsed.success ? parsed.data : input ?? {}) as DeepPartial<Referral>;
  const known = new Set(profile.agencies.map((a) => a.id));
  const agency = (path: string, id: string | undefined) => {
    if (id !== undefined && !known.has(id) && !issues.some((i) => i.path === path)) issues.push({ path, message: `unknown agency "${id}" for profile ${profile.id} (known: ${[...known].join(', ')})` });
  };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  agency('referrer.agency', text(r.referrer?.agency));
  agency('victim.chosenLeadAgency', text(r.victim?.chosenLeadAgency));
  // Consent to share absent: the lawful basis and who decided (issue 21 item 5).
  const consent = r.victim?.consent;
  const withoutConsent = consent && typeof consent === 'object' ? consent.sharingWithoutConsent : undefined;
  agency('victim.consent.sharingWithoutConsent.decidedBy.agency', text(withoutConsent?.decidedBy?.agency));
  const share = typeof consent?.share === 'boolean' ? consent.share : undefined;
  for (const issue of consentIssues(profile.sharingWithoutConsent, profile.id, share, withoutConsent, { consent: 'victim.consent.share', decision: 'victim.consent.sharingWithoutConsent' })) {
    if (!issues.some((i) => i.path === issue.path)) issues.push(issue);
  }
  for (const issue of missingFactIssues(profile.informationSharing, profile.id, r.referrer?.agency, r.incident?.facts)) {
    if (!issues.some((i) => i.path === issue.path)) issues.push(issue);
  }

  const { score, risk, override } = r.assessment ?? {};
  const threshold = profile.assessment.dashHighThreshold;
  if (typeof score === 'number' && score >= threshold && risk && riskLevels.includes(risk) && riskRank(risk) < riskRank('high') && !override) {
    issues.push({
      path: 'assessment.override',
      message: `a DASH score of ${score} (${threshold} or more) is high risk; a lower level (${risk}) needs assessment.override = { risk, rationale, by }`,
    });
  }
  // Every deadline is computed with the bank-holiday table shipped with the code: a case received
  // outside it could not be timed, so it is refused here rather than stalling once started.
  const receivedAt = parsed.success ? (parsed.data.receivedAt ?? receivedAtDefault) : undefined;
  if (receivedAt !== undefined) {
    const day = localDate(receivedAt);
    if (day < bankHolidaysCoverFrom || day > bankHolidaysCoverTo) {
      issues.push({
        path: 'receivedAt',
        message: `${day} is outside the England and Wales bank holidays this release ships (${bankHolidaysCoverFrom} to ${bankHolidaysCoverTo}), so its deadlines cannot be computed`,
      });
    }
  }
  if (parsed.success && receivedAt !== undefined) issues.push(...implausibleDates(parsed.data, receivedAt));
  if (!parsed.success || issues.length) return { ok: false, issues };
  return { ok: true, referral: { ...parsed.data, receivedAt: parsed.data.receivedAt ?? receivedAtDefault } };
}

/** The earliest date of birth taken as real: anything before is a typing error. */
const earliestDateOfBirth = '1900-01-01';

/**
 * Dates that cannot be true of a referral received at `receivedAt`: a date of birth in the future
 * or before 1900, an incident after the referral about it. Each would skew a deadline, an age
 * (16–17 in the SafeLives return) or the agenda's order, so it is refused naming the field.
 */
function implausibleDates(r: Omit<Referral, 'receivedAt'> & { receivedAt?: string }, receivedAt: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const day = localDate(receivedAt);
  const birth = (path: string, dob: string | undefined) => {
    if (dob === undefined) return;
    if (dob > day) issues.push({ path, message: `a date of birth after the referral was received (${day})` });
    else if (dob < earliestDateOfBirth) issues.push({ path, message: `a date of birth before ${earliestDateOfBirth}` });
  };
  birth('victim.dateOfBirth', r.victim.dateOfBirth);
  birth('perpetrator.dateOfBirth', r.perpetrator.dateOfBirth);
  r.children.forEach((c, i) => birth(`children.${i}.dateOfBirth`, c.dateOfBirth));
  if (r.incident.occurredAt > receivedAt) issues.push({ path: 'incident.occurredAt', message: `after the referral was received (${receivedAt})` });
  return issues;
}

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
