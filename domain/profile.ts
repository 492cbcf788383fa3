import { z } from 'zod';
import { agencyIdSchema } from './actor';
import { informationSharingSchema } from './information-sharing';
import { maracReferralSchema } from './marac-referral';
import { referralFlags, riskSchema } from './referral';
import { localTimeSchema, weekdaySchema, weeklySlotSchema } from './time';
import { maracSchema } from './marac';
import { riskConfirmationSchema } from './risk-confirmation';
import { triageSchema } from './triage';
import { victimContactRulesSchema } from './victim-contact';
import { isoDurationSchema } from './iso-duration';
import { mashProfileSchema } from './mash';
import { sharingWithoutConsentProfileSchema } from './sharing-without-consent';

// Its own module, so that profile sections defined apart (domain/mash.ts, domain/marac.ts) use it without an import cycle.
export { isoDurationSchema };

/** A key the daily agenda is ordered by (PROTOCOL.md §1.3; other protocols order differently, e.g. [002] 2.20). */
export const agendaOrderKeySchema = z.enum([
  'children-first', 'risk', 'received', 'repeat-first', 'rolled-over-first',
  // [002] 2.20 (machines/meeting/agenda-order.ts): DVDS first, DVPOs then standard-risk repeats last,
  // police incidents before other referrals before MARAC transfers, police incidents high risk first.
  'dvds-first', 'dvpo-last', 'standard-repeats-last', 'source', 'police-by-risk',
  // [002] 3.7: the MARAC's categories, information only first.
  'marac-category',
]);
export type AgendaOrderKey = z.infer<typeof agendaOrderKeySchema>;

const agencySchema = z.object({
  id: agencyIdSchema,
  name: z.string().min(1),
  /** The agency's secure mailbox for HRDA business (the agency directory). */
  mailbox: z.email(),
});

/**
 * A local protocol as data (ARCHITECTURE.md "Profiles are data"). Every day, time, deadline,
 * agency and rule the engine applies comes from here, never from a literal in code.
 */
export const profileSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  /** The protocol document the profile reads (shared/seeds). */
  source: z.string().min(1),
  agencies: z.array(agencySchema).min(1),
  administrator: z.object({ agency: agencyIdSchema, mailbox: z.email() }),
  assessment: z.object({
    /** A DASH score at or above this is high risk unless a recorded override says otherwise. */
    dashHighThreshold: z.number().int().min(0).max(27),
  }),
  routing: z.object({
    high: z.literal('hrda'),
    medium: z.enum(['hrda', 'medium-risk-offer']),
    standard: z.enum(['hrda', 'medium-risk-offer', 'standard-risk-offer']),
    /** Who delivers each offer outside HRDA. */
    offers: z.object({ 'medium-risk-offer': agencyIdSchema, 'standard-risk-offer': agencyIdSchema }),
    /** A further referral within this period of the latest earlier one is a repeat, heard whatever its level. */
    repeatWindow: isoDurationSchema,
    /** A protocol that hears some referrals below its routing levels ([002] 2.2, 2.5; domain/triage.ts). */
    triage: triageSchema.optional(),
  }),
  checks: z.object({
    systems: z.array(z.enum(['niche', 'pnd', 'pnc'])).min(1),
    /** Retries of a failing police system, and when to stop and tell the administrator. */
    retry: z.object({
      initialInterval: isoDurationSchema,
      backoffCoefficient: z.number().min(1),
      maximumInterval: isoDurationSchema,
      giveUpAfter: isoDurationSchema,
    }),
  }),
  /**
   * DVDS: the agency that signs off the disclosure wording agreed at the daily meeting
   * (domain/notices.ts); `minimumRisk`: a disclosure is recorded only on a case at this risk level
   * or above ([001] DVDS: "at least Medium Risk").
   */
  dvds: z.object({ signOffBy: agencyIdSchema, minimumRisk: riskSchema.optional() }).default({ signOffBy: 'police' }),
  /** The chair's risk confirmation at the daily meeting, before its outcome ([002] 2.26, 2.37–2.41; domain/risk-confirmation.ts). */
  riskConfirmation: riskConfirmationSchema.optional(),
  /** Who contacts the victim after the daily meeting ([002] 2.45–2.50; domain/victim-contact.ts). */
  victimContact: victimContactRulesSchema.optional(),
  /** [002] 2.22: agencies confirm that a case with no children linked has none before its outcome (domain/children-check.ts). */
  childrenCheck: z.boolean().optional(),
  infoRequest: z.object({
    /** The request goes out by this time on the circulation day (PROTOCOL.md §1.2). */
    cutoff: localTimeSchema,
    /** A different cut-off on some weekdays ([002] 2.14: 11:00 on a Monday); `cutoff` on the others. */
    cutoffByWeekday: z.partialRecord(weekdaySchema, localTimeSchema).optional(),
    agencies: z.array(agencyIdSchema).min(1),
  }),
  dailyMeeting: z.object({
    /** What papers and calendars call the meeting (e.g. the DRAMM); "HRDA daily meeting" when unset. */
    name: z.string().min(1).optional(),
    slots: z.array(weeklySlotSchema).min(1),
    /**
     * Heard at the first meeting at or after the information-request cut-off of the circulation day
     * ([002] 2.14, 2.17: shared by 10:00, heard at 11:30 that day), instead of the first meeting on a
     * later day (PROTOCOL.md §1.3, "on the next day").
     */
    heardOnCirculationDay: z.boolean().optional(),
    /** [002] 1.2, 2.5: the police incidents of this many hours before the day's sharing cut-off (72 on a Monday). */
    incidentWindow: z.object({
      hours: z.number().int().min(1),
      byWeekday: z.partialRecord(weekdaySchema, z.number().int().min(1)).optional(),
    }).optional(),
    /** Reminder to agencies that have not returned a summary, on the meeting day. */
    summaryReminderAt: localTimeSchema,
    /** Facilitating agency for each meeting weekday (the rota of PROTOCOL.md §1.3). */
    facilitators: z.partialRecord(weekdaySchema, agencyIdSchema),
    /** How the agenda is ordered, most significant key first; ties go by time received, then case ID. */
    agendaOrder: z.array(agendaOrderKeySchema).default(['children-first', 'risk', 'received']),
    /** The agenda freezes (and the pack is circulated) at this time, this many working days before the meeting. */
    agendaFreeze: z.object({
      workingDaysBefore: z.number().int().min(0),
      at: localTimeSchema,
      /** A different time on some weekdays of the freeze day ([002] 2.14: 11:00 on a Monday). */
      byWeekday: z.partialRecord(weekdaySchema, localTimeSchema).optional(),
    }).default({ workingDaysBefore: 1, at: '14:00' }),
    /** Items still taken onto a frozen agenda until the meeting starts (their papers have already been circulated). */
    lateAdditions: z.array(z.enum(['new-referral', 'rolled-over'])).default(['rolled-over']),
    /** How long the meeting sits in agencies' calendars. */
    duration: isoDurationSchema.default('PT2H'),
    /** After the start: outcomes are taken until then; cases not heard roll over and the minutes go out. */
    outcomesBy: isoDurationSchema.default('PT5H'),
    /** Agencies that attend and receive the pack and the minutes; the information-request list when unset. */
    attendees: z.array(agencyIdSchema).optional(),
  }),
  leads: z.object({
    victim: agencyIdSchema,
    /** The protocol's words for why that agency leads for the victim, as the timeline gives them. */
    victimBasis: z.string().min(1).default('the Domestic Abuse Advisor leads for the victim'),
    children: agencyIdSchema,
    /** Perpetrator lead set automatically for these MAPPA levels. */
    perpetratorByMappa: z.object({ levels: z.array(z.number().int().min(1).max(3)), agency: agencyIdSchema }),
  }),
  actions: z.object({
    /** Owners update the administrator within this period of the hearing (PROTOCOL.md §1.4). */
    updateWithin: isoDurationSchema,
    reminderBefore: isoDurationSchema,
  }),
  /**
   * The monthly management review (the HRDAP of PROTOCOL.md §1.5). A protocol without one (its
   * cases are heard at a MARAC and reviewed there) leaves it out, and review requests are refused.
   */
  monthlyMeeting: z.object({
    weekday: weekdaySchema,
    /** Which occurrence of the weekday in the month (4 = fourth). */
    nth: z.number().int().min(1).max(5),
    time: localTimeSchema,
    /** The chairs' QA and the circulation of summaries happen this long before the meeting. */
    qaBefore: isoDurationSchema,
    reasons: z.array(z.string().min(1)).min(1),
    /** The agency whose representative facilitates the meeting (PROTOCOL.md §1.5). */
    facilitator: agencyIdSchema.optional(),
    duration: isoDurationSchema.default('PT2H'),
    /** After the start: review outcomes are taken until then, and the minutes go out. */
    outcomesBy: isoDurationSchema.default('PT8H'),
    /** Agencies that receive the case summaries and the minutes; the information-request list when unset. */
    attendees: z.array(agencyIdSchema).optional(),
  }).optional(),
  /** The MARAC the daily meeting refers high-risk cases on to ([002] 2.53, section 3; domain/marac.ts). */
  marac: maracSchema.optional(),
  /** Police information sharing with health and children's social care, and their follow-up ([001]; domain/information-sharing.ts). */
  informationSharing: informationSharingSchema.optional(),
  /** MARAC referral whatever the victim's consent, the victim being told ([001]; domain/marac-referral.ts). */
  maracReferral: maracReferralSchema.optional(),
  /**
   * Sharing without the victim's consent (domain/sharing-without-consent.ts): the lawful bases the
   * area accepts. With it, a referral (or a "victim told" update) without consent to share is refused
   * unless it gives one of them and who decided. Absent: no basis is asked for.
   */
  sharingWithoutConsent: sharingWithoutConsentProfileSchema.optional(),
  /** The escalation protocol (PROTOCOL.md §1.6): ordered steps, each with its owner and its clock. */
  escalation: z.object({
    areas: z.array(z.string().min(1)).min(1),
    steps: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9-]+$/),
          /** Stage number as the protocol counts them (1, 2, 3). */
          stage: z.number().int().min(1),
          owner: z.string().min(1),
          /** "1 working day" counts working days; "24 hours" is an ISO duration of clock time. */
          deadline: z.union([z.object({ workingDays: z.number().int().min(1) }), z.object({ duration: isoDurationSchema })]),
          /** What the owner must produce to close the step, e.g. the Strategic Lead's written response. */
          requires: z.enum(['agreement', 'written-response', 'referral']).default('agreement'),
          /** Marking required on written referrals at this step. */
          marking: z.string().optional(),
        }),
      )
      .min(1),
    reminderBefore: isoDurationSchema,
    /** An overdue action opens an "actions not progressed" dispute by itself after this grace period. */
    actionsNotProgressedAfter: isoDurationSchema,
  }),
  /**
   * How long a subject's personal data is kept: this long after the latest referral about them (the
   * clock restarts on every repeat), and never while one of their cases is open. Then each case's
   * data key is destroyed (crypto-shredding, docs/data-protection.md). The seed protocols set no
   * period; it is the area's information-sharing agreement that does.
   */
  retention: z.object({ afterLatestReferral: isoDurationSchema }),
  /** Restricted cases (003_bc8e99d0a5350bae.txt §18; domain/restriction.ts). */
  restriction: z.object({
    /** Referral flags that restrict a case at intake. */
    flags: z.array(z.enum(referralFlags)),
    /** The lead agency of a restricted case. */
    leadAgency: agencyIdSchema,
  }).default({ flags: ['honour-based-violence', 'forced-marriage'], leadAgency: 'police' }),
  /**
   * The area's adult female population, for the dashboard's cases per 10,000 adult women (SafeLives
   * compares each Marac's rate with the national one). `source` says where the figure comes from, so
   * whoever reads the dashboard can check it. Absent: the dashboard says the rate is not configured.
   */
  population: z.object({ adultWomen: z.number().int().positive(), source: z.string().min(1) }).optional(),
  /** The MASH stage (domain/mash.ts): screening, RAG rating, triage and the MASH meeting before any MARAC. Absent: no MASH stage. */
  mash: mashProfileSchema.optional(),
  workflow: z.object({
    /** Continue-as-new once the history has this many events, well before Temporal's limits. */
    continueAsNewAfterEvents: z.number().int().min(100),
  }),
});

export type Profile = z.infer<typeof profileSchema>;
export type ProfileAgency = Profile['agencies'][number];
