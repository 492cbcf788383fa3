import { z } from 'zod';
import { actorSchema, agencyIdSchema } from './actor';
import { disclosureConsentedData, notificationWithheldData } from './disclosure';
import { maracCategorySchema } from './marac';
import { victimToldOutcomeSchema } from './marac-referral';
import { mashTimelineData as mash } from './mash';
import { riskSchema } from './referral';
import { sharingWithoutConsentData } from './sharing-without-consent';
import { instantSchema } from './time';

export const routes = ['hrda', 'medium-risk-offer', 'standard-risk-offer'] as const;
export const routeSchema = z.enum(routes);
export type Route = z.infer<typeof routeSchema>;

export const meetingKindSchema = z.enum(['daily', 'monthly', 'marac']);
/** `case`: the lead agency of the whole case, set when a case is restricted (003 §18.3: the police). */
export const leadForSchema = z.enum(['victim', 'children', 'perpetrator', 'case']);
export const actionStatusSchema = z.enum(['open', 'in-progress', 'completed', 'closed']);
export const victimContactOutcomeSchema = z.enum(['views-recorded', 'unable-to-contact', 'unsafe-to-contact']);
export const policeSystemSchema = z.enum(['niche', 'pnd', 'pnc']);
export type PoliceSystem = z.infer<typeof policeSystemSchema>;

const entry = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({
    at: instantSchema,
    type: z.literal(type),
    caseId: z.string(),
    actor: actorSchema,
    data: z.object(data),
    rationale: z.string().optional(),
  });

/**
 * The case told in the protocol's words (CONTRACT.md §2): one schema per entry type.
 * Names and data fields are a public contract: add, never rename or remove.
 */
export const timelineEntrySchema = z.discriminatedUnion('type', [
  entry('referral.received', { risk: riskSchema, tool: z.string(), referrer: agencyIdSchema, score: z.number().optional(), sru: z.object({ forwardedAt: instantSchema }).optional() }),
  entry('risk.changed', { from: riskSchema, to: riskSchema }),
  entry('referral.routed', { route: routeSchema, repeat: z.boolean(), previousCaseId: z.string().optional(), offeredTo: agencyIdSchema.optional() }),
  entry('checks.completed', { systems: z.array(z.object({ system: policeSystemSchema, status: z.enum(['completed', 'unavailable']), hits: z.number().int().optional() })) }),
  entry('checks.failed', { system: policeSystemSchema, error: z.string() }),
  entry('info-request.sent', { agencies: z.array(agencyIdSchema), circulateBy: instantSchema, respondBy: instantSchema }),
  entry('summary.received', { agency: agencyIdSchema }),
  entry('reminder.sent', { to: z.array(z.string()), about: z.string(), dueAt: instantSchema }),
  entry('victim-contact.recorded', { outcome: victimContactOutcomeSchema, chosenLeadAgency: agencyIdSchema.optional() }),
  entry('meeting.scheduled', { kind: meetingKindSchema, meetingAt: instantSchema }),
  entry('meeting.rolled-over', { kind: meetingKindSchema, meetingAt: instantSchema, reason: z.enum(['out-of-time', 'meeting-cancelled', 'after-cut-off']), nextMeetingAt: instantSchema }),
  entry('meeting.heard', { kind: meetingKindSchema, meetingAt: instantSchema, notQualityAssured: z.boolean().optional() }),
  entry('matrix.recorded', { risks: z.array(z.string()), actions: z.array(z.object({ id: z.string(), owner: agencyIdSchema, dueAt: instantSchema })) }),
  entry('lead.assigned', { for: leadForSchema, agency: agencyIdSchema, basis: z.string().optional() }),
  entry('action.updated', { actionId: z.string(), status: actionStatusSchema, nextUpdateDue: instantSchema.optional() }),
  entry('action.overdue', { actionId: z.string(), owner: agencyIdSchema, dueAt: instantSchema }),
  entry('review.requested', { reason: z.string(), requestedBy: agencyIdSchema.optional() }),
  entry('review.qa', { accepted: z.boolean(), feedback: z.string().optional(), notQualityAssured: z.boolean().optional() }),
  entry('review.completed', { meetingAt: instantSchema }),
  entry('dispute.raised', { disputeId: z.string(), area: z.string() }),
  entry('dispute.stage', { disputeId: z.string(), stage: z.string(), owner: z.string(), deadline: instantSchema }),
  entry('dispute.resolved', { disputeId: z.string(), agreement: z.string() }),
  entry('case.closed', { rationale: z.string() }),
  entry('disclosure.consented', disclosureConsentedData),
  entry('notification.withheld', notificationWithheldData),
  // Restricted cases (issue 7 item 3; 003 §18.3). needToKnow lists staff references (token subs), never a victim's data.
  entry('case.restricted', { basis: z.enum(['referral-flags', 'chair']), flags: z.array(z.string()), needToKnow: z.array(z.string()), leadAgency: agencyIdSchema }),
  entry('need-to-know.amended', { added: z.array(z.string()), removed: z.array(z.string()), needToKnow: z.array(z.string()) }),
  // DVDS and DVPO notices (domain/notices.ts): the wording, premises and terms stay in the case, not here.
  entry('dvds.agreed', { dvdsId: z.string(), route: z.enum(['right-to-ask', 'right-to-know']), meetingAt: instantSchema }),
  entry('dvds.signed-off', { dvdsId: z.string(), route: z.enum(['right-to-ask', 'right-to-know']), agency: agencyIdSchema }),
  entry('dvpo.recorded', { dvpoId: z.string(), madeAt: instantSchema, days: z.number().int(), expiresAt: instantSchema }),
  entry('dvpo.breached', { dvpoId: z.string(), occurredAt: instantSchema }),
  entry('dvpo.expired', { dvpoId: z.string(), expiresAt: instantSchema }),
  // The chair's risk confirmation at the daily meeting ([002] 2.26, 2.37–2.41): trigger and factor names only.
  entry('risk.confirmed', { risk: riskSchema, from: riskSchema, currentTriggers: z.array(z.string()), historicTriggers: z.array(z.string()), factors: z.array(z.string()) }),
  // [002] 2.22: the agencies' check that a case listed with no children linked has none; a count, never names.
  entry('children.checked', { found: z.number().int().min(0) }),
  // The MARAC's outcome is recorded on the case; its actions are in the matrix.recorded entry beside it.
  entry('marac.completed', { category: maracCategorySchema, meetingAt: instantSchema }),
  // Police information sharing and its follow-up ([001]; domain/information-sharing.ts, docs/profiles.md).
  entry('referral.late', { occurredAt: instantSchema, dueBy: instantSchema }),
  entry('information-sharing.decided', { criteria: z.array(z.string()), shareWith: z.array(agencyIdSchema), referralDueBy: instantSchema, firstResponseDueBy: instantSchema.optional(), healthSharingDueBy: instantSchema.optional() }),
  entry('first-response.decided', { level: z.number().int(), dueBy: instantSchema, late: z.boolean() }),
  entry('first-response.overdue', { dueBy: instantSchema }),
  entry('health-sharing.recorded', { sharedWith: z.array(z.string()), dueBy: instantSchema, late: z.boolean() }),
  entry('health-sharing.overdue', { dueBy: instantSchema }),
  // Referred to MARAC. Under [001] whatever the victim's consent, with the agency that tells the
  // victim (domain/marac-referral.ts); under a MASH profile, with the criteria of 003 §17.2 it met
  // (domain/mash.ts); under [002], referred on by the DRAMM in a category, with the MARAC it goes to
  // and its papers deadline (2.28, 2.54, 3.4; domain/marac.ts). Each profile writes its own fields.
  entry('marac.referred', {
    consent: z.boolean().optional(), victimToldBy: agencyIdSchema.optional(), criteria: mash['marac.referred'].criteria.optional(),
    category: maracCategorySchema.optional(), meetingAt: instantSchema.optional(), papersBy: instantSchema.optional(),
  }),
  entry('victim.told', { outcome: victimToldOutcomeSchema, consentToShare: z.boolean().optional() }),
  // Shared without the victim's consent (domain/sharing-without-consent.ts): the lawful basis and who
  // decided, a role and agency; the actor is who submitted it, the rationale why it was necessary.
  entry('sharing.without-consent', sharingWithoutConsentData),
  // The MASH stage (domain/mash.ts; 003 §7–§17): rationales and responses stay in the case, not here.
  entry('screening.started', mash['screening.started']),
  entry('screening.completed', mash['screening.completed']),
  entry('screening.overdue', mash['screening.overdue']),
  entry('rag.rated', mash['rag.rated']),
  entry('rag.overdue', mash['rag.overdue']),
  entry('triage.requested', mash['triage.requested']),
  entry('triage.response-received', mash['triage.response-received']),
  entry('mash-meeting.convened', mash['mash-meeting.convened']),
  entry('mash-meeting.record-overdue', mash['mash-meeting.record-overdue']),
  entry('mash.decided', mash['mash.decided']),
  // Legal hold (domain/legal-hold.ts): kept in the store, not the case's history, since a hold is
  // usually placed on a closed case; read into the timeline beside the history's entries. Who is the
  // actor, why the rationale. The hold is on the case and its subject (every case of the victim).
  entry('hold.placed', { holdId: z.string() }),
  // The end of the repeat window (domain/repeat-window.ts; issue 21 item 3), written by the subject's
  // workflow long after the case has usually closed, so kept in the store like the holds: when the
  // window from the victim's latest referral ended (`at`), that referral's instant, and the agencies told;
  // `notSent` when the message could not go (an agency no longer in the directory, a recipient withheld).
  entry('repeat.window-ended', { latestReferralAt: instantSchema, repeatWindow: z.string(), told: z.array(agencyIdSchema), notSent: z.string().max(500).optional() }),
  entry('hold.lifted', { holdId: z.string(), placedAt: instantSchema }),
]);

export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type TimelineType = TimelineEntry['type'];
export type TimelineData<T extends TimelineType> = Extract<TimelineEntry, { type: T }>['data'];
