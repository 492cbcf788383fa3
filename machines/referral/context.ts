import type { CaseSharingWithoutConsent } from '../../domain/sharing-without-consent';
import type { AgencyId, Actor } from '../../domain/actor';
import type { DisputeStart } from '../../domain/dispute';
import type { Notification } from '../../domain/notification';
import type { Notices } from '../../domain/notices';
import type { CaseCommand } from '../../domain/case-commands';
import type { Referral, Risk } from '../../domain/referral';
import type { Restriction } from '../../domain/restriction';
import type { RiskConfirmation } from '../../domain/risk-confirmation';
import type { ChildrenCheck } from './hearing-checks';
import type { MaracReferral } from './marac';
import type { Instant, LocalDate } from '../../domain/time';
import type { PoliceSystem, Route, TimelineEntry } from '../../domain/timeline';
import type { CaseSharing } from './information-sharing';
import type { CaseMaracReferral } from './marac-referral';
import type { MashCase } from './mash';

export type ActionStatus = 'open' | 'in-progress' | 'completed' | 'closed';

export interface ActionUpdate {
  at: Instant;
  status: ActionStatus;
  note: string;
  by: Actor;
}

/** One row of the HRDA Matrix: an agreed action, its owner and when an update is due. */
export interface MatrixAction {
  id: string;
  owner: AgencyId;
  description: string;
  /** When the owner's update is due (PROTOCOL.md §1.4: within three weeks of the hearing). */
  dueAt: Instant;
  reminderAt: Instant;
  status: ActionStatus;
  reminded: boolean;
  overdue: boolean;
  carriedFrom?: string;
  updates: ActionUpdate[];
  /** An agency contacting the victim to offer support ([002] 2.45–2.50). */
  contactsVictim?: boolean;
  /** Set at the MARAC of this instant: its outstanding actions are taken first at the next ([002] 3.12). */
  setAtMarac?: Instant;
}

export interface CheckResult {
  system: PoliceSystem;
  status: 'pending' | 'completed' | 'unavailable';
  hits?: number;
  /** What the system returned, for the meeting pack (personal data: payloads only). */
  records?: { reference: string; summary: string }[];
  error?: string;
}

export interface Lead {
  agency: AgencyId;
  /** Why this agency leads: the rule applied or who agreed it. */
  basis: string;
}

export interface ReviewRequest {
  reason: string;
  summary: string;
  requestedBy: Actor;
  requestedAt: Instant;
  meetingAt: Instant;
  /** The chairs' quality assurance point, a week before the meeting (PROTOCOL.md §1.5). */
  qaBy: Instant;
  qa: { accepted: boolean; feedback?: string; by: Actor; at: Instant } | { notQualityAssured: true } | null;
}

/** The plan of an earlier case for the same victim, in view on a repeat (issue: repeats). */
export interface PreviousPlan {
  caseId: string;
  receivedAt: Instant;
  risks: string[];
  outstandingActions: { id: string; owner: AgencyId; description: string; status: ActionStatus }[];
}

export interface RepeatInfo {
  previousCaseId: string;
  previousReceivedAt: Instant;
  plan?: PreviousPlan;
}

export interface CaseContext {
  caseId: string;
  profileId: string;
  referral: Referral;
  risk: Risk;
  repeat: RepeatInfo | null;
  route: Route | null;
  checks: CheckResult[];
  /** PROTOCOL.md §1.2: the day the information request goes out, and its 14:00 deadline. */
  circulationDay: LocalDate | null;
  circulateBy: Instant | null;
  infoRequestSentAt: Instant | null;
  summaries: Partial<Record<AgencyId, { receivedAt: Instant; summary: CaseCommand<'submitSummary'>['summary']; by: Actor }>>;
  victimContact: { at: Instant; outcome: CaseCommand<'recordVictimContact'>['outcome']; views?: string; by: Actor } | null;
  meetingAt: Instant | null;
  summaryReminderAt: Instant | null;
  summaryReminderSent: boolean;
  heardAt: Instant | null;
  risks: string[];
  actions: MatrixAction[];
  /** `case`: the lead agency of a restricted case (003 §18.3). */
  leads: Partial<Record<'victim' | 'children' | 'perpetrator' | 'case', Lead>>;
  review: ReviewRequest | null;
  reviewsHeld: { meetingAt: Instant; reason: string }[];
  /** Every dispute raised on the case, open or resolved; each runs as a child workflow. */
  disputes: DisputeStart[];
  openDisputes: string[];
  closed: { at: Instant; rationale: string; by: Actor } | null;
  /** Who submitted the referral; absent in cases begun before it was kept (the referrer's practitioner is credited). */
  submitter?: Actor | null;
  /**
   * Set when the case is restricted to a need-to-know list (domain/restriction.ts). Absent from
   * snapshots persisted before restriction existed: read it as `restriction ?? null`.
   */
  restriction?: Restriction | null;
  /** DVDS and DVPO notices (domain/notices.ts); absent in a snapshot from a run before they existed. */
  notices?: Notices;
  /** The chair's risk confirmation at the daily meeting ([002] 2.37; machines/referral/hearing-checks.ts), for a profile that asks for it. */
  riskConfirmation?: RiskConfirmation | null;
  /** [002] 2.22: the agencies' check for children linked, for a profile that asks for it. */
  childrenCheck?: ChildrenCheck | null;
  /** Referred on to the MARAC ([002] 2.53–2.54; machines/referral/marac.ts), for a profile that holds one. */
  marac?: MaracReferral | null;
  /** Police information sharing and its follow-up ([001]): only on a case of a profile that has it. */
  informationSharing?: CaseSharing;
  /** The MARAC referral and telling the victim ([001]): only on a case of a profile that has it. */
  maracReferral?: CaseMaracReferral;
  /** The MASH stage (machines/referral/mash.ts): only under a profile with a `mash` section. */
  mash?: MashCase | null;
  /** The latest decision to share without the victim's consent (machines/referral/sharing-without-consent.ts); absent when there was none. */
  sharingWithoutConsent?: CaseSharingWithoutConsent;
  timeline: TimelineEntry[];
  /** Messages queued by transitions, until the host reports them handed to the mail port. */
  outbox: Notification[];
}

export interface CaseInput {
  caseId: string;
  profileId: string;
  referral: Referral;
  repeat: RepeatInfo | null;
  /** Who submitted the referral (their token's `sub`): on the need-to-know list of a case restricted at intake. */
  submittedBy?: string | null;
  /** Who submitted the referral (role and agency), as its timeline entry credits it. */
  submitter?: Actor | null;
  /**
   * Whether the referral's flags restrict the case at intake (default true). The workflow passes
   * false when replaying a history recorded before restriction existed (`patched`).
   */
  restrictAtIntake?: boolean;
}
