import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { caseCommandFields, caseCommandSchemas } from '../../domain/case-commands';
import { disputeActionSchemas } from '../../domain/dispute';
import { referralSchema } from '../../domain/referral';
import { scenarioSchema, scenarioStepSchema } from '../../domain/scenario';
import { instantInputSchema } from '../../domain/time';

/**
 * One contract for instants (issue 18 item 5): whatever field of the input an instant is in, it is
 * taken in the forms a referral's `receivedAt` takes, and written down in the one canonical form.
 */
const forms = [
  ['2026-12-10T17:00:00Z', '2026-12-10T17:00:00.000Z'],
  ['2026-12-10T17:00:00.000Z', '2026-12-10T17:00:00.000Z'],
  ['2026-12-10T17:00:00.5Z', '2026-12-10T17:00:00.500Z'],
  ['2026-12-10T18:00:00+01:00', '2026-12-10T17:00:00.000Z'],
  ['2026-06-10T18:00:00.000+01:00', '2026-06-10T17:00:00.000Z'],
] as const;

/** Every `format: date-time` in a schema's input, by path. */
function instantsIn(schema: z.ZodType): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.format === 'date-time') found.set(at, n.pattern as string | undefined);
    for (const [k, v] of Object.entries(n)) walk(v, `${at}.${k}`);
  };
  walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), '');
  return found;
}

describe('instants in the input', () => {
  it('take every ISO-8601 form with or without milliseconds, with Z or an offset, and come out canonical', () => {
    for (const [given, canonical] of forms) expect(instantInputSchema.parse(given), given).toBe(canonical);
    for (const bad of ['2026-12-10', '2026-12-10T17:00', '2026-02-30T10:00:00Z', '10/12/2026 17:00', '2026-12-10T17:00:00']) {
      expect(instantInputSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('are one schema in every command, the referral, dispute actions and scenarios: the same pattern as receivedAt', () => {
    const reference = instantsIn(referralSchema).get('.properties.receivedAt');
    expect(reference).toBeDefined();
    const schemas: [string, z.ZodType][] = [
      ['referral', referralSchema],
      ['scenario', scenarioSchema],
      ['scenario step', scenarioStepSchema],
      ...Object.entries(caseCommandFields).map(([n, s]) => [n, s] as [string, z.ZodType]),
      ...Object.entries(disputeActionSchemas).map(([n, s]) => [`dispute ${n}`, s] as [string, z.ZodType]),
    ];
    let seen = 0;
    for (const [name, schema] of schemas) {
      for (const [at, pattern] of instantsIn(schema)) {
        seen++;
        expect(pattern, `${name}${at}`).toBe(reference);
      }
    }
    // The Matrix's and the MARAC's action dueAt, the DVPO, disclosure consent, MASH meeting, …
    expect(seen).toBeGreaterThan(10);
  });

  it("the Matrix's dueAt takes 2026-12-10T17:00:00Z; a command recorded in the canonical form parses to the same value", () => {
    const actor = { role: 'administrator' as const, agency: 'police', name: 'admin-1' };
    const outcome = (dueAt: string) => ({ outcome: { risks: ['r'], actions: [{ id: 'a1', owner: 'housing', description: 'd', dueAt }], rationale: 'x' }, actor });
    for (const [given, canonical] of forms) {
      expect(caseCommandSchemas.recordMeetingOutcome.parse(outcome(given)).outcome.actions[0]!.dueAt).toBe(canonical);
      // A stored history's command (always canonical) replays unchanged.
      expect(caseCommandSchemas.recordMeetingOutcome.parse(outcome(canonical))).toEqual(caseCommandSchemas.recordMeetingOutcome.parse(outcome(canonical)));
      expect(caseCommandSchemas.recordMeetingOutcome.parse(outcome(canonical)).outcome.actions[0]!.dueAt).toBe(canonical);
    }
    expect(caseCommandSchemas.recordMaracOutcome.parse({ rationale: 'x', actions: [{ id: 'a1', owner: 'housing', description: 'd', dueAt: '2026-12-10T17:00:00Z' }], actor }).actions[0]!.dueAt).toBe('2026-12-10T17:00:00.000Z');
    expect(caseCommandSchemas.recordDisclosureConsent.parse({ consentId: 'c1', recipient: 'Court', purpose: 'court', scope: ['case'], expiresAt: '2027-01-01T00:00:00+00:00', rationale: 'x', actor }).expiresAt).toBe('2027-01-01T00:00:00.000Z');
  });
});
