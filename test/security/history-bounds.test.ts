import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { as, startApiHarness, type ApiHarness } from '../api/harness';
import { fetchRuns } from '../../client/audit/audit-case';
import { caseWorkflowId } from '../../workflows/referral.messages';

/**
 * Finding (high): each update wrote the whole case view into the history, so 57 resubmitted agency
 * summaries pushed one case's history to 53 MB and Temporal terminated the case. Updates now answer
 * with an acknowledgement (the case's version and stage); the API reads the case with a query.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
});
afterAll(() => h?.stop());

describe('bounded history', () => {
  it('200 resubmitted summaries leave the case running and answering, each update adding only its input and a small acknowledgement', { timeout: 300_000 }, async () => {
    const created = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: exampleReferral({ receivedAt: new Date().toISOString() }) as object });
    expect(created.statusCode, created.body).toBe(201);
    const caseId = created.json<{ caseId: string }>().caseId;

    const text = (i: number) => `Resubmission ${i}: ${'The family is known to housing; rent arrears and two moves this year. '.repeat(60)}`;
    for (let i = 0; i < 200; i++) {
      const res = await h.app.inject({
        method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing', { 'idempotency-key': randomUUID() }),
        payload: { agency: 'housing', summary: { involvement: text(i), risks: 'Rent arrears.', actionsTaken: 'Flag on the tenancy.', recommendations: 'Joint visit.' } },
      });
      // The API still answers with the case as it now stands (read with the state query).
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ case: { summariesReceived: string[] } }>().case.summariesReceived).toContain('housing');
    }

    const read = await h.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as('administrator', 'police', { 'x-purpose': 'checking the case' }) });
    expect(read.statusCode).toBe(200);
    const handle = h.temporal.workflow.getHandle(caseWorkflowId(caseId));
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Each update's result in the history is an acknowledgement of a few hundred bytes at most (encrypted),
    // where it used to be the whole case view.
    // The case continues as new on the way (its profile's threshold): every run's history counts.
    const runs = await fetchRuns(h.temporal, caseWorkflowId(caseId));
    expect(runs.length).toBeGreaterThan(1);
    const outcomes = runs.flatMap((r) => r.history.events ?? [])
      .map((e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0]?.data?.length)
      .filter((n): n is number => n !== undefined);
    expect(outcomes.length).toBeGreaterThanOrEqual(200);
    expect(Math.max(...outcomes.slice(1))).toBeLessThan(512);
  });
});
