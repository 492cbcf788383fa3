import { developmentTokenLifetimeSeconds, type DevelopmentToken } from './identity/development-provider';

/** The referral of CONTRACT.md §1 with fictional people; received now. */
const exampleReferral = {
  referrer: { agency: 'police', name: 'PC Example', contact: 'sru@example.org' },
  assessment: { tool: 'police-dash', risk: 'high', score: 15 },
  incident: { occurredAt: '2026-11-01T22:10:00Z', summary: 'free text', flags: ['strangulation'] },
  victim: { name: 'A Person', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
  perpetrator: { name: 'B Person', dateOfBirth: '1988-02-02', mappaLevel: 2 },
  children: [{ name: 'C Person', dateOfBirth: '2019-06-30' }],
};

/**
 * What `hrda start --development` prints: tokens the embedded identity provider issued (the path a
 * production provider's tokens take too), and a curl to submit the example referral with the first.
 */
export function developmentTokenBanner(tokens: DevelopmentToken[], apiUrl: string, issuer: string): string {
  const admin = tokens.find((t) => t.role === 'administrator');
  return [
    `Development tokens from the embedded OpenID provider at ${issuer} (loopback only; valid ${developmentTokenLifetimeSeconds / 3600} hours; set HRDA_OIDC_ISSUER and HRDA_OIDC_AUDIENCE for a real provider):`,
    ...tokens.map((t) => `  ${`${t.role}${t.agency ? ` (${t.agency})` : ''}`.padEnd(44)} ${t.token}`),
    '',
    'Try it:',
    `  export HRDA_TOKEN=${admin?.token ?? '<token>'}`,
    `  curl -s -X POST ${apiUrl}/cases -H "Authorization: Bearer $HRDA_TOKEN" -H 'Content-Type: application/json' \\`,
    `       -H "Idempotency-Key: example-referral-0001" --data '${JSON.stringify(exampleReferral)}'`,
    `  curl -s ${apiUrl}/cases/<caseId> -H "Authorization: Bearer $HRDA_TOKEN" -H 'X-Purpose: checking the referral'`,
    `  API docs: ${apiUrl}/docs`,
  ].join('\n');
}
