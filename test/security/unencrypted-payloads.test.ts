import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { as, startApiHarness, type ApiHarness } from '../api/harness';
import { caseUpdates, caseWorkflowId } from '../../workflows/referral.messages';

/**
 * Finding (high): the worker accepted payloads that were not encrypted, so anyone who could reach
 * the Temporal frontend could send a case an update with any actor inside. The worker now puts a
 * placeholder in place of such a payload, which every schema refuses; the attempt is logged.
 */
let h: ApiHarness;
let outsider: Client;
let outsiderConnection: Connection;
beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
  // The frontend reached directly, with the SDK's default converter: plain JSON, no key ring.
  outsiderConnection = await Connection.connect({ address: h.server.address });
  outsider = new Client({ connection: outsiderConnection, namespace: h.server.namespace });
});
afterAll(async () => {
  await outsiderConnection?.close();
  await h?.stop();
});

describe('only encrypted payloads reach the workflows', () => {
  it('an update sent in clear with a forged actor is refused by its validator, never enters the history, and is logged', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: exampleReferral({ receivedAt: new Date().toISOString() }) as object });
    expect(created.statusCode, created.body).toBe(201);
    const caseId = created.json<{ caseId: string }>().caseId;

    const forged = { agency: 'housing', summary: { involvement: 'x', risks: 'x', actionsTaken: 'x', recommendations: 'x' }, actor: { role: 'chair', agency: 'police', name: 'forged' } };
    const handle = outsider.workflow.getHandle(caseWorkflowId(caseId));
    await expect(handle.executeUpdate(caseUpdates.submitSummary, { args: [forged as never] })).rejects.toThrow();

    expect(h.refusedPayloads).toEqual(expect.arrayContaining([expect.objectContaining({ encoding: 'json/plain' })]));
    const history = await h.temporal.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const accepted = (history.events ?? []).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter(Boolean);
    expect(accepted).not.toContain('submitSummary');
    const view = await h.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: as('administrator', 'police', { 'x-purpose': 'checking the summaries' }) });
    expect(view.json<{ summariesReceived: string[] }>().summariesReceived).toEqual([]);

    // The same update through the service is accepted: the refusal is about the payload, not the command.
    const real = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing', { 'idempotency-key': randomUUID() }), payload: { agency: 'housing', summary: forged.summary } });
    expect(real.statusCode, real.body).toBe(200);
  });
});
