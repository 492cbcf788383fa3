import { z } from 'zod';
import { equalityMonitoringSchema } from './equality';
import { lawfulBasisSchema, withoutConsentOf, type LawfulBasis } from './sharing-without-consent';
import { riskSchema, type Referral, type Risk } from './referral';
import { screeningOutcomeSchema, type ScreeningOutcome } from './mash';
import { routeSchema, type Route } from './timeline';

/**
 * The case record (store/records): the facts that lists and reports read, kept in the service's store
 * as the case moves, so that no list or report asks each case's workflow (issue 15 item 3).
 *
 * Everything but `personal` is non-personal — identifiers, codes, counts and instants — and goes into
 * clear columns. `personal` holds what the SafeLives return needs of the people (dates of birth and
 * equality monitoring); the store keeps it only encrypted under the case's data key, so destroying the
 * key at the end of retention destroys it there too.
 */
const instant = z.string();

export const casePersonalFactsSchema = z.object({
  victimDateOfBirth: z.string(),
  perpetratorDateOfBirth: z.string().optional(),
  equality: equalityMonitoringSchema.optional(),
  /** Shared without the victim's consent, and on which basis (domain/sharing-without-consent.ts); absent when consent was given, or in a record from before. */
  withoutConsent: z.object({ basis: lawfulBasisSchema.nullable() }).optional(),
});
export type CasePersonalFacts = z.infer<typeof casePersonalFactsSchema>;

export const caseRecordSchema = z.object({
  caseId: z.string(),
  /** The timeline's length when the record was taken: a record only ever replaces one of a lower or equal version. */
  version: z.number().int().min(0),
  /** `completed` once the case workflow has ended with the case closed. */
  status: z.enum(['running', 'completed']),
  profile: z.string(),
  stage: z.string(),
  risk: riskSchema,
  /** The risk level the referral was received at (the MASH reports count incidents by it). */
  receivedRisk: riskSchema,
  route: routeSchema.nullable(),
  referrerAgency: z.string(),
  agencies: z.array(z.string()),
  restricted: z.boolean(),
  needToKnow: z.array(z.string()),
  /** When the case's workflow was first started (the list's order). */
  startedAt: instant,
  receivedAt: instant,
  meetingAt: instant.nullable(),
  heardAt: instant.nullable(),
  nextDeadline: instant.nullable(),
  nextMeeting: instant.nullable(),
  overdueActions: z.number().int(),
  openDisputes: z.number().int(),
  disputes: z.array(z.string()),
  repeat: z.object({ previousCaseId: z.string(), previousReceivedAt: instant }).nullable(),
  children: z.number().int(),
  /** Actions and outcomes by reference: IDs, owners, states and instants, never their wording. */
  actions: z.array(z.object({ id: z.string(), owner: z.string(), status: z.string(), dueAt: instant, overdue: z.boolean() })),
  reviewsHeld: z.array(instant),
  review: z.object({ meetingAt: instant }).nullable(),
  marac: z.object({ meetingAt: instant, heardAt: instant.nullable() }).nullable(),
  mash: z.object({
    completeBy: instant.nullable(),
    screening: z.object({ at: instant, outcome: screeningOutcomeSchema, risk: riskSchema, late: z.boolean() }).nullable(),
  }).nullable(),
  closedAt: instant.nullable(),
  personal: casePersonalFactsSchema,
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

/**
 * What the derivation reads of a case view (machines/referral caseView): structural, so that this
 * module depends on nothing above the domain.
 */
export interface CaseRecordSource {
  caseId: string;
  profile: string;
  stage: string;
  risk: Risk;
  route: Route | null;
  repeat: { previousCaseId: string; previousReceivedAt: string } | null;
  receivedAt: string;
  referral: Pick<Referral, 'victim' | 'perpetrator' | 'referrer' | 'children' | 'assessment'>;
  meetingAt: string | null;
  heardAt: string | null;
  actions: readonly { id: string; owner: string; status: string; dueAt: string; overdue: boolean }[];
  review: { meetingAt: string } | null;
  reviewsHeld: readonly { meetingAt: string }[];
  disputes: readonly string[];
  openDisputes: readonly string[];
  nextDeadline: string | null;
  closed: { at: string } | null;
  restricted?: boolean;
  needToKnow?: readonly string[];
  marac?: { meetingAt: string; heardAt: string | null } | null;
  mash?: { screening: { completeBy: string | null; completed: { at: string; outcome: ScreeningOutcome; risk: Risk; late: boolean } | null } } | null;
  sharingWithoutConsent?: { basis: LawfulBasis };
  maracReferral?: { told: readonly { consentToShare?: boolean }[] };
}

const iso = (t: string | null | undefined) => (t ? new Date(t).toISOString() : null);

/**
 * The record of a case from its view. `agencies` are the agencies involved (as the search attribute
 * HrdaAgencies has them), `version` the timeline's length, `startedAt` the first run's start.
 */
export function caseRecordOf(view: CaseRecordSource, meta: { version: number; agencies: readonly string[]; startedAt: string; status: CaseRecord['status'] }): CaseRecord {
  const m = view.mash;
  const done = m?.screening.completed;
  const r = view.referral;
  return {
    caseId: view.caseId,
    version: meta.version,
    status: meta.status,
    profile: view.profile,
    stage: view.stage,
    risk: view.risk,
    receivedRisk: r.assessment.risk,
    route: view.route,
    referrerAgency: r.referrer.agency,
    agencies: [...meta.agencies],
    restricted: Boolean(view.restricted),
    needToKnow: [...(view.needToKnow ?? [])],
    startedAt: meta.startedAt,
    receivedAt: view.receivedAt,
    meetingAt: view.meetingAt,
    heardAt: view.heardAt,
    // As the search attributes index them (workflows/case/search-attributes.ts): instants normalised.
    nextDeadline: iso(view.nextDeadline),
    // A closed case goes to no meeting, whatever it was put on before it closed.
    nextMeeting: view.stage === 'closed' ? null : iso(view.review ? view.review.meetingAt : view.marac && view.marac.heardAt === null ? view.marac.meetingAt : view.meetingAt && !view.heardAt ? view.meetingAt : null),
    overdueActions: view.actions.filter((a) => a.overdue && (a.status === 'open' || a.status === 'in-progress')).length,
    openDisputes: view.openDisputes.length,
    disputes: [...view.disputes],
    repeat: view.repeat ? { previousCaseId: view.repeat.previousCaseId, previousReceivedAt: view.repeat.previousReceivedAt } : null,
    children: r.children.length,
    actions: view.actions.map(({ id, owner, status, dueAt, overdue }) => ({ id, owner, status, dueAt, overdue })),
    reviewsHeld: view.reviewsHeld.map((h) => h.meetingAt),
    review: view.review ? { meetingAt: view.review.meetingAt } : null,
    marac: view.marac ? { meetingAt: view.marac.meetingAt, heardAt: view.marac.heardAt } : null,
    mash: m ? { completeBy: m.screening.completeBy, screening: done ? { at: done.at, outcome: done.outcome, risk: done.risk, late: done.late } : null } : null,
    closedAt: view.closed?.at ?? null,
    personal: {
      victimDateOfBirth: r.victim.dateOfBirth,
      ...(r.perpetrator.dateOfBirth !== undefined ? { perpetratorDateOfBirth: r.perpetrator.dateOfBirth } : {}),
      ...(r.victim.equality ? { equality: r.victim.equality } : {}),
      ...withoutConsentField(view),
    },
  };
}

function withoutConsentField(view: CaseRecordSource): Pick<CasePersonalFacts, 'withoutConsent'> {
  const without = withoutConsentOf(view);
  return without ? { withoutConsent: without } : {};
}
