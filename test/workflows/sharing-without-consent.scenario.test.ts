import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSafeLivesReport, renderSafeLivesReport } from '../../client/reports/safelives';
import type { SimulationResult } from '../../client/simulate/simulate';
import { bundleWorkflows } from '../support/bundle';
import { entries, runScenario } from '../support/simulation';

/**
 * Sharing without consent run to the minute on the time-skipping server (scenarios/sharing-without-consent.json;
 * issue 21 item 5): a referral without a basis is refused naming the field, the same referral with one
 * is heard, the timeline says which basis and who decided, and the SafeLives return counts the cases by basis.
 */
let result: SimulationResult;
beforeAll(async () => {
  const scenario = JSON.parse(await readFile(new URL('../../scenarios/sharing-without-consent.json', import.meta.url), 'utf8')) as unknown;
  result = await runScenario(scenario, await bundleWorkflows());
});

describe('scenarios/sharing-without-consent.json', () => {
  it('refuses the referral without a basis, naming the field, and hears the three cases at the Thursday meeting', () => {
    expect(result.refusals).toEqual([expect.objectContaining({ index: 1, step: 'submitReferral', ref: 'B', error: expect.stringContaining('victim.consent.sharingWithoutConsent') })]);
    expect(Object.fromEntries(Object.entries(result.cases).map(([ref, c]) => [ref, c.state.heardAt]))).toEqual({
      A: '2026-11-26T12:00:00.000Z', B: '2026-11-26T12:00:00.000Z', C: '2026-11-26T12:00:00.000Z',
    });
  });

  it('puts the basis, who decided and who submitted it on the timeline, at the referral', () => {
    const [a] = entries(result.cases.A!.timeline, 'sharing.without-consent');
    expect(a).toMatchObject({
      at: '2026-11-24T09:00:00.000Z',
      data: { basis: 'prevention-or-detection-of-crime', decidedBy: { role: 'Detective Inspector, Safeguarding Referral Unit', agency: 'police' }, decidedAt: 'referral' },
      rationale: 'Strangulation and threats to kill: sharing is necessary and proportionate to prevent further offences.',
    });
    expect(a!.actor.agency).toBe('police');
    expect(entries(result.cases.B!.timeline, 'sharing.without-consent').map((e) => e.data.basis)).toEqual(['vital-interests']);
    expect(entries(result.cases.C!.timeline, 'sharing.without-consent')).toEqual([]);
  });

  it('counts the cases shared without consent by basis in the SafeLives return', () => {
    const r = buildSafeLivesReport(Object.values(result.cases).map((c) => c.state), '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');
    expect(r.cases).toBe(3);
    expect(r.withoutConsent).toEqual({
      cases: { count: 2, percent: 66.7 },
      byBasis: { 'vital-interests': 1, 'safeguarding-individuals-at-risk': 0, 'prevention-or-detection-of-crime': 1, 'legal-obligation': 0, 'not recorded': 0 },
    });
    const text = renderSafeLivesReport(r);
    expect(text).toContain('Shared without consent by lawful basis');
    expect(text).toMatch(/prevention-or-detection-of-crime\s+1\s+33\.3%/);
  });
});
