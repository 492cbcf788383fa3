import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLog } from '../../client/api/access-log';
import { dashboardReportCommand } from '../../client/cli/commands/report';
import type { CommandContext } from '../../client/cli/context';
import type { CliIo } from '../../client/cli/output';
import type { Config } from '../../domain/config';
import type { CaseRecord } from '../../domain/case-record';
import { writeCaseRecord } from '../../store/records/write';
import { createDataConverter, developmentKeyRing, PostgresDataKeyStore } from '../../worker/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * `hrda report dashboard` on a real PostgreSQL: the case records written as the case workflow writes
 * them (personal facts sealed under each case's data key), read back and decrypted by the command,
 * which refuses to run without a purpose and logs a read of each case it counted.
 */
let database: TestDatabase;
let dir: string;
const ring = developmentKeyRing();
let converter: ReturnType<typeof loadDataConverter>;

const record = (caseId: string, over: Partial<CaseRecord> = {}): CaseRecord => ({
  caseId, version: 5, status: 'running', profile: 'dorset-hrda', stage: 'monitoring', risk: 'high', receivedRisk: 'high', route: 'hrda',
  referrerAgency: 'police', agencies: ['police'], restricted: false, needToKnow: [],
  startedAt: '2026-11-02T10:00:00.000Z', receivedAt: '2026-11-02T10:00:00.000Z', meetingAt: '2026-11-04T09:30:00.000Z', heardAt: '2026-11-04T09:30:00.000Z',
  nextDeadline: null, nextMeeting: null, overdueActions: 0, openDisputes: 0, disputes: [], repeat: null, children: 1,
  actions: [], reviewsHeld: [], review: null, marac: null, mash: null, closedAt: null,
  personal: { victimDateOfBirth: '1990-04-01', equality: { gender: 'female', ethnicity: 'white-british' } },
  ...over,
});

beforeAll(async () => {
  [database, dir] = await Promise.all([createTestDatabase(), mkdtemp(path.join(os.tmpdir(), 'hrda-dashboard-'))]);
  converter = loadDataConverter(createDataConverter(ring, new PostgresDataKeyStore(database.db, ring)));
  const records = [
    record('dash-1', { actions: [{ id: 'a1', owner: 'housing', status: 'open', dueAt: '2026-11-10T17:00:00.000Z', overdue: true }] }),
    record('dash-2', { referrerAgency: 'health', receivedAt: '2026-12-01T10:00:00.000Z', heardAt: '2026-12-03T09:30:00.000Z', repeat: { previousCaseId: 'dash-0', previousReceivedAt: '2026-05-01T10:00:00.000Z' } }),
    record('dash-other', { profile: 'trafford-marac' }),
  ];
  for (const r of records) await writeCaseRecord(database.db, converter, 'default', r, `case-${r.caseId}`);
});

afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const context = (purpose?: string) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false };
  const client = { options: { loadedDataConverter: converter } } as unknown as Client;
  const ctx: CommandContext = { client, config: {} as Config, db: database.db, io, ...(purpose ? { purpose } : {}) };
  return { ctx, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
};

describe('hrda report dashboard', () => {
  it('refuses without a purpose, before reading anything', async () => {
    await expect(dashboardReportCommand(context().ctx, { from: '2026-11-01', to: '2027-01-01' })).rejects.toThrow(/--purpose/);
    expect(await new AccessLog(database.db).read({ caseId: 'dash-1', limit: 10 })).toEqual([]);
    await expect(dashboardReportCommand(context('x').ctx, { from: '2026-11-01', to: '2027-01-01', profile: 'nowhere' })).rejects.toThrow(/Unknown profile "nowhere"/);
    await expect(dashboardReportCommand(context('x').ctx, { from: '2027-01-01', to: '2026-11-01' })).rejects.toThrow(/must be before --to/);
  });

  it("writes the page from the store's records, with the profile's population, and logs each case read with the purpose", async () => {
    const out = path.join(dir, 'dashboard.html');
    const run = context('quarterly review of the Marac figures');
    await dashboardReportCommand(run.ctx, { from: '2026-11-01', to: '2027-01-01', profile: 'dorset-hrda', out });
    expect(run.stderr()).toBe(`Dashboard written to ${out}: 2 cases heard.`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<h1>Marac dashboard: dorset-hrda</h1>');
    expect(html).toContain('<td>Nov 2026</td><td>1</td><td>1</td>');
    expect(html).toContain('<td>Repeat cases</td><td>1</td><td>50%</td><td>31%</td>');
    expect(html).toContain('<td>Housing</td><td>1</td>');
    expect(html).toContain('Adult women: 324,000.');
    for (const secret of ['1990-04-01', 'white-british']) expect(html).not.toContain(secret);

    const log = new AccessLog(database.db);
    for (const caseId of ['dash-1', 'dash-2']) {
      expect(await log.read({ caseId, limit: 10 })).toEqual([expect.objectContaining({
        caseId, action: 'read', route: 'hrda report dashboard', purpose: 'quarterly review of the Marac figures', view: 'full',
      })]);
    }
    // Another profile's case was not read.
    expect(await log.read({ caseId: 'dash-other', limit: 10 })).toEqual([]);
  });

  it('prints the page to stdout without --out', async () => {
    const run = context('check');
    await dashboardReportCommand(run.ctx, { from: '2026-11-01', to: '2027-01-01' });
    expect(run.stdout()).toMatch(/^<!doctype html>/);
    expect(run.stdout()).toContain('<h1>Marac dashboard: every profile</h1>');
    expect(run.stdout()).toContain('<td>Cases heard in the period</td><td>3</td>');
  });
});
