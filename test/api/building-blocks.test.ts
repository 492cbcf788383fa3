import { describe, expect, it } from 'vitest';
import { caseListVisibilityQuery, literal } from '../../client/api/case-list';
import { caseListQuery } from '../../client/case-list';
import { caseIdForKey } from '../../client/api/idempotency';
import { profiles } from '../../domain/profiles';

describe('idempotency', () => {
  it('derives the same case ID from the same caller and key, and different ones otherwise, under a keyed hash', () => {
    const secret = 'x'.repeat(40);
    const id = caseIdForKey(secret, 'jo', 'key-0001');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(caseIdForKey(secret, 'jo', 'key-0001')).toBe(id);
    expect(caseIdForKey(secret, 'sam', 'key-0001')).not.toBe(id);
    expect(caseIdForKey(secret, 'jo', 'key-0002')).not.toBe(id);
    // Finding (medium): case IDs were a UUIDv5 of the caller and the key, derivable by anyone.
    // Without the service's secret the same caller and key give another ID.
    expect(caseIdForKey('y'.repeat(40), 'jo', 'key-0001')).not.toBe(id);
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
