import { referralSchema, type Referral, type ReferralInput } from '../../domain/referral';

/** A valid referral in the shape of CONTRACT.md §1, with fictional people; override what a test needs. */
export function exampleReferral(overrides: Partial<ReferralInput> = {}): ReferralInput {
  // The incident is the night before the referral, whenever the test receives it: a referral
  // about an incident still to come is refused (domain/referral-validation.ts).
  const receivedAt = overrides.receivedAt ?? '2026-11-24T10:00:00Z';
  const occurredAt = new Date(Date.parse(receivedAt) - (11 * 60 + 50) * 60_000).toISOString().replace('.000Z', 'Z');
  return {
    receivedAt: '2026-11-24T10:00:00Z',
    referrer: { agency: 'police', name: 'PC Example', contact: 'sru@example.org' },
    assessment: { tool: 'police-dash', risk: 'high', score: 15 },
    incident: { occurredAt, summary: 'Assault at the family home; strangulation reported.', flags: ['strangulation'] },
    victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    perpetrator: { name: 'Blake Example', dateOfBirth: '1988-02-02', mappaLevel: 2, contact: { email: 'blake@example.net', phone: '07700900123' } },
    children: [{ name: 'Casey Example', dateOfBirth: '2019-06-30' }],
    ...overrides,
  };
}

export function parsedReferral(overrides: Partial<ReferralInput> = {}): Referral {
  return referralSchema.parse(exampleReferral(overrides)) as Referral;
}

/**
 * A victim's consent to share absent, with the lawful basis and who decided (issue 21 item 5): what
 * a referral without consent carries under every profile (domain/sharing-without-consent.ts).
 */
export const noConsentToShare = {
  share: false,
  contact: true,
  sharingWithoutConsent: { basis: 'safeguarding-individuals-at-risk', decidedBy: { role: 'Detective Sergeant, Public Protection Unit', agency: 'police' } },
} as const satisfies ReferralInput['victim']['consent'];
