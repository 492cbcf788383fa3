import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { exampleReferral } from '../support/referrals';
import { person, startApiHarness, type ApiHarness } from './harness';

let h: ApiHarness;
beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  h = await startApiHarness(bundle);
});
afterAll(async () => {
  await h?.stop();
});

const admin = person('admin-ig-lead', 'administrator', 'police', 'domestic homicide review');
const chair = person('chair-jones', 'chair', 'police', 'domestic homicide review');
const auditor = person('auditor-1', 'auditor', undefined, 'domestic homicide review');
const ops = person('ops-1', 'ops', undefined, 'domestic homicide review');
const housing = person('housing-worker', 'agency-practitioner', 'housing', 'domestic homicide review');
const post = (url: string, headers: Record<string, string>, payload: object) => h.app.inject({ method: 'POST', url, headers, payload });
const get = (url: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url, headers });

describe('legal holds through HTTP (issue 21 item 7)', () => {
  let caseId: string;
  beforeAll(async () => {
    const { receivedAt: _now, ...referral } = exampleReferral();
    const res = await post('/cases', admin({ 'idempotency-key': randomUUID() }), referral);
    expect(res.statusCode, res.body).toBe(201);
    caseId = res.json<{ caseId: string }>().caseId;
  });

  it('only administrators place and lift a hold; anyone else is refused before anything is placed', async () => {
    const reason = { reason: 'Domestic homicide review' };
    for (const who of [chair, auditor, ops, housing]) {
      const res = await post(`/cases/${caseId}/hold`, who({ 'idempotency-key': randomUUID() }), reason);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const lift = await post(`/cases/${caseId}/hold/lift`, who({ 'idempotency-key': randomUUID() }), reason);
      expect(lift.statusCode).toBe(403);
    }
    expect((await post(`/cases/${caseId}/hold`, {}, reason)).statusCode).toBe(401);
    expect((await get(`/cases/${caseId}/holds`, auditor())).json()).toEqual({ holds: [] });
  });

  it('refuses a hold without a reason, naming the field, and a case the caller cannot see as not found', async () => {
    const bad = await post(`/cases/${caseId}/hold`, admin({ 'idempotency-key': randomUUID() }), { reason: '   ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ type: 'urn:hrda:problem:invalid-input', errors: [expect.objectContaining({ path: 'reason', in: 'body' })] });
    const extra = await post(`/cases/${caseId}/hold`, admin({ 'idempotency-key': randomUUID() }), { reason: 'x y z', until: 'never' });
    expect(extra.statusCode).toBe(400);
    const missing = await post('/cases/no-such-case/hold', admin({ 'idempotency-key': randomUUID() }), { reason: 'Domestic homicide review' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ type: 'urn:hrda:problem:not-found' });
  });

  it('places a hold once per key, refuses a second, puts it on the timeline with who and why, and lifts it', async () => {
    const key = randomUUID();
    const placed = await post(`/cases/${caseId}/hold`, admin({ 'idempotency-key': key }), { reason: 'Domestic homicide review commissioned' });
    expect(placed.statusCode, placed.body).toBe(201);
    const hold = placed.json<{ hold: { holdId: string; placedAt: string } }>().hold;
    expect(hold).toMatchObject({ caseId, reason: 'Domestic homicide review commissioned', placedBy: { role: 'administrator', agency: 'police', name: 'admin-ig-lead' } });
    // The same request again is the same hold, not a second one.
    const again = await post(`/cases/${caseId}/hold`, admin({ 'idempotency-key': key }), { reason: 'Domestic homicide review commissioned' });
    expect(again.json<{ hold: { holdId: string } }>().hold.holdId).toBe(hold.holdId);
    // A new request while one is in place is refused.
    const second = await post(`/cases/${caseId}/hold`, admin({ 'idempotency-key': randomUUID() }), { reason: 'Litigation' });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ type: 'urn:hrda:problem:refused', detail: expect.stringMatching(/already on hold/) });

    const timeline = (await get(`/cases/${caseId}/timeline`, admin())).json<{ type: string; actor: object; rationale?: string; data: object }[]>();
    expect(timeline.filter((e) => e.type === 'hold.placed')).toEqual([{ at: hold.placedAt, type: 'hold.placed', caseId, actor: { role: 'administrator', agency: 'police', name: 'admin-ig-lead' }, data: { holdId: hold.holdId }, rationale: 'Domestic homicide review commissioned' }]);
    // Ops read the timeline without the reason.
    const redacted = (await get(`/cases/${caseId}/timeline`, ops())).json<{ type: string; rationale?: string }[]>();
    expect(redacted.find((e) => e.type === 'hold.placed')).toBeDefined();
    expect(JSON.stringify(redacted)).not.toContain('Domestic homicide review commissioned');

    expect((await get(`/cases/${caseId}/holds`, chair())).statusCode).toBe(403);
    const listed = await get(`/cases/${caseId}/holds`, auditor());
    expect(listed.json()).toMatchObject({ holds: [{ holdId: hold.holdId }] });

    const lifted = await post(`/cases/${caseId}/hold/lift`, admin({ 'idempotency-key': randomUUID() }), { reason: 'The review reported' });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({ hold: { holdId: hold.holdId, lifted: { by: { name: 'admin-ig-lead' }, reason: 'The review reported' } } });
    const liftAgain = await post(`/cases/${caseId}/hold/lift`, admin({ 'idempotency-key': randomUUID() }), { reason: 'The review reported' });
    expect(liftAgain.statusCode).toBe(409);
    const after = (await get(`/cases/${caseId}/timeline`, admin())).json<{ type: string }[]>();
    expect(after.slice(-2).map((e) => e.type)).toEqual(['hold.placed', 'hold.lifted']);

    // Placing and lifting are in the access log as writes by the administrator.
    const entries = (await get(`/access-log?caseId=${caseId}`, auditor())).json<{ items: { action: string; route: string }[] }>().items;
    expect(entries.filter((e) => e.action === 'write').map((e) => e.route)).toEqual(expect.arrayContaining(['POST /cases/:caseId/hold', 'POST /cases/:caseId/hold/lift']));
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await get('/openapi.json', {})).json<{ paths: Record<string, Record<string, { operationId?: string }>> }>();
    expect(doc.paths['/cases/{caseId}/hold']?.post?.operationId).toBe('placeHold');
    expect(doc.paths['/cases/{caseId}/hold/lift']?.post?.operationId).toBe('liftHold');
    expect(doc.paths['/cases/{caseId}/holds']?.get?.operationId).toBe('listHolds');
  });
});
