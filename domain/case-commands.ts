import { z } from 'zod';
import { actorSchema, agencyIdSchema } from './actor';
import { disclosureConsentFields } from './disclosure';
import { disputeIdSchema } from './dispute';
import { childrenCheckCommandFields } from './children-check';
import { maracCommandFields } from './marac';
import { informationSharingCommandFields } from './information-sharing';
import { maracReferralCommandFields } from './marac-referral';
import { mashCommandFields, recordScreeningRules } from './mash';
import { noticeCommandFields } from './notices';
import { riskConfirmationCommandFields } from './risk-confirmation';
import { riskSchema } from './referral';
import { needToKnowSchema, staffSubSchema } from './restriction';
import { actionStatusSchema, victimContactOutcomeSchema } from './timeline';
import { multiLineText, singleLineText, textLimits } from './text';
import { instantInputSchema } from './time';

/**
 * What people do to a case: one schema per user action. A scenario step (CONTRACT.md §3)
 * and an HTTP write carry the same fields; `actor` says who acted.
 */
const text = multiLineText(textLimits.note);
/** Risks and actions one Matrix or review may record: well above any real plan. */
export const maxPlanItems = 50;

export const agencySummarySchema = z.object({
  involvement: text,
  risks: text,
  actionsTaken: text,
  recommendations: text,
});

export const actionInputSchema = z.object({
  id: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"'),
  owner: agencyIdSchema,
  description: text,
  /** Defaults to the profile's update period after the hearing. */
  dueAt: instantInputSchema.optional(),
  /** The action is an agency contacting the victim to offer support ([002] 2.45–2.50; domain/victim-contact.ts). */
  contactsVictim: z.boolean().optional(),
});

export const leadsInputSchema = z.object({
  victim: agencyIdSchema.optional(),
  children: agencyIdSchema.optional(),
  perpetrator: agencyIdSchema.optional(),
});

/** Each action's own fields; `actor` is added by caseCommandSchemas. */
export const caseCommandFields = {
  submitSummary: z.object({ agency: agencyIdSchema, summary: agencySummarySchema }),
  recordVictimContact: z.object({
    outcome: victimContactOutcomeSchema,
    views: text.optional(),
    chosenLeadAgency: agencyIdSchema.optional(),
  }),
  recordMeetingOutcome: z.object({
    outcome: z.object({
      risks: z.array(text).min(1, 'the HRDA Matrix records at least one risk').max(maxPlanItems),
      actions: z.array(actionInputSchema).max(maxPlanItems),
      leads: leadsInputSchema.default({}),
      rationale: text,
    }),
  }),
  updateAction: z.object({ actionId: z.string().min(1).max(64), status: actionStatusSchema.exclude(['open']), note: text }),
  requestReview: z.object({ reason: singleLineText(textLimits.shortText), summary: text }),
  recordQaDecision: z.object({ accepted: z.boolean(), feedback: text.optional() }),
  recordReviewOutcome: z.object({
    risks: z.array(text).max(maxPlanItems).default([]),
    actions: z.array(actionInputSchema).max(maxPlanItems).default([]),
    rationale: text,
  }),
  changeRisk: z.object({ risk: riskSchema, rationale: text }),
  /** Any practitioner on a case may raise a dispute (PROTOCOL.md §1.6); it runs as a workflow of its own. */
  raiseDispute: z.object({
    dispute: disputeIdSchema,
    area: z.string().min(1).max(200),
    raisedBy: agencyIdSchema,
    with: z.union([agencyIdSchema.transform((a) => [a]), z.array(agencyIdSchema).min(1).max(30)]),
    matter: text.optional(),
  }),
  closeCase: z.object({ rationale: text }),
  /** The chair alone ([002] 3.39–3.40); the case refuses anyone else. */
  recordDisclosureConsent: disclosureConsentFields,
  /** A chair restricts the case to a need-to-know list of staff references (token subs); the chair is added to it. */
  restrictCase: z.object({ rationale: text, needToKnow: needToKnowSchema }),
  /** A chair adds people to, or removes them from, a restricted case's need-to-know list. */
  amendNeedToKnow: z.object({
    add: z.array(staffSubSchema).max(50).default([]),
    remove: z.array(staffSubSchema).max(50).default([]),
    rationale: text,
  }),
  /** DVDS and DVPO notices as items of their own (domain/notices.ts). */
  ...noticeCommandFields,
  /** The chair confirms the level at the daily meeting ([002] 2.26, 2.37–2.41). */
  ...riskConfirmationCommandFields,
  /** The agencies' check that a case listed with no children linked has none ([002] 2.22). */
  ...childrenCheckCommandFields,
  /** Referral on to the MARAC and its outcome ([002] 2.28, 2.53–2.54, section 3). */
  ...maracCommandFields,
  /** First Response's decision and health's sharing after a police information sharing (domain/information-sharing.ts). */
  ...informationSharingCommandFields,
  /** The victim told of the MARAC referral (domain/marac-referral.ts). */
  ...maracReferralCommandFields,
  /** The MASH stage of a profile that has one (domain/mash.ts). */
  ...mashCommandFields,
} as const;

const f = caseCommandFields;
const actor = { actor: actorSchema };

/** The full command each update takes: the action's fields plus who acts. */
export const caseCommandSchemas = {
  submitSummary: f.submitSummary.extend(actor),
  recordVictimContact: f.recordVictimContact.extend(actor),
  recordMeetingOutcome: f.recordMeetingOutcome.extend(actor),
  updateAction: f.updateAction.extend(actor),
  requestReview: f.requestReview.extend(actor),
  recordQaDecision: f.recordQaDecision.extend(actor).refine((d) => d.accepted || d.feedback, {
    message: 'feedback is required when a review request is not accepted (it goes back to the professional)',
    path: ['feedback'],
  }),
  recordReviewOutcome: f.recordReviewOutcome.extend(actor),
  changeRisk: f.changeRisk.extend(actor),
  raiseDispute: f.raiseDispute.extend(actor),
  closeCase: f.closeCase.extend(actor),
  recordDisclosureConsent: f.recordDisclosureConsent.extend(actor),
  restrictCase: f.restrictCase.extend(actor),
  amendNeedToKnow: f.amendNeedToKnow.extend(actor)
    .refine((d) => d.add.length + d.remove.length > 0, { message: 'name someone to add or to remove', path: ['add'] })
    .refine((d) => !d.add.some((s) => d.remove.includes(s)), { message: 'a person cannot be both added and removed', path: ['remove'] }),
  recordDvds: f.recordDvds.extend(actor),
  signOffDvds: f.signOffDvds.extend(actor),
  recordDvpo: f.recordDvpo.extend(actor),
  reportDvpoBreach: f.reportDvpoBreach.extend(actor),
  confirmRisk: f.confirmRisk.extend(actor),
  recordChildrenCheck: f.recordChildrenCheck.extend(actor)
    .refine((d) => d.found.length === 0 || d.foundBy !== undefined, { message: 'name the agency whose records show the children', path: ['foundBy'] }),
  referToMarac: f.referToMarac.extend(actor),
  recordMaracOutcome: f.recordMaracOutcome.extend(actor),
  recordFirstResponseDecision: f.recordFirstResponseDecision.extend(actor),
  recordHealthSharing: f.recordHealthSharing.extend(actor),
  recordVictimTold: f.recordVictimTold.extend(actor),
  recordScreening: f.recordScreening.extend(actor).superRefine(recordScreeningRules),
  setRagRating: f.setRagRating.extend(actor),
  recordTriageResponse: f.recordTriageResponse.extend(actor),
  conveneMashMeeting: f.conveneMashMeeting.extend(actor),
  recordMashDecision: f.recordMashDecision.extend(actor),
} as const;

export type CaseCommandName = keyof typeof caseCommandSchemas;
export type CaseCommand<N extends CaseCommandName> = z.output<(typeof caseCommandSchemas)[N]>;
export type CaseCommandInput<N extends CaseCommandName> = z.input<(typeof caseCommandSchemas)[N]>;
export const caseCommandNames = Object.keys(caseCommandSchemas) as CaseCommandName[];
