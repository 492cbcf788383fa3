import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { exampleReferral } from '../support/referrals';
import { person, startApiHarness, type ApiHarness } from './harness';

/**
 * A submission is update-with-start: the case is started and its first workflow task, on a worker,
 * confirms it. With no worker taking the case's tasks (all stopped, or on another task queue) the
 * POST must not hang: after HRDA_SUBMIT_CONFIRM_SECONDS it answers 503 not-confirmed, naming the
 * case and telling the caller to send it again with the same key (issue 17 item 4).
 */
let h: ApiHarness;
const taskQueue = `hrda-no-worker-${randomUUID()}`;
beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  // The API sends cases to a task queue no worker polls; the harness's worker polls its own.
  h = await startApiHarness(bundle, { env: { HRDA_TASK_QUEUE: taskQueue, HRDA_SUBMIT_CONFIRM_SECONDS: '3' } });
});
afterAll(async () => {
  await h?.stop();
});

const admin = person('admin-deadline', 'administrator', 'police');

describe('a submission nobody confirms', () => {
  it('answers 503 not-confirmed after its deadline, with the case started and the same key safe to send again', async () => {
    const { receivedAt: _now, ...referral } = exampleReferral();
    const key = randomUUID();
    const started = Date.now();
    const res = await h.app.inject({ method: 'POST', url: '/cases', headers: admin({ 'idempotency-key': key }), payload: referral as object });
    const waited = Date.now() - started;
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('5');
    const problem = res.json<{ type: string; detail: string }>();
    expect(problem.type).toBe('urn:hrda:problem:not-confirmed');
    expect(problem.detail).toMatch(/did not confirm it within 3 s/);
    expect(problem.detail).toMatch(/same Idempotency-Key/);
    expect(waited).toBeGreaterThanOrEqual(3_000);

    // The case was started, waiting for a worker: the one the detail names.
    const caseId = /case ([\w-]+)/.exec(problem.detail)![1]!;
    const description = await h.temporal.workflow.getHandle(caseWorkflowId(caseId)).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.taskQueue).toBe(taskQueue);

    // Sent again with the same key: the same case, still unconfirmed, not a second one.
    const again = await h.app.inject({ method: 'POST', url: '/cases', headers: admin({ 'idempotency-key': key }), payload: referral as object });
    expect(again.statusCode, again.body).toBe(503);
    expect(again.json<{ detail: string }>().detail).toContain(`case ${caseId}`);
    await h.temporal.workflow.getHandle(caseWorkflowId(caseId)).terminate('test over');
  });

  it('without a key, says the case was taken in and must not be sent again; a restricted one has its marks already', async () => {
    const { receivedAt: _now, ...referral } = exampleReferral({ incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Threats from the extended family.', flags: ['honour-based-violence'] } });
    const res = await h.app.inject({ method: 'POST', url: '/cases', headers: admin(), payload: referral as object });
    expect(res.statusCode, res.body).toBe(503);
    const problem = res.json<{ type: string; detail: string }>();
    expect(problem.type).toBe('urn:hrda:problem:not-confirmed');
    expect(problem.detail).toMatch(/Do not send it again/);
    expect(problem.detail).not.toMatch(/same Idempotency-Key/);
    const caseId = /case ([\w-]+)/.exec(problem.detail)![1]!;
    expect(res.headers.location).toBe(`/cases/${caseId}`);
    // Recorded before the start, so the case is hidden from others at once, as any restricted case is.
    const { rows } = await h.database.db.query<{ restricted: boolean; need_to_know: string[] }>('SELECT restricted, need_to_know FROM case_restrictions WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ restricted: true, need_to_know: ['admin-deadline'] }]);
    await h.temporal.workflow.getHandle(caseWorkflowId(caseId)).terminate('test over');
  });
});
