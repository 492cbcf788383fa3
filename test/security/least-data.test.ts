import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { as, startApiHarness, type ApiHarness } from '../api/harness';

/**
 * Least data (issue 17 item 7): an agency practitioner reads the perpetrator's, associates' and
 * connected household members' contact details only when their agency works with perpetrators.
 * Read through the API on a real dev server and worker.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
});
afterAll(() => h?.stop());

type Perpetrator = { contact?: unknown; associates?: { name: string; contact?: unknown }[] };
type Member = { name: string; contact?: unknown };

describe('who sees contact details', () => {
  it('police and administrators see them; a housing practitioner on the same case does not, though they see who the people are', async () => {
    const referral = exampleReferral({
      perpetrator: {
        name: 'Blake Example', dateOfBirth: '1988-02-02',
        contact: { email: 'blake@example.net', phone: '07700900123' },
        associates: [{ name: 'Jo Example', relationship: 'brother', contact: { phone: '07700900456' } }],
      },
      household: [
        { name: 'Sam Example', relationship: 'lodger', contact: { email: 'sam@example.org' }, connectedToPerpetrator: true },
        { name: 'Kit Example', relationship: 'sister', contact: { email: 'kit@example.org' } },
      ],
    });
    const created = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral as object });
    expect(created.statusCode, created.body).toBe(201);
    const caseId = created.json<{ caseId: string }>().caseId;
    const read = async (role: 'administrator' | 'agency-practitioner', agency: string) => {
      const res = await h.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as(role, agency, { 'x-purpose': 'preparing for the meeting' }) });
      expect(res.statusCode, `${role} ${agency}`).toBe(200);
      return res.json<{ referral: { perpetrator: Perpetrator; household: Member[] } }>().referral;
    };

    for (const [role, agency] of [['administrator', 'police'], ['agency-practitioner', 'police']] as const) {
      const seen = await read(role, agency);
      expect(seen.perpetrator.contact).toEqual({ email: 'blake@example.net', phone: '07700900123' });
      expect(seen.perpetrator.associates?.[0]?.contact).toEqual({ phone: '07700900456' });
      expect(seen.household[0]?.contact).toEqual({ email: 'sam@example.org' });
    }

    const housing = await read('agency-practitioner', 'housing');
    expect(housing.perpetrator.contact).toBeUndefined();
    expect(housing.perpetrator.associates).toEqual([{ name: 'Jo Example', relationship: 'brother' }]);
    expect(housing.household).toEqual([
      { name: 'Sam Example', relationship: 'lodger', connectedToPerpetrator: true },
      // Not connected to the perpetrator: a member of the victim's household, reachable as before.
      { name: 'Kit Example', relationship: 'sister', contact: { email: 'kit@example.org' } },
    ]);
    expect(JSON.stringify(housing)).not.toMatch(/blake@example\.net|07700900123|07700900456|sam@example\.org/);
  });
});
