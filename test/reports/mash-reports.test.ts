import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawMashAuditSample, newSampleSeed, renderMashAuditSample } from '../../client/reports/mash-audit-sample';
import { mashIncidentOf, mashProfile, type MashIncident } from '../../client/reports/mash-incidents';
import { buildMashWeeklyReport, mashReportWeek, renderMashWeeklyReport } from '../../client/reports/mash-weekly';
import type { SimulationResult } from '../../client/simulate/simulate';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { warwickshireMash } from '../../domain/profiles/warwickshire-mash';
import { bundleWorkflows } from '../support/bundle';
import { runScenario } from '../support/simulation';

/**
 * The MASH's reports (003 §7.3.1(10) weekly report; §19.5.2 audit sample), computed from the cases
 * of scenarios/warwickshire-mash-standard-incidents.json run on the time-skipping server, and the
 * sample's draw checked on a larger made-up population.
 */
const mash = warwickshireMash.mash!;
let result: SimulationResult;
let incidents: MashIncident[];
const id = (ref: string) => result.cases[ref]!.caseId;

beforeAll(async () => {
  const scenario = JSON.parse(await readFile(new URL('../../scenarios/warwickshire-mash-standard-incidents.json', import.meta.url), 'utf8')) as unknown;
  result = await runScenario(scenario, await bundleWorkflows());
  incidents = Object.values(result.cases).map((c) => mashIncidentOf(c.state)!);
});

describe('the weekly report of standard incidents completed and outstanding (003 §7.3.1(9)–(10))', () => {
  it('runs from Friday 17:00 to Friday 17:00, London time, and refuses a week ending on another day', () => {
    expect(mashReportWeek(mash, '2026-11-27')).toEqual({ weekStart: '2026-11-20T17:00:00.000Z', weekEnd: '2026-11-27T17:00:00.000Z' });
    // British Summer Time: 17:00 is 16:00 UTC.
    expect(mashReportWeek(mash, '2026-07-03')).toEqual({ weekStart: '2026-06-26T16:00:00.000Z', weekEnd: '2026-07-03T16:00:00.000Z' });
    expect(() => mashReportWeek(mash, '2026-11-26')).toThrow('the week ends on a friday (17:00); 2026-11-26 is a thursday');
  });

  it('counts the week to 27 November: three completed (one late), one outstanding within its 72 hours', () => {
    const r = buildMashWeeklyReport('warwickshire-mash', mash, incidents, '2026-11-27');
    expect(r.completed.map((c) => [c.caseId, c.outcome, c.late])).toEqual([
      [id('S1'), 'share-for-support', false],
      [id('S2'), 'no-further-action', true],
      [id('S3'), 'refer-to-mash', false],
    ]);
    expect(r.outstanding).toEqual([{ caseId: id('S4'), receivedAt: '2026-11-27T15:00:00.000Z', completeBy: '2026-11-30T15:00:00.000Z', overdue: false }]);
    expect(r.counts).toEqual({ completed: 3, completedLate: 1, outstanding: 1, outstandingOverdue: 0 });
    expect(r.issues).toEqual([`1 incident was completed after the timescale: ${id('S2')}`, '1 incident is outstanding at the end of the week, within the timescale']);
    expect(r.asOf).toBe('2026-11-27T17:00:00.000Z');
    expect(renderMashWeeklyReport(r)).toContain(`${id('S2')}  received 2026-11-24T14:00:00.000Z  completed 2026-11-27T16:00`);
  });

  it('speaks for now while the week is still running: S2 is outstanding, and overdue once its 72 hours have passed', () => {
    const wednesday = buildMashWeeklyReport('warwickshire-mash', mash, incidents, '2026-11-27', '2026-11-25T12:00:00.000Z');
    expect(wednesday.asOf).toBe('2026-11-25T12:00:00.000Z');
    expect(wednesday.completed.map((c) => c.caseId)).toEqual([id('S1')]);
    expect(wednesday.outstanding).toEqual([{ caseId: id('S2'), receivedAt: '2026-11-24T14:00:00.000Z', completeBy: '2026-11-27T14:00:00.000Z', overdue: false }]);
    const friday = buildMashWeeklyReport('warwickshire-mash', mash, incidents, '2026-11-27', '2026-11-27T15:00:00.000Z');
    expect(friday.outstanding.find((o) => o.caseId === id('S2'))).toMatchObject({ overdue: true });
    expect(renderMashWeeklyReport(friday)).toContain('as it stands at 2026-11-27T15:00:00.000Z');
  });

  it('counts the week to 4 December, and shows an incident outstanding past its timescale as overdue', () => {
    const r = buildMashWeeklyReport('warwickshire-mash', mash, incidents, '2026-12-04');
    expect(r.completed.map((c) => c.caseId)).toEqual([id('S4')]);
    expect(r.outstanding.map((o) => [o.caseId, o.completeBy, o.overdue])).toEqual([[id('S5'), '2026-12-06T10:00:00.000Z', false]]);
    // Had S2 not been screened, it would have been outstanding and overdue at the end of its week.
    const unscreened = incidents.map((i) => (i.caseId === id('S2') ? { ...i, screening: null, closedAt: null } : i));
    const r2 = buildMashWeeklyReport('warwickshire-mash', mash, unscreened, '2026-11-27');
    expect(r2.outstanding.find((o) => o.caseId === id('S2'))).toEqual({ caseId: id('S2'), receivedAt: '2026-11-24T14:00:00.000Z', completeBy: '2026-11-27T14:00:00.000Z', overdue: true });
    expect(r2.issues[0]).toBe(`1 incident is outstanding past the timescale: ${id('S2')}`);
  });
});

describe('the audit sample of incidents not referred into the MASH (003 §19.5.2)', () => {
  it('draws from the standard and medium incidents screened and not referred into the MASH', () => {
    const s = drawMashAuditSample('warwickshire-mash', mash, incidents, '2026-11-23T00:00:00.000Z', '2026-12-05T00:00:00.000Z', 'audit-2026-q4');
    // S3 was referred into the MASH; S5 is not screened yet.
    expect(s.populationIds).toEqual([id('S1'), id('S2'), id('S4')].sort());
    expect(s.sample.map((x) => x.caseId).sort()).toEqual(s.populationIds);
    expect(s).toMatchObject({ seed: 'audit-2026-q4', sampleSize: 15, population: 3, risks: ['standard', 'medium'] });
  });

  const population: MashIncident[] = Array.from({ length: 60 }, (_, i) => ({
    caseId: `case-${String(i).padStart(3, '0')}`,
    profile: 'warwickshire-mash',
    receivedAt: new Date(Date.parse('2026-10-01T09:00:00Z') + i * 86_400_000).toISOString(),
    risk: (['standard', 'medium', 'high'] as const)[i % 3]!,
    referrer: 'police',
    completeBy: null,
    // Every fifth is referred into the MASH; the rest closed at screening.
    screening: { at: new Date(Date.parse('2026-10-01T12:00:00Z') + i * 86_400_000).toISOString(), outcome: i % 5 === 0 ? 'refer-to-mash' as const : 'no-further-action' as const, risk: (['standard', 'medium', 'high'] as const)[i % 3]!, late: false },
    closedAt: null,
    restricted: i === 7,
  }));
  const from = '2026-10-01T00:00:00.000Z';
  const to = '2026-11-20T00:00:00.000Z';

  it('samples 15, the same for the same seed whatever the order the cases were read in, and another for another seed', () => {
    const a = drawMashAuditSample('warwickshire-mash', mash, population, from, to, 'seed-1');
    const eligible = population.filter((i) => i.receivedAt < to && i.risk !== 'high' && i.screening!.outcome !== 'refer-to-mash');
    expect(a.population).toBe(eligible.length);
    expect(a.sample).toHaveLength(15);
    for (const x of a.sample) expect(eligible.map((i) => i.caseId)).toContain(x.caseId);
    expect(drawMashAuditSample('warwickshire-mash', mash, [...population].reverse(), from, to, 'seed-1')).toEqual(a);
    const b = drawMashAuditSample('warwickshire-mash', mash, population, from, to, 'seed-2');
    expect(b.sample.map((x) => x.caseId)).not.toEqual(a.sample.map((x) => x.caseId));
    expect(b.populationDigest).toBe(a.populationDigest);
  });

  it('is the documented draw: the smallest SHA-256 keys of "<seed>:<caseId>", and a digest of the sorted IDs', () => {
    const s = drawMashAuditSample('warwickshire-mash', mash, population, from, to, 'seed-1');
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const expected = [...s.populationIds].sort((x, y) => sha(`seed-1:${x}`).localeCompare(sha(`seed-1:${y}`))).slice(0, 15);
    expect(s.sample.map((x) => x.caseId)).toEqual(expected);
    expect(s.populationDigest).toBe(sha(s.populationIds.map((x) => `${x}\n`).join('')));
    expect(renderMashAuditSample(s)).toContain('hrda report mash-audit-sample --profile warwickshire-mash --from 2026-10-01T00:00:00.000Z --to 2026-11-20T00:00:00.000Z --seed seed-1');
    expect(s.sample.find((x) => x.caseId === 'case-007')?.restricted ?? true).toBe(true);
  });

  it('draws a fresh 128-bit seed when none is given, and names the profile with a MASH stage', () => {
    expect(newSampleSeed()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSampleSeed()).not.toBe(newSampleSeed());
    expect(mashProfile().id).toBe('warwickshire-mash');
    expect(() => mashProfile(dorsetHrda.id)).toThrow('Profile "dorset-hrda" has no MASH stage; profiles with one: warwickshire-mash');
  });
});
