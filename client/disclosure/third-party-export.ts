import type { Actor } from '../../domain/actor';
import type { DisclosurePart, DisclosurePurpose } from '../../domain/disclosure';
import type { Referral } from '../../domain/referral';
import type { TimelineEntry } from '../../domain/timeline';
import type { CaseView } from '../../machines/referral';

/** The chair's consent as the timeline recorded it ([002] 3.39–3.40). */
export interface RecordedConsent {
  consentId: string;
  recipient: string;
  purpose: DisclosurePurpose;
  scope: DisclosurePart[];
  expiresAt?: string;
  consentedAt: string;
  consentedBy: Actor;
  rationale?: string;
}

/** An export for a third party: marked with the consent it was made under, holding only what that consent covers. */
export interface ThirdPartyExport {
  marking: string;
  consent: RecordedConsent;
  caseId: string;
  exportedAt: string;
  case?: Pick<CaseView, 'caseId' | 'profile' | 'stage' | 'risk' | 'route' | 'receivedAt' | 'meetingAt' | 'heardAt' | 'closed'>;
  referral?: Referral;
  timeline?: TimelineEntry[];
  matrix?: Pick<CaseView, 'risks' | 'actions' | 'leads'>;
  agencySummaries?: CaseView['summaries'];
  victimContact?: CaseView['victimContact'];
}

/** Refused: no consent of that id on the case, or it has expired. The message names the consent and the case, nothing more. */
export class DisclosureRefusedError extends Error {
  override readonly name = 'DisclosureRefusedError';
  constructor(readonly caseId: string, readonly consentId: string, readonly reason: 'no-consent' | 'expired', message: string) {
    super(message);
  }
}

export function recordedConsent(timeline: TimelineEntry[], consentId: string): RecordedConsent | undefined {
  const entry = timeline.find((e): e is Extract<TimelineEntry, { type: 'disclosure.consented' }> => e.type === 'disclosure.consented' && e.data.consentId === consentId);
  if (!entry) return undefined;
  return { ...entry.data, consentedAt: entry.at, consentedBy: entry.actor, ...(entry.rationale ? { rationale: entry.rationale } : {}) };
}

/**
 * PROTOCOL.md §1.1 and [002] 3.41: an export never carries how to reach the perpetrator or anyone
 * connected to them. Their names stay (the recipient needs to know who), their contact details go.
 */
export function withoutPerpetratorContacts(referral: Referral): Referral {
  const { contact: _contact, associates, ...perpetrator } = referral.perpetrator;
  return {
    ...referral,
    perpetrator: { ...perpetrator, ...(associates ? { associates: associates.map(({ contact: _c, ...a }) => a) } : {}) },
    household: referral.household.map((m) => {
      if (!m.connectedToPerpetrator) return m;
      const { contact: _c, ...rest } = m;
      return rest;
    }),
  };
}

/**
 * The export of a case for a third party ([002] 3.39–3.40), or DisclosureRefusedError when the
 * chair has recorded no consent of that id on the case, or it has expired.
 */
export function thirdPartyExport(view: CaseView, timeline: TimelineEntry[], consentId: string, now: Date = new Date()): ThirdPartyExport {
  const consent = recordedConsent(timeline, consentId);
  if (!consent) {
    throw new DisclosureRefusedError(view.caseId, consentId, 'no-consent', `Case ${view.caseId} has no recorded consent "${consentId}" of the MARAC chair: information goes to no third party without it ([002] 3.39–3.40). The chair records it with recordDisclosureConsent.`);
  }
  if (consent.expiresAt && Date.parse(consent.expiresAt) <= now.getTime()) {
    throw new DisclosureRefusedError(view.caseId, consentId, 'expired', `Consent "${consentId}" on case ${view.caseId} expired at ${consent.expiresAt}; the chair must record a new one.`);
  }
  const has = (part: DisclosurePart) => consent.scope.includes(part);
  return {
    marking: `Disclosed to ${consent.recipient} for ${consent.purpose} under the express consent of the MARAC chair, reference ${consent.consentId} (recorded ${consent.consentedAt}). Not to be shared further, nor with the perpetrator or anyone connected to them.`,
    consent,
    caseId: view.caseId,
    exportedAt: now.toISOString(),
    ...(has('case') ? { case: { caseId: view.caseId, profile: view.profile, stage: view.stage, risk: view.risk, route: view.route, receivedAt: view.receivedAt, meetingAt: view.meetingAt, heardAt: view.heardAt, closed: view.closed } } : {}),
    ...(has('referral') ? { referral: withoutPerpetratorContacts(view.referral) } : {}),
    ...(has('timeline') ? { timeline } : {}),
    ...(has('matrix') ? { matrix: { risks: view.risks, actions: view.actions, leads: view.leads } } : {}),
    ...(has('agency-summaries') ? { agencySummaries: view.summaries } : {}),
    ...(has('victim-contact') ? { victimContact: view.victimContact } : {}),
  };
}
