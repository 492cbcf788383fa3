import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseClient } from '../../client/cases';
import { safeLivesReportCommand } from '../../client/cli/commands/report';
import type { CommandContext } from '../../client/cli/context';
import type { CliIo } from '../../client/cli/output';
import { collectSafeLivesCases } from '../../client/reports/safelives';
import type { ReferralInput } from '../../domain/referral';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';

/**
 * `hrda report safelives` against a dev server with the real worker: cases are found through
 * visibility and read through the state query. On a real clock no meeting sits during the test,
 * so the cases are counted as referred in the period and not (yet) heard; the counts of heard cases
 * are tested on simulated time (test/workflows/safelives-return.scenario.test.ts).
 */
let harness: ApiHarness;
let cases: CaseClient;
const started = new Date(Date.now() - 60_000).toISOString();

const context = () => {
  const out: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: () => {}, errIsTTY: false };
  const ctx: CommandContext = { client: harness.temporal, config: harness.config, db: harness.database.db, purpose: 'test', io };
  return { ctx, stdout: () => out.join('\n') };
};

const now = () => new Date().toISOString();
const referral = (name: string, over: Partial<ReferralInput> = {}) => exampleReferral({
  receivedAt: now(),
  incident: { occurredAt: new Date(Date.now() - 3_600_000).toISOString(), summary: 'Assault at the family home.', flags: ['strangulation'] },
  victim: { name, dateOfBirth: '1990-04-01', consent: { share: true, contact: true }, equality: { gender: 'female', ethnicity: 'white-british' } },
  ...over,
});

beforeAll(async () => {
  harness = await startApiHarness(await bundleWorkflows());
  cases = new CaseClient(harness.temporal, harness.config.HRDA_TASK_QUEUE);
  await cases.submitReferral(referral('Avery Report'), { caseId: 'sl-open' });
  await cases.submitReferral(referral('Bellamy Report'), { caseId: 'sl-closed' });
  await cases.submitReferral(referral('Carmen Report', { assessment: { tool: 'police-dash', risk: 'medium', score: 9 } }), { caseId: 'sl-medium' });
  await cases.command('sl-closed', 'closeCase', { rationale: 'Referred in error: the same incident as another case.' }, { role: 'administrator', agency: 'police' });
});

afterAll(async () => {
  await harness?.stop();
});

describe('hrda report safelives on a dev server', () => {
  it('lists the meeting cases still running or closed since the start of the period', async () => {
    const ids = (from: string) => collectSafeLivesCases(harness.temporal, from).then((v) => v.map((c) => c.caseId).sort());
    // The medium-risk referral went to the offer: it is never a meeting case.
    expect(await eventually(() => ids(started), (v) => v.length === 2)).toEqual(['sl-closed', 'sl-open']);
    // A period starting after the case closed cannot hold its hearing (visibility learns of the close a moment later).
    expect((await cases.state('sl-closed')).stage).toBe('closed');
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await eventually(() => ids(later), (v) => v.length === 1)).toEqual(['sl-open']);
    expect(await collectSafeLivesCases(harness.temporal, started, { profile: 'no-such-profile' })).toEqual([]);
  });

  it('prints the return as a table, CSV and JSON, with no personal data', async () => {
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const table = context();
    await safeLivesReportCommand(table.ctx, { from: started, to });
    expect(table.stdout()).toMatch(/^SafeLives Marac data return: cases heard .* to .*$/m);
    expect(table.stdout()).toMatch(/^ {2}cases discussed +0$/m);
    expect(table.stdout()).toMatch(/^ {2}referred to the meeting +2$/m);
    expect(table.stdout()).toMatch(/^ {2}awaiting a hearing +1$/m);
    expect(table.stdout()).toMatch(/^ {2}closed without a hearing +1$/m);

    const csv = context();
    await safeLivesReportCommand(csv.ctx, { from: started, to, csv: true, profile: 'dorset-hrda' });
    const lines = csv.stdout().split('\r\n');
    expect(lines[0]).toBe('from,to,profile,section,measure,count,percent_of_cases,no,declined,not_recorded');
    expect(lines).toContain(`${started},${to},dorset-hrda,referred in period,referred to the meeting,2,,,,`);

    const json = context();
    await safeLivesReportCommand(json.ctx, { from: started, to, json: true });
    expect(JSON.parse(json.stdout())).toMatchObject({ cases: 0, referredInPeriod: { cases: 2, heard: 0, awaitingHearing: 1, closedWithoutHearing: 1 }, repeats: { count: 0, percent: null } });

    for (const text of [table.stdout(), csv.stdout(), json.stdout()]) {
      for (const secret of ['Avery', 'Bellamy', 'Carmen', '1990-04-01', 'Blake Example']) expect(text).not.toContain(secret);
    }
  });

  it('refuses a period that does not make sense, and an unknown profile', async () => {
    await expect(safeLivesReportCommand(context().ctx, { from: '2026-12-01', to: '2026-11-01' })).rejects.toThrow(/--from .* must be before --to/);
    await expect(safeLivesReportCommand(context().ctx, { from: 'last tuesday', to: '2026-11-01' })).rejects.toThrow(/--from must be a date or instant/);
    await expect(safeLivesReportCommand(context().ctx, { from: '2026-02-30', to: '2026-11-01' })).rejects.toThrow(/--from must be a date/);
    await expect(safeLivesReportCommand(context().ctx, { from: '2026-10-01', to: '2026-11-01', profile: 'nowhere' })).rejects.toThrow(/Unknown profile "nowhere"/);
    await expect(safeLivesReportCommand(context().ctx, { from: '2026-10-01', to: '2026-11-01', csv: true, json: true })).rejects.toThrow(/one of --csv and --json/);
  });
});
