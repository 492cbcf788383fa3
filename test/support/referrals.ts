import { referralSchema, type Referral, type ReferralInput } from '../../domain/referral';

/** A valid referral in the shape of CONTRACT.md §1, with fictional people; override what a test needs. */
export function exampleReferral(overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    receivedAt: '2026-11-24T10:00:00Z',
    referrer: { agency: 'police', name: 'PC Example', contact: 'sru@example.org' },
    assessment: { tool: 'police-dash', risk: 'high', score: 15 },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Assault at the family home; strangulation reported.', flags: ['strangulation'] },
    victim: { name: 'Alex Example', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    perpetrator: { name: 'Blake Example', dateOfBirth: '1988-02-02', mappaLevel: 2, contact: { email: 'blake@example.net', phone: '07700900123' } },
    children: [{ name: 'Casey Example', dateOfBirth: '2019-06-30' }],
    ...overrides,
  };
}

export function parsedReferral(overrides: Partial<ReferralInput> = {}): Referral {
  return referralSchema.parse(exampleReferral(overrides)) as Referral;
}
