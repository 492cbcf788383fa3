import { z } from 'zod';
import { agencyIdSchema } from '../../domain/actor';
import { assessmentToolSchema, riskSchema } from '../../domain/referral';
import { actionStatusSchema, policeSystemSchema, routeSchema } from '../../domain/timeline';
import type { TimelineEntry } from '../../domain/timeline';
import { caseStages, type CaseView } from '../../machines/referral';
import { isAgencyScoped, type Principal } from '../../domain/auth';
import { agenciesWorkingWithPerpetrators, withoutPerpetratorContacts } from '../../domain/perpetrator-safety';

/**
 * What ops staff see of a case: its state without personal data (issue 6). Identifiers, stages,
 * levels, instants, agencies and counts — never the referral, summaries, the victim's views,
 * police records, free-text rationales, nor anyone's name.
 */
const instant = z.string();
export const caseSkeletonSchema = z.object({
  caseId: z.string(),
  profile: z.string(),
  stage: z.enum(caseStages),
  risk: riskSchema,
  route: routeSchema.nullable(),
  repeatOf: z.string().nullable().meta({ description: 'The earlier case of the same victim, when this is a repeat.' }),
  receivedAt: instant,
  referrerAgency: agencyIdSchema,
  assessmentTool: assessmentToolSchema,
  checks: z.array(z.object({ system: policeSystemSchema, status: z.enum(['pending', 'completed', 'unavailable']), hits: z.number().int().optional() })),
  circulationDay: z.string().nullable(),
  circulateBy: instant.nullable(),
  infoRequestSentAt: instant.nullable(),
  summariesReceived: z.array(agencyIdSchema),
  victimContactRecordedAt: instant.nullable(),
  meetingAt: instant.nullable(),
  heardAt: instant.nullable(),
  riskCount: z.number().int(),
  actions: z.array(z.object({ id: z.string(), owner: agencyIdSchema, dueAt: instant, status: actionStatusSchema, overdue: z.boolean(), updates: z.number().int() })),
  overdueActions: z.array(z.string()),
  leads: z.object({ victim: agencyIdSchema.optional(), children: agencyIdSchema.optional(), perpetrator: agencyIdSchema.optional(), case: agencyIdSchema.optional() }),
  review: z.object({ requestedAt: instant, meetingAt: instant, qaBy: instant, qa: z.enum(['pending', 'accepted', 'not-accepted', 'not-quality-assured']) }).nullable(),
  reviewsHeld: z.number().int(),
  openDisputes: z.array(z.string()),
  nextDeadline: instant.nullable(),
  closedAt: instant.nullable(),
  restricted: z.boolean().meta({ description: 'Restricted to a need-to-know list: details only to the people on it.' }),
  needToKnow: z.array(z.string()).optional().meta({ description: "A restricted case's need-to-know list (staff references), shown to chairs, who decide it." }),
  mash: z.object({
    leadAgency: agencyIdSchema,
    screeningOutcome: z.string().nullable(),
    completeBy: instant.nullable(),
    rating: z.string().nullable(),
    ragDueAt: instant.nullable(),
    awaiting: z.array(agencyIdSchema),
    meetingAt: instant.nullable(),
    recordBy: instant.nullable(),
    outcomes: z.array(z.string()),
    maracCriteria: z.array(z.string()),
  }).optional().meta({ description: 'Where a case of a MASH profile stands in its MASH stage (docs/profiles.md): agencies, outcomes and instants.' }),
  redacted: z.literal(true).meta({ description: 'Personal data is left out of this view.' }),
});
export type CaseSkeleton = z.infer<typeof caseSkeletonSchema>;

export function caseSkeleton(view: CaseView, opts: { needToKnow?: boolean } = {}): CaseSkeleton {
  const qa = view.review?.qa;
  return {
    caseId: view.caseId,
    profile: view.profile,
    stage: view.stage,
    risk: view.risk,
    route: view.route,
    repeatOf: view.repeat?.previousCaseId ?? null,
    receivedAt: view.receivedAt,
    referrerAgency: view.referral.referrer.agency,
    assessmentTool: view.referral.assessment.tool,
    checks: view.checks.map((c) => ({ system: c.system, status: c.status, ...(c.hits !== undefined ? { hits: c.hits } : {}) })),
    circulationDay: view.circulationDay,
    circulateBy: view.circulateBy,
    infoRequestSentAt: view.infoRequestSentAt,
    summariesReceived: view.summariesReceived,
    victimContactRecordedAt: view.victimContact?.at ?? null,
    meetingAt: view.meetingAt,
    heardAt: view.heardAt,
    riskCount: view.risks.length,
    actions: view.actions.map((a) => ({ id: a.id, owner: a.owner, dueAt: a.dueAt, status: a.status, overdue: a.overdue, updates: a.updates.length })),
    overdueActions: view.overdueActions,
    leads: Object.fromEntries(Object.entries(view.leads).flatMap(([role, lead]) => (lead ? [[role, lead.agency]] : []))),
    review: view.review
      ? {
          requestedAt: view.review.requestedAt,
          meetingAt: view.review.meetingAt,
          qaBy: view.review.qaBy,
          qa: qa === null || qa === undefined ? 'pending' : 'notQualityAssured' in qa ? 'not-quality-assured' : qa.accepted ? 'accepted' : 'not-accepted',
        }
      : null,
    reviewsHeld: view.reviewsHeld.length,
    openDisputes: view.openDisputes,
    nextDeadline: view.nextDeadline,
    closedAt: view.closed?.at ?? null,
    restricted: Boolean(view.restricted),
    ...(opts.needToKnow && view.restricted ? { needToKnow: [...(view.needToKnow ?? [])] } : {}),
    ...(view.mash ? { mash: mashSkeleton(view.mash, view.restriction?.leadAgency) } : {}),
    redacted: true,
  };
}

function mashSkeleton(m: NonNullable<CaseView['mash']>, restrictedLead?: string): NonNullable<CaseSkeleton['mash']> {
  return {
    leadAgency: restrictedLead ?? m.leadAgency,
    screeningOutcome: m.screening.completed?.outcome ?? null,
    completeBy: m.screening.completeBy,
    rating: m.rag?.rating ?? null,
    ragDueAt: m.rag?.dueAt ?? null,
    awaiting: m.triage ? m.triage.agencies.filter((a) => !m.triage!.responses[a]) : [],
    meetingAt: m.meeting?.meetingAt ?? null,
    recordBy: m.meeting?.recordBy ?? null,
    outcomes: m.decision?.outcomes ?? [],
    maracCriteria: m.concluded?.maracCriteria ?? [],
  };
}

/**
 * Timeline data fields that carry no personal data: identifiers, agencies, levels, enumerations,
 * instants and counts. Anything else (free text, new fields not yet reviewed) is left out.
 */
const nonPersonalDataFields = new Set([
  'risk', 'tool', 'referrer', 'score', 'route', 'repeat', 'previousCaseId', 'offeredTo', 'systems', 'system',
  'about', 'agencies', 'circulateBy', 'respondBy', 'agency', 'to', 'dueAt', 'outcome', 'chosenLeadAgency', 'kind',
  'meetingAt', 'nextMeetingAt', 'notQualityAssured', 'actions', 'for', 'actionId', 'status', 'nextUpdateDue',
  'owner', 'requestedBy', 'accepted', 'disputeId', 'area', 'stage', 'deadline', 'from', 'raisedBy', 'with',
  // case.restricted: why (the flag names) and the lead agency; the need-to-know list names staff and is left out.
  'basis', 'flags', 'leadAgency',
  // [002] (docs/profiles.md): a MARAC referral's category and papers deadline; the children check's count.
  'category', 'papersBy', 'found',
  // Information sharing and the MARAC referral ([001]): criteria ids, agencies, levels of need, caseload roles, instants.
  'criteria', 'shareWith', 'referralDueBy', 'firstResponseDueBy', 'healthSharingDueBy', 'level', 'dueBy', 'late', 'sharedWith', 'victimToldBy',
  // The MASH stage (domain/mash.ts): outcomes, ratings, agencies, instants and flags.
  'completeBy', 'rating', 'previous', 'referredAt', 'withheldFrom', 'marking', 'awaiting', 'recordBy',
  'outcomes', 'notified', 'meeting',
  // The end of the repeat window (domain/repeat-window.ts): instants, the window and the agencies told.
  // (`sharing.without-consent` keeps its `basis`, a code; who decided and the rationale are left out.)
  'latestReferralAt', 'repeatWindow', 'told',
]);
/** Within a kept field, only these keys of nested objects survive (e.g. a matrix action's id, owner and due date). */
const nonPersonalNestedKeys = new Set(['id', 'owner', 'dueAt', 'system', 'status', 'hits', 'forwardedAt']);

export const redactedTimelineEntrySchema = z.object({
  at: instant,
  type: z.string(),
  caseId: z.string(),
  actor: z.object({ role: z.string(), agency: agencyIdSchema.optional() }),
  data: z.record(z.string(), z.unknown()),
});
export type RedactedTimelineEntry = z.infer<typeof redactedTimelineEntrySchema>;

export function redactTimeline(entries: TimelineEntry[]): RedactedTimelineEntry[] {
  return entries.map((e) => ({
    at: e.at,
    type: e.type,
    caseId: e.caseId,
    actor: { role: e.actor.role, ...(e.actor.agency ? { agency: e.actor.agency } : {}) },
    data: Object.fromEntries(Object.entries(e.data as Record<string, unknown>).filter(([k]) => nonPersonalDataFields.has(k)).map(([k, v]) => [k, keepNested(v)])),
  }));
}

function keepNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keepNested);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => nonPersonalNestedKeys.has(k)).map(([k, v]) => [k, keepNested(v)]));
  }
  return value;
}

/**
 * The full case as this caller reads it: administrators, chairs and auditors read all of it; an
 * agency role reads the perpetrator's and associates' contact details only when its agency works
 * with perpetrators (domain/perpetrator-safety.ts). Least data: a practitioner who does not need to
 * reach the perpetrator never holds the means to.
 */
export function fullViewFor(principal: Principal, view: CaseView): CaseView {
  if (!isAgencyScoped(principal.role) || agenciesWorkingWithPerpetrators.includes(principal.agency ?? '')) return view;
  return { ...view, referral: withoutPerpetratorContacts(view.referral) };
}
