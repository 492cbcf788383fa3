import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPoliceCheckActivities } from '../../activities/police-checks';
import type { NominalQuery, PoliceSystems } from '../../activities/police-systems.port';
import { LocalPoliceSystems } from '../../activities/police-systems.local';

const alex: NominalQuery = { role: 'victim', name: 'Alex Example', dateOfBirth: '1990-04-01' };
const blake: NominalQuery = { role: 'perpetrator', name: 'Blake Example', dateOfBirth: '1988-02-02' };

describe('LocalPoliceSystems', () => {
  const police = new LocalPoliceSystems();

  it('finds the example victim and perpetrator on Niche, each record under the role searched for', async () => {
    const records = await police.search('niche', [alex, blake]);
    expect(records.map((r) => r.reference).sort()).toEqual(['NICHE-2024-003310', 'NICHE-2025-004417', 'NICHE-2026-001234', 'NICHE-2026-001235']);
    expect(records.find((r) => r.reference === 'NICHE-2026-001235')?.role).toBe('perpetrator');
    expect(records.find((r) => r.reference === 'NICHE-2026-001234')?.role).toBe('victim');
  });

  it('searches only the system asked for: PNC returns the perpetrator\'s convictions and bail conditions', async () => {
    const records = await police.search('pnc', [alex, blake]);
    expect(records.map((r) => r.reference).sort()).toEqual(['PNC-2024-001122B', 'PNC-2026-000314B']);
  });

  it('matches names whatever their case and spacing', async () => {
    const records = await police.search('pnd', [{ role: 'perpetrator', name: '  bLAKE   example ' }]);
    expect(records.map((r) => r.reference).sort()).toEqual(['PND-INT-2023-00388', 'PND-INT-2024-00917']);
  });

  it('finds nothing for a person with no records', async () => {
    const unknown: NominalQuery = { role: 'victim', name: 'Nobody Inparticular', dateOfBirth: '2000-01-01' };
    for (const system of ['niche', 'pnd', 'pnc'] as const) {
      expect(await police.search(system, [unknown])).toEqual([]);
    }
  });

  it('excludes a namesake whose date of birth differs', async () => {
    const withDob = await police.search('pnc', [alex]);
    expect(withDob).toEqual([]);
    const withoutDob = await police.search('pnc', [{ role: 'victim', name: 'Alex Example' }]);
    expect(withoutDob.map((r) => r.reference)).toEqual(['PNC-2003-000981K']);
    const wrongDob = await police.search('niche', [{ ...alex, dateOfBirth: '1990-04-02' }]);
    expect(wrongDob).toEqual([]);
  });

  describe('with a fixture file of its own', () => {
    let dir: string;
    beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'hrda-nominals-')); });
    afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

    it('reads the file once, on the first search', async () => {
      const file = join(dir, 'once.json');
      await writeFile(file, JSON.stringify({ people: [{ name: 'Kim Fixture', records: { niche: [{ reference: 'N-1', summary: 's' }], pnd: [], pnc: [] } }] }));
      const local = new LocalPoliceSystems(file);
      expect(await local.search('niche', [{ role: 'victim', name: 'Kim Fixture' }])).toHaveLength(1);
      await writeFile(file, JSON.stringify({ people: [] }));
      expect(await local.search('niche', [{ role: 'victim', name: 'Kim Fixture' }])).toHaveLength(1);
    });

    it('reads a missing file again on the next search, so a retry can succeed once it is there', async () => {
      const file = join(dir, 'late.json');
      const local = new LocalPoliceSystems(file);
      await expect(local.search('niche', [alex])).rejects.toThrow(/ENOENT/);
      await writeFile(file, JSON.stringify({ people: [] }));
      expect(await local.search('niche', [alex])).toEqual([]);
    });
  });
});

describe('checkPoliceSystem activity', () => {
  it('reports the system, its hits and their references', async () => {
    const { checkPoliceSystem } = createPoliceCheckActivities({ police: new LocalPoliceSystems() });
    const result = await checkPoliceSystem({ caseId: 'case-1', system: 'pnd', people: [alex, blake] });
    expect(result.system).toBe('pnd');
    expect(result.status).toBe('completed');
    expect(result.hits).toBe(3);
    expect(result.records.map((r) => r.reference).sort()).toEqual(['PND-INT-2023-00388', 'PND-INT-2024-00917', 'PND-INT-2025-00042']);
  });

  it('lets an adapter failure through as retryable, with the names and dates of birth searched for redacted', async () => {
    const failing: PoliceSystems = {
      search: async () => { throw new Error('Niche timed out searching for Blake Example (1988-02-02) and alex example'); },
    };
    const { checkPoliceSystem } = createPoliceCheckActivities({ police: failing });
    const error = await checkPoliceSystem({ caseId: 'case-1', system: 'niche', people: [alex, blake] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('niche search for case case-1 failed');
    expect(failure.message).not.toMatch(/blake|alex|example|1988-02-02/i);
    expect(failure.cause).toBeUndefined();
  });

  it('refuses a malformed request without retrying and without quoting it', async () => {
    const { checkPoliceSystem } = createPoliceCheckActivities({ police: new LocalPoliceSystems() });
    const error = await checkPoliceSystem({ caseId: 'case-1', system: 'interpol' as never, people: [blake] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
    expect((error as ApplicationFailure).message).toContain('system');
    expect((error as ApplicationFailure).message).not.toMatch(/blake/i);
  });
});
