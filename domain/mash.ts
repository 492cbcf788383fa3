import { z } from 'zod';
import { multiLineText, textLimits } from './text';
import { agencyIdSchema, roleSchema } from './actor';
import { isoDurationSchema } from './iso-duration';
import { referralFlags, riskSchema } from './referral';
import { instantInputSchema, instantSchema, weeklySlotSchema } from './time';

/**
 * The Multi-agency Safeguarding Hub stage of a case (issue 8 item 3): the Warwickshire MASH
 * Practice Guidance for domestic abuse, shared/seeds/003_bc8e99d0a5350bae.txt ("003" below).
 * Every incident is screened (§7.2–7.3, §9.3); one referred into the MASH is RAG-rated by a team
 * manager, which sets its timescale (§12.1); triage asks the agencies for what they hold (§14.3–
 * 14.4); a MASH meeting may be convened, its record due within 24 hours of the referral (§14.8);
 * the triage or meeting decision closes the case or, when §17.2's criteria are met, refers it to
 * MARAC. A profile runs this stage when it has a `mash` section; other profiles never enter it.
 */

const kebab = z.string().max(64).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, e.g. early-help');
const text = multiLineText(textLimits.note);

/** 003 §7.3.1(3): what the support officers decide for each incident. */
export const screeningOutcomes = ['no-further-action', 'share-for-support', 'refer-to-mash'] as const;
export const screeningOutcomeSchema = z.enum(screeningOutcomes);
export type ScreeningOutcome = z.infer<typeof screeningOutcomeSchema>;

/** 003 §12.1: the MASH RAG rating; its timescale is the profile's. */
export const ragRatings = ['red', 'amber', 'green'] as const;
export const ragRatingSchema = z.enum(ragRatings);
export type RagRating = z.infer<typeof ragRatingSchema>;

/** 003 §14.8: a strategy discussion (children's social care) or a MASH meeting. */
export const mashMeetingKinds = ['mash-meeting', 'strategy-discussion'] as const;
export const mashMeetingKindSchema = z.enum(mashMeetingKinds);
export type MashMeetingKind = z.infer<typeof mashMeetingKindSchema>;

/**
 * Why a case is referred to MARAC (003 §17.2), as the timeline names it: its risk level, a repeat
 * within the repeat window of a case referred to MARAC, a referral flag (escalation), or the
 * professional judgement that risk may escalate.
 */
export const maracCriteria = ['risk-level', 'repeat', 'flagged', 'professional-judgement'] as const;
export type MaracCriterion = (typeof maracCriteria)[number];

/** The `mash` section of a profile (domain/profile.ts). */
export const mashProfileSchema = z.object({
  screening: z.object({
    /** 003 §7.3.1(9): standard-risk incidents are completed within 72 hours of receipt, by risk level. */
    completeWithin: z.partialRecord(riskSchema, isoDurationSchema).default({}),
    /** 003 §7.3.1(3b): the agencies an incident may be shared with for early help or targeted support. */
    shareWith: z.array(agencyIdSchema).min(1),
  }),
  /**
   * The agency that screens an incident and leads it in the MASH: the police for their own
   * incidents (§7.2), social care for other agencies' referrals (§9.3); the lead agency triggers
   * triage (§14.3–14.4). A restricted case is led by the restriction's lead agency (§18.3).
   */
  lead: z.object({ byReferrer: z.record(agencyIdSchema, agencyIdSchema).default({}), otherwise: agencyIdSchema }),
  /** 003 §12.1, §14.5: who acts as the MASH team manager (rates referrals, authorises decisions). */
  teamManager: z.object({ roles: z.array(roleSchema).min(1), agencies: z.array(agencyIdSchema).min(1) }),
  /** 003 §12.1: each rating's timescale for completion through the MASH, from the referral's receipt on the MASH system. */
  rag: z.object({ timescales: z.object({ red: isoDurationSchema, amber: isoDurationSchema, green: isoDurationSchema }) }),
  triage: z.object({
    /** 003 §14.2: triage always includes these agencies within the MASH. */
    agencies: z.array(agencyIdSchema).min(1),
    /** 003 §14.4: agencies outside the MASH, asked through their single point of contact by secure email. */
    spocAgencies: z.array(agencyIdSchema).default([]),
    /** 003 §14.4: what a response carries in its title heading. */
    responseMarking: z.string().min(1),
  }),
  /** 003 §14.8: the record of the MASH meeting is completed within this period of the referral's receipt on the MASH system. */
  meeting: z.object({ recordWithin: isoDurationSchema }),
  /** 003 §14.6, §15.5 (lists "not exhaustive"): what triage or a MASH meeting may decide, and who is told. */
  outcomes: z.array(z.object({ id: kebab, description: z.string().min(1), notify: z.array(agencyIdSchema).default([]) })).min(1),
  /** 003 §17.2: referred to MARAC when high risk, a repeat within the repeat window, or escalating. */
  marac: z.object({ risks: z.array(riskSchema), repeat: z.boolean(), flags: z.array(z.enum(referralFlags)) }),
  /** 003 §7.3.1(10): the weekly report of incidents completed and outstanding. */
  weeklyReport: z.object({ weekEnds: weeklySlotSchema, risks: z.array(riskSchema).min(1) }),
  /** 003 §19.5.2: the audit's random sample of incidents not referred into the MASH. */
  audit: z.object({ sampleSize: z.number().int().min(1), risks: z.array(riskSchema).min(1) }),
});
export type MashProfile = z.infer<typeof mashProfileSchema>;

/** Each MASH action's own fields (domain/case-commands.ts adds `actor`). */
export const mashCommandFields = {
  /** 003 §7.3.1(3), §13: the screening decision, by the police support officers or social care. */
  recordScreening: z.object({
    outcome: screeningOutcomeSchema,
    sharedWith: z.array(agencyIdSchema).max(30).default([]),
    rationale: text,
  }),
  /** 003 §12.1, §14.5: the team manager's RAG rating; again at the end of triage to re-assess it. */
  setRagRating: z.object({ rating: ragRatingSchema, rationale: text }),
  /** 003 §14.3–14.4: an agency's chronology and summary; `title` is the heading of a response that came by email. */
  recordTriageResponse: z.object({
    agency: agencyIdSchema,
    title: z.string().trim().min(1).max(500).optional(),
    response: z.object({ chronology: text, summary: text }),
  }),
  /** 003 §14.2, §14.8: a MASH meeting or strategy discussion is convened, at a set time. */
  conveneMashMeeting: z.object({ kind: mashMeetingKindSchema, meetingAt: instantInputSchema, rationale: text }),
  /**
   * 003 §14.5–14.7 (after triage) and §14.8, §15.5 (the MASH meeting record): the outcomes, the
   * lead agency's decision and why. `referToMarac` records professional judgement that risk may
   * escalate (§17.2); a case that meets §17.2's other criteria is referred whatever it says.
   */
  recordMashDecision: z.object({
    outcomes: z.array(kebab).min(1, 'name at least one outcome (003 §14.6, §15.5)').max(20),
    leadAgency: agencyIdSchema.optional(),
    referToMarac: z.boolean().optional(),
    rationale: text,
  }),
} as const;

/** Cross-field rules of the commands, applied to the full command (domain/case-commands.ts). */
export const recordScreeningRules = <T extends { outcome: ScreeningOutcome; sharedWith: string[] }>(d: T, ctx: z.RefinementCtx) => {
  if (d.outcome === 'share-for-support' && d.sharedWith.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['sharedWith'], message: 'name the agencies the incident is shared with for early help or targeted support (003 §7.3.1(3b))' });
  }
  if (d.outcome !== 'share-for-support' && d.sharedWith.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['sharedWith'], message: `an incident is shared with agencies only when the outcome is share-for-support, not ${d.outcome}` });
  }
};

/** The data of the MASH stage's timeline entries (domain/timeline.ts): identifiers, levels, agencies and instants only. */
export const mashTimelineData = {
  'screening.started': { risk: riskSchema, completeBy: instantSchema.optional() },
  'screening.completed': {
    outcome: screeningOutcomeSchema, sharedWith: z.array(agencyIdSchema), leadAgency: agencyIdSchema.optional(),
    completeBy: instantSchema.optional(), late: z.boolean(),
  },
  'screening.overdue': { dueAt: instantSchema },
  'rag.rated': { rating: ragRatingSchema, previous: ragRatingSchema.optional(), referredAt: instantSchema, dueAt: instantSchema },
  'rag.overdue': { rating: ragRatingSchema, dueAt: instantSchema, awaiting: z.array(agencyIdSchema) },
  'triage.requested': { agencies: z.array(agencyIdSchema), withheldFrom: z.array(agencyIdSchema), rating: ragRatingSchema, respondBy: instantSchema, marking: z.string() },
  'triage.response-received': { agency: agencyIdSchema, respondBy: instantSchema, late: z.boolean() },
  'mash-meeting.convened': { kind: mashMeetingKindSchema, meetingAt: instantSchema, recordBy: instantSchema },
  'mash-meeting.record-overdue': { kind: mashMeetingKindSchema, meetingAt: instantSchema, recordBy: instantSchema },
  'mash.decided': {
    outcomes: z.array(z.string()), leadAgency: agencyIdSchema, meeting: z.boolean(), notified: z.array(agencyIdSchema),
    /** The RAG timescale's end, and for a MASH meeting the record's deadline; `late` when either had passed. */
    dueAt: instantSchema, recordBy: instantSchema.optional(), late: z.boolean(),
  },
  'marac.referred': { criteria: z.array(z.enum(maracCriteria)) },
} as const;
