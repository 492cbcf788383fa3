import { describe, expect, it } from 'vitest';
import { caseListVisibilityQuery, literal } from '../../client/api/case-list';
import { caseListQuery } from '../../client/case-list';
import { developmentTokenBanner, mintDevelopmentTokens } from '../../client/api/dev-tokens';
import { caseIdForKey } from '../../client/api/idempotency';
import { signToken, verifyToken } from '../../client/api/jwt';
import { profiles } from '../../domain/profiles';
import { apiRoles } from '../../domain/auth';
import { developmentJwtSecret, parseConfig, usesDevelopmentJwtSecret } from '../../domain/config';

describe('tokens', () => {
  const secret = 'a-secret-for-the-token-tests-0123456789';
  it('verifies an HS256 token it signed, and only until it expires', () => {
    const token = signToken({ sub: 'jo', role: 'chair', agency: 'police', exp: 2_000 }, secret);
    expect(verifyToken(token, secret, 1_000)).toEqual({ ok: true, claims: { sub: 'jo', role: 'chair', agency: 'police', exp: 2_000 } });
    expect(verifyToken(token, secret, 2_100)).toEqual({ ok: false, reason: 'the token has expired' });
    expect(verifyToken(token, `${secret}x`, 1_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) });
  });

  it('mints one development token per role, each valid under the development secret', () => {
    const tokens = mintDevelopmentTokens(developmentJwtSecret, { now: new Date('2026-11-22T12:00:00Z') });
    expect(tokens.map((t) => t.role).sort()).toEqual([...apiRoles].sort());
    for (const t of tokens) {
      const verified = verifyToken(t.token, developmentJwtSecret, Date.parse('2026-11-23T12:00:00Z') / 1000);
      expect(verified, t.role).toMatchObject({ ok: true, claims: { role: t.role, sub: t.sub } });
    }
    expect(tokens.find((t) => t.role === 'agency-practitioner')?.agency).toBe('housing');
    const banner = developmentTokenBanner(tokens, 'http://127.0.0.1:8080');
    expect(banner).toContain('curl -s -X POST http://127.0.0.1:8080/cases');
    for (const t of tokens) expect(banner).toContain(t.token);
  });

  it('knows when the published development secret is in use', () => {
    expect(usesDevelopmentJwtSecret(parseConfig({}))).toBe(true);
    expect(usesDevelopmentJwtSecret(parseConfig({ HRDA_JWT_SECRET: 'x'.repeat(32) }))).toBe(false);
    expect(() => parseConfig({ HRDA_JWT_SECRET: 'short' })).toThrow(/HRDA_JWT_SECRET: at least 32 characters/);
  });
});

describe('idempotency', () => {
  it('derives the same UUIDv5 case ID from the same caller and key, and different ones otherwise', () => {
    const id = caseIdForKey('jo', 'key-0001');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(caseIdForKey('jo', 'key-0001')).toBe(id);
    expect(caseIdForKey('sam', 'key-0001')).not.toBe(id);
    expect(caseIdForKey('jo', 'key-0002')).not.toBe(id);
  });
  // The records themselves live in PostgreSQL: test/store/idempotency.test.ts.
});

describe('case-list queries', () => {
  it('escapes quotes and backslashes in literals', () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\')).toBe("'a\\\\'");
  });

  it("builds on the CLI's query for an administrator, adding only that restricted cases need them on the list", () => {
    const admin = { sub: 'a', role: 'administrator' as const, agency: 'police' };
    const filters = { stage: 'preparing' as const, risk: 'high' as const, overdue: true, meetingDate: '2026-07-01' };
    expect(caseListVisibilityQuery(filters, admin)).toBe(`${caseListQuery(filters)} AND ((HrdaRestricted IS NULL OR HrdaRestricted = false) OR HrdaNeedToKnow = 'a')`);
    expect(caseListQuery(filters)).toContain("HrdaNextMeeting >= '2026-06-30T23:00:00.000Z'");
  });

  it('limits an agency role to the cases its agency is involved in, and to restricted cases it is named on', () => {
    // Housing is asked for information on every heard case of the profiles that list it.
    const asked = Object.values(profiles).filter((p) => p.infoRequest.agencies.includes('housing')).map((p) => `'${p.id}'`);
    expect(asked).toContain("'dorset-hrda'");
    expect(caseListVisibilityQuery({ risk: 'high' }, { sub: 'h', role: 'agency-practitioner', agency: 'housing' })).toBe(
      `HrdaKind = 'case' AND HrdaRisk = 'high' AND (((HrdaAgencies = 'housing' OR (HrdaRoute = 'hrda' AND HrdaProfile IN (${asked.join(', ')}))) AND (HrdaRestricted IS NULL OR HrdaRestricted = false)) OR HrdaNeedToKnow = 'h')`,
    );
    // Victim Support is on no profile's information request: only cases that name it.
    expect(caseListVisibilityQuery({}, { sub: 'e', role: 'lead-professional', agency: 'victim-support' })).toBe(
      "HrdaKind = 'case' AND ((HrdaAgencies = 'victim-support' AND (HrdaRestricted IS NULL OR HrdaRestricted = false)) OR HrdaNeedToKnow = 'e')",
    );
    // Education is not on Dorset's list but is on others' (their MARACs ask schools).
    expect(caseListVisibilityQuery({}, { sub: 'e', role: 'lead-professional', agency: 'education' })).toMatch(/HrdaProfile IN \('[a-z-]+'(, '[a-z-]+')*\)/);
    expect(caseListVisibilityQuery({}, { sub: 'e', role: 'lead-professional', agency: 'education' })).not.toContain("'dorset-hrda'");
  });
});
