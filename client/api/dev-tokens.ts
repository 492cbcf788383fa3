import type { ApiRole, TokenClaims } from '../../domain/auth';
import { signToken } from './jwt';

/** One development identity per role, with the agency each typically acts for in the default profile. */
export const developmentIdentities: readonly { role: ApiRole; sub: string; agency?: string }[] = [
  { role: 'administrator', sub: 'dev-administrator', agency: 'police' },
  { role: 'chair', sub: 'dev-chair', agency: 'police' },
  { role: 'agency-practitioner', sub: 'dev-housing-practitioner', agency: 'housing' },
  { role: 'lead-professional', sub: 'dev-daa-lead', agency: 'domestic-abuse-advisor' },
  { role: 'auditor', sub: 'dev-auditor' },
  { role: 'ops', sub: 'dev-ops' },
];

export interface DevelopmentToken {
  role: ApiRole;
  sub: string;
  agency?: string;
  token: string;
}

/** Tokens for trying the API on the embedded development service; never for real data. */
export function mintDevelopmentTokens(secret: string, opts: { now?: Date; validForSeconds?: number } = {}): DevelopmentToken[] {
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = iat + (opts.validForSeconds ?? 30 * 24 * 60 * 60);
  return developmentIdentities.map((id) => {
    const claims: TokenClaims = { sub: id.sub, role: id.role, ...(id.agency ? { agency: id.agency } : {}), iat, exp };
    return { ...id, token: signToken(claims, secret) };
  });
}

/** The referral of CONTRACT.md §1 with fictional people; received now. */
const exampleReferral = {
  referrer: { agency: 'police', name: 'PC Example', contact: 'sru@example.org' },
  assessment: { tool: 'police-dash', risk: 'high', score: 15 },
  incident: { occurredAt: '2026-11-01T22:10:00Z', summary: 'free text', flags: ['strangulation'] },
  victim: { name: 'A Person', dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
  perpetrator: { name: 'B Person', dateOfBirth: '1988-02-02', mappaLevel: 2 },
  children: [{ name: 'C Person', dateOfBirth: '2019-06-30' }],
};

/** What `hrda start` prints: the tokens and a curl to submit the example referral with the first. */
export function developmentTokenBanner(tokens: DevelopmentToken[], apiUrl: string): string {
  const admin = tokens.find((t) => t.role === 'administrator');
  return [
    'Development tokens (signed with the published development secret; set HRDA_JWT_SECRET for real use):',
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
