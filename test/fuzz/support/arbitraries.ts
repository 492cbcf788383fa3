import type { Actor } from '../../../domain/actor';
import { bankHolidaysCoverFrom, bankHolidaysCoverTo } from '../../../domain/bank-holidays';
import { addDays } from '../../../domain/calendar';
import { roles } from '../../../domain/actor';
import type { CaseCommandName } from '../../../domain/case-commands';
import type { Profile } from '../../../domain/profile';
import { ethnicities, genders, sexualities } from '../../../domain/equality';
import { assessmentTools, referralFlags, riskLevels, riskRank, type ReferralInput } from '../../../domain/referral';
import fc, { type Arbitrary } from 'fast-check';

/**
 * Arbitraries of the service's inputs, written by hand (zod-fast-check is zod-3 only,
 * ECOSYSTEM.md): referrals that CONTRACT.md §1 accepts, user actions, and mutations of both —
 * a valid input with one field removed or replaced by anything at all.
 */

const dashTools: readonly string[] = ['safelives-dash', 'police-dash'];

export interface ArbitraryOptions {
  /** The instants a referral may be received at (default: the years the bank-holiday table covers, which validation requires). */
  receivedFrom?: string;
  receivedTo?: string;
}

export function arbitraries(profile: Profile, opts: ArbitraryOptions = {}) {
  const agencies = profile.agencies.map((a) => a.id);
  /** Free text a person might type: never empty once trimmed. */
  const text = (max = 60) => fc.string({ minLength: 1, maxLength: max }).filter((s) => s.trim().length > 0);
  const instant = (from: string, to: string) => fc.date({ min: new Date(from), max: new Date(to), noInvalidDate: true }).map((d) => d.toISOString());
  /** ISO-8601 with an offset other than Z, which the referral accepts and writes down in UTC. */
  const instantWithOffset = (from: string, to: string) =>
    fc.tuple(instant(from, to), fc.constantFrom('Z', '+01:00', '-05:30', '+00:00')).map(([iso, offset]) => {
      if (offset === 'Z') return iso;
      const sign = offset.startsWith('-') ? -1 : 1;
      const [h, m] = offset.slice(1).split(':').map(Number) as [number, number];
      const local = new Date(Date.parse(iso) + sign * (h * 60 + m) * 60_000).toISOString();
      return `${local.slice(0, 19)}${offset}`;
    });
  const localDate = (from: string, to: string) => instant(from, to).map((iso) => iso.slice(0, 10));
  const agency = fc.constantFrom(...agencies);
  const contactDetails = fc.record({
    email: fc.option(fc.constantFrom('someone@example.org', 'a.b+c@example.co.uk', 'x@example.net'), { nil: undefined }),
    phone: fc.option(fc.constantFrom('07700900123', '+44 1632 960000', '0300 123 4567'), { nil: undefined }),
    address: fc.option(text(80), { nil: undefined }),
  }).map(withoutUndefined);
  // Everything a referral reports happened before it was received: incidents and births up to the
  // first instant a referral may be received at (validation refuses either after the referral).
  const receivedFrom = opts.receivedFrom ?? `${addDays(bankHolidaysCoverFrom, 1)}T00:00:00Z`;
  const person = fc.record({ name: text(40), dateOfBirth: localDate('1920-01-01T00:00:00Z', receivedFrom) });
  /** Equality monitoring (domain/equality.ts): any subset of the questions, each answered or declined. */
  const yesNoDeclined = fc.constantFrom(true, false, 'prefer-not-to-say' as const);
  const equality = fc.record({
    gender: fc.option(fc.constantFrom(...genders), { nil: undefined }),
    transgender: fc.option(yesNoDeclined, { nil: undefined }),
    ethnicity: fc.option(fc.constantFrom(...ethnicities), { nil: undefined }),
    sexuality: fc.option(fc.constantFrom(...sexualities), { nil: undefined }),
    disability: fc.option(yesNoDeclined, { nil: undefined }),
  }).map(withoutUndefined);

  const assessment = fc
    .record({
      tool: fc.constantFrom(...assessmentTools),
      risk: fc.constantFrom(...riskLevels),
      score: fc.integer({ min: 0, max: 27 }),
      scored: fc.boolean(),
      rationale: text(),
      by: text(30),
    })
    .map(({ tool, risk, score, scored, rationale, by }) => {
      const withScore = dashTools.includes(tool) || scored;
      // A DASH score at the threshold with a lower level stands only with the override that records it.
      const needsOverride = withScore && score >= profile.assessment.dashHighThreshold && riskRank(risk) < riskRank('high');
      return {
        tool,
        risk,
        ...(withScore ? { score } : {}),
        ...(needsOverride ? { override: { risk, rationale, by } } : {}),
      };
    });

  /**
   * The victim's consent: without consent to share, the lawful basis and who decided, from the bases
   * the profile accepts (domain/sharing-without-consent.ts).
   */
  const bases = profile.sharingWithoutConsent?.bases ?? [];
  const consent = fc.boolean().chain((share) => (share || !bases.length
    ? fc.record({ share: fc.constant(share), contact: fc.boolean() })
    : fc.record({
      share: fc.constant(false),
      contact: fc.boolean(),
      sharingWithoutConsent: fc.record({
        basis: fc.constantFrom(...bases),
        decidedBy: fc.record({ role: text(40), agency }),
        rationale: fc.option(text(200), { nil: undefined }),
      }).map(withoutUndefined),
    })));

  /** A referral CONTRACT.md §1 accepts under the profile, received at any instant of the range (or now). */
  const referral: Arbitrary<ReferralInput> = fc
    .record({
      receivedAt: fc.option(instantWithOffset(receivedFrom, opts.receivedTo ?? `${addDays(bankHolidaysCoverTo, -1)}T00:00:00Z`), { nil: undefined }),
      referrer: fc.record({
        agency,
        name: text(40),
        contact: text(60),
        sru: fc.option(fc.record({ forwardedBy: text(40), forwardedAt: instant('2000-01-01T00:00:00Z', '2099-12-31T00:00:00Z') }), { nil: undefined }),
      }).map(withoutUndefined),
      assessment,
      incident: fc.record({
        occurredAt: instantWithOffset('2000-01-01T00:00:00Z', receivedFrom),
        summary: text(200),
        flags: fc.array(fc.constantFrom(...referralFlags), { maxLength: 4 }).map((fs) => [...new Set(fs)]),
      }),
      victim: fc.record({
        name: text(40),
        dateOfBirth: localDate('1920-01-01T00:00:00Z', '2012-12-31T00:00:00Z'),
        consent,
        contact: fc.option(contactDetails, { nil: undefined }),
        chosenLeadAgency: fc.option(agency, { nil: undefined }),
        equality: fc.option(equality, { nil: undefined }),
      }).map(withoutUndefined),
      perpetrator: fc.record({
        name: text(40),
        dateOfBirth: fc.option(localDate('1920-01-01T00:00:00Z', '2012-12-31T00:00:00Z'), { nil: undefined }),
        mappaLevel: fc.option(fc.constantFrom(1 as const, 2 as const, 3 as const), { nil: undefined }),
        contact: fc.option(contactDetails, { nil: undefined }),
      }).map(withoutUndefined),
      children: fc.array(person, { maxLength: 3 }),
      household: fc.array(fc.record({ name: text(40), relationship: text(20) }), { maxLength: 2 }),
    })
    .map((r) => withoutUndefined(r) as unknown as ReferralInput);

  /** A JSON value of any shape, or any JavaScript value at all (undefined, NaN, -0, odd keys…). */
  const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 3 }));

  /** `value` with one of its fields (chosen by `pick`) deleted, or replaced by `replacement`. */
  const mutation = <T>(valid: Arbitrary<T>) =>
    fc.record({ value: valid, pick: fc.integer({ min: 0, max: 10_000 }), remove: fc.boolean(), replacement: junk }).map(({ value, pick, remove, replacement }) => {
      const paths = leafPaths(value);
      const target = paths[pick % paths.length] ?? [];
      return { value: mutate(value, target, remove ? deleted : replacement), path: target.join('.'), removed: remove };
    });

  const actor: Arbitrary<Actor> = fc.record({ role: fc.constantFrom(...roles), agency: fc.option(agency, { nil: undefined }), name: fc.option(text(30), { nil: undefined }) }).map(withoutUndefined);
  const summary = fc.record({ involvement: text(), risks: text(), actionsTaken: text(), recommendations: text() });
  const action = fc.record({ id: fc.constantFrom('a1', 'a2', 'x-9'), owner: agency, description: text() });

  /** Each update's fields as domain/case-commands.ts takes them (without `actor`). */
  const commandFields: { [N in CaseCommandName]: Arbitrary<Record<string, unknown>> } = {
    submitSummary: fc.record({ agency, summary }),
    recordVictimContact: fc.record({ outcome: fc.constantFrom('views-recorded', 'unable-to-contact', 'unsafe-to-contact'), views: text() }),
    recordMeetingOutcome: fc.record({ outcome: fc.record({ risks: fc.array(text(), { minLength: 1, maxLength: 3 }), actions: fc.array(action, { maxLength: 2 }), leads: fc.constant({}), rationale: text() }) }),
    updateAction: fc.record({ actionId: fc.constantFrom('a1', 'a2'), status: fc.constantFrom('in-progress', 'completed', 'closed'), note: text() }),
    requestReview: fc.record({ reason: fc.constantFrom(...(profile.monthlyMeeting?.reasons ?? []), 'other'), summary: text() }),
    recordQaDecision: fc.record({ accepted: fc.boolean(), feedback: text() }),
    recordReviewOutcome: fc.record({ risks: fc.array(text(), { maxLength: 2 }), actions: fc.array(action, { maxLength: 2 }), rationale: text() }),
    changeRisk: fc.record({ risk: fc.constantFrom(...riskLevels), rationale: text() }),
    raiseDispute: fc.record({ dispute: fc.constantFrom('d1', 'd2'), area: fc.constantFrom(...profile.escalation.areas), raisedBy: agency, with: agency, matter: text() }),
    closeCase: fc.record({ rationale: text() }),
    recordDisclosureConsent: fc.record({ consentId: fc.constantFrom('c1', 'c2'), recipient: text(40), purpose: fc.constantFrom('court', 'child-protection', 'adult-safeguarding', 'other-process'), scope: fc.array(fc.constantFrom('case', 'timeline', 'matrix'), { minLength: 1, maxLength: 3 }), rationale: text() }),
    restrictCase: fc.record({ rationale: text(), needToKnow: fc.uniqueArray(fc.constantFrom('staff-1', 'staff-2', 'staff-3'), { minLength: 1, maxLength: 3 }) }),
    amendNeedToKnow: fc.record({ add: fc.uniqueArray(fc.constantFrom('staff-1', 'staff-4'), { maxLength: 2 }), remove: fc.uniqueArray(fc.constantFrom('staff-2', 'staff-3'), { maxLength: 2 }), rationale: text() }),
    recordDvds: fc.record({ dvdsId: fc.constantFrom('v1', 'v2'), route: fc.constantFrom('right-to-ask', 'right-to-know'), wording: text() }),
    signOffDvds: fc.record({ dvdsId: fc.constantFrom('v1', 'v2') }),
    recordDvpo: fc.record({ dvpoId: fc.constantFrom('o1', 'o2'), madeAt: instant('2026-01-01T00:00:00Z', '2027-12-31T00:00:00Z'), days: fc.integer({ min: 10, max: 30 }), protectedPremises: text(), terms: fc.array(text(), { minLength: 1, maxLength: 2 }) }),
    reportDvpoBreach: fc.record({ dvpoId: fc.constantFrom('o1', 'o2'), occurredAt: instant('2026-01-01T00:00:00Z', '2027-12-31T00:00:00Z'), details: text() }),
    confirmRisk: fc.record({ risk: fc.constantFrom(...riskLevels), disclosures: fc.array(fc.record({ trigger: fc.constantFrom('strangulation', 'rape'), occurredAt: instant('2020-01-01T00:00:00Z', '2027-12-31T00:00:00Z'), policeInvestigation: fc.boolean() }), { maxLength: 2 }), factors: fc.array(fc.constantFrom('vulnerable-victim', 'other'), { maxLength: 2 }), rationale: text() }),
    recordChildrenCheck: fc.record({ found: fc.array(person, { maxLength: 2 }), foundBy: agency }),
    referToMarac: fc.record({ category: fc.constantFrom('information-only', 'significant-update', 'full-discussion'), rationale: text() }),
    recordMaracOutcome: fc.record({ risks: fc.array(text(), { maxLength: 2 }), actions: fc.array(action, { maxLength: 2 }), rationale: text() }),
    recordFirstResponseDecision: fc.record({ level: fc.integer({ min: 0, max: 7 }), rationale: text(), riskFactors: fc.array(text(40), { maxLength: 2 }), protectiveFactors: fc.array(text(40), { maxLength: 2 }) }),
    recordHealthSharing: fc.record({ sharedWith: fc.array(fc.constantFrom('health-visitor', 'school-nurse', 'gp-practice'), { minLength: 1, maxLength: 2 }), note: text() }),
    recordVictimTold: fc.record({ outcome: fc.constantFrom('told', 'unable-to-contact', 'unsafe-to-contact'), consentToShare: fc.boolean(), note: text() }),
    // The MASH stage: a dorset-hrda case refuses all of these (its profile has none).
    recordScreening: fc.record({ outcome: fc.constantFrom('no-further-action', 'share-for-support', 'refer-to-mash'), sharedWith: fc.array(agency, { maxLength: 2 }), rationale: text() }),
    setRagRating: fc.record({ rating: fc.constantFrom('red', 'amber', 'green'), rationale: text() }),
    recordTriageResponse: fc.record({ agency, response: fc.record({ chronology: text(), summary: text() }) }),
    conveneMashMeeting: fc.record({ kind: fc.constantFrom('mash-meeting', 'strategy-discussion'), meetingAt: instant('2026-01-01T00:00:00Z', '2027-12-31T00:00:00Z'), rationale: text() }),
    recordMashDecision: fc.record({ outcomes: fc.array(fc.constantFrom('early-help', 'domestic-abuse-support'), { minLength: 1, maxLength: 2 }), rationale: text() }),
  };

  return { text, instant, agency, referral, junk, mutation, actor, commandFields };
}

// ---- plain helpers, shared with the tests -------------------------------------------------

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const deleted = Symbol('deleted');

/** Every path in a JSON-like value: the root, each object and array, each leaf. */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length ? [prefix, ...value.flatMap((v, i) => leafPaths(v, [...prefix, i]))] : [prefix];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))] : [prefix];
  }
  return [prefix];
}

/** A copy of `value` with the field at `path` replaced (or deleted); the root itself can be replaced too. */
export function mutate<T>(value: T, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement === deleted ? undefined : replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === deleted) copy.splice(Number(head), 1);
    else copy[Number(head)] = mutate(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === deleted) delete copy[head];
  else copy[head] = mutate(copy[head], rest, replacement);
  return copy;
}

/** What the value becomes on its way through Temporal's JSON payload converter. */
export const overTheWire = (value: unknown): unknown => {
  const json = JSON.stringify(value);
  return json === undefined ? undefined : JSON.parse(json);
};
