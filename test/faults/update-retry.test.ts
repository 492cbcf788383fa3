import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchReferral } from '../../bench/lib/referrals';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { startHrdaOnDevServer, type HrdaOnDevServer } from '../support/hrda-on-dev-server';

/**
 * Issue 14: one lifecycle in 1,000 of a full bench failed an update ("Workflow Update failed") as
 * the worker's SDK core logged "There are unprocessed protocol messages while receiving new work".
 * The typed client now sends an update again, under the same update ID, when its failure is not
 * the case's own decision; Temporal deduplicates by update ID, so the command is applied once.
 */
let hrda: HrdaOnDevServer;
beforeAll(async () => {
  hrda = await startHrdaOnDevServer('hrda-update-retry', 'hrda-update-retry');
});
afterAll(async () => {
  await hrda?.stop();
});

const summary = { involvement: 'Known.', risks: 'Some.', actionsTaken: 'Some.', recommendations: 'Some.' };
const submit = async (key: string) => {
  const at = new Date().toISOString();
  return (await hrda.side.cases.submitReferral(benchReferral(key, at), { now: new Date(at) })).caseId;
};
const summariesOf = async (caseId: string) => (await hrda.side.cases.timeline(caseId)).filter((e) => e.type === 'summary.received');

describe('case commands sent again under the same update ID', () => {
  it('applies a command once however often it is sent under one update ID, and again under a new one', async () => {
    const caseId = await submit('update-retry-dedup');
    const actor = { role: 'agency-practitioner' as const, agency: 'health' };
    await hrda.side.cases.command(caseId, 'submitSummary', { agency: 'health', summary }, actor, { updateId: 'summary-health-1' });
    // The second is what a retry after a lost answer sends: the same update, answered again, not applied again.
    const again = await hrda.side.cases.command(caseId, 'submitSummary', { agency: 'health', summary }, actor, { updateId: 'summary-health-1' });
    expect(again.caseId).toBe(caseId);
    expect(await summariesOf(caseId)).toHaveLength(1);
    await hrda.side.cases.command(caseId, 'submitSummary', { agency: 'health', summary }, actor, { updateId: 'summary-health-2' });
    expect(await summariesOf(caseId)).toHaveLength(2);
  });

  it('answers every one of many concurrent updates on cases whose workflow tasks are completing, each applied once', async () => {
    // The reproduction attempt: updates arriving while the cases' own tasks (checks, circulation) complete.
    const agencies = dorsetHrda.infoRequest.agencies;
    const caseIds = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(`update-retry-burst-${i}`)));
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled(caseIds.flatMap((caseId) => agencies.map((agency) =>
        hrda.side.cases.command(caseId, 'submitSummary', { agency, summary }, { role: 'agency-practitioner', agency }))));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
      expect(failed).toEqual([]);
    }
    for (const caseId of caseIds) expect(await summariesOf(caseId)).toHaveLength(agencies.length * 3);
  }, 300_000);
});
