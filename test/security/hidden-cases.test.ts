import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { ReferralInput } from '../../domain/referral';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { exampleReferral } from '../support/referrals';
import { person, startApiHarness, type ApiHarness } from '../api/harness';

/**
 * The finding "timing tells whether a hidden restricted case exists" (issue 17: a 404 for a hidden
 * case took 16 ms, for a missing one 6 ms, because the first read the case's workflow). Restriction is
 * now decided from the marks the API recorded with the case's submission and commands, before the
 * case is read; a refusal then spends one Temporal lookup by ID, as a missing case does
 * (client/api/routes/shared.ts; the medians before and after are in docs/security.md). Times are not
 * asserted here (they belong to a bench); the order is: marks recorded as restricted refuse a caller
 * whom the case's live view would let in, so the live view was not what decided.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions }));
});
afterAll(async () => {
  await h?.stop();
});

const referrer = person('admin-referrer', 'administrator', 'police');
const otherAdmin = person('admin-other', 'administrator', 'police');
const get = (url: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url, headers });

function referral(flags: ReferralInput['incident']['flags']): ReferralInput {
  const { receivedAt: _now, ...rest } = exampleReferral({
    victim: { name: `Alex Example ${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Followed to work and threatened.', flags },
  });
  return rest;
}

describe('a hidden case answers as a missing one does', () => {
  it('decides who may know of a case from the restriction the service recorded, before the case is read', async () => {
    const submitted = await h.app.inject({ method: 'POST', url: '/cases', headers: referrer({ 'idempotency-key': randomUUID() }), payload: referral(['stalking']) as object });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const caseId = submitted.json<{ caseId: string }>().caseId;
    expect((await get(`/cases/${caseId}`, otherAdmin())).statusCode).toBe(200);

    // The marks as another API process would have written them a moment ago, before this case's
    // own view shows them: the answer follows the record, so the case's workflow was not read.
    const marks = async (restricted: boolean, needToKnow: string[]) =>
      h.database.db.query('UPDATE case_restrictions SET restricted = $2, need_to_know = $3 WHERE case_id = $1', [caseId, restricted, needToKnow]);
    await marks(true, ['admin-referrer']);
    const missing = await get(`/cases/${randomUUID()}`, otherAdmin());
    for (const suffix of ['', '/timeline']) {
      const hidden = await get(`/cases/${caseId}${suffix}`, otherAdmin());
      expect(hidden.statusCode, hidden.body).toBe(404);
      expect(hidden.json().type).toBe(missing.json().type);
      expect(hidden.json().title).toBe(missing.json().title);
    }
    expect((await get(`/cases/${caseId}`, referrer())).statusCode).toBe(200);
    await marks(false, []);
    expect((await get(`/cases/${caseId}`, otherAdmin())).statusCode).toBe(200);
  });
});
