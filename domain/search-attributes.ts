/**
 * The custom search attributes the service registers on its namespace.
 * They are what ops staff filter on in the Web UI and `temporal workflow list --query`,
 * so they carry opaque identifiers, stages and instants only — never personal data.
 */
export const searchAttributeTypes = {
  /** Which kind of workflow: case, dispute, daily-meeting, monthly-meeting, subject. */
  HrdaKind: 'Keyword',
  /** The profile (local protocol) the workflow runs, e.g. dorset-hrda. */
  HrdaProfile: 'Keyword',
  /** A case's public stage (the stable vocabulary of the timeline, not internal state names). */
  HrdaStage: 'Keyword',
  HrdaRisk: 'Keyword',
  HrdaRoute: 'Keyword',
  /** Agencies involved in the case: what an agency's case list filters on. */
  HrdaAgencies: 'KeywordList',
  /** The earliest pending protocol deadline of the case. */
  HrdaNextDeadline: 'Datetime',
  /** The meeting the case is next to be heard at. */
  HrdaNextMeeting: 'Datetime',
  HrdaOverdueActions: 'Int',
  HrdaOpenDisputes: 'Int',
  /** Whether the case is restricted to a need-to-know list (domain/restriction.ts). */
  HrdaRestricted: 'Bool',
  /** A restricted case's need-to-know list: staff references (token subs), never a victim's data. */
  HrdaNeedToKnow: 'KeywordList',
} as const;

export type SearchAttributeName = keyof typeof searchAttributeTypes;
export type SearchAttributeType = (typeof searchAttributeTypes)[SearchAttributeName];
