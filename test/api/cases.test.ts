import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/bundle';
import type { FastifyInstance } from 'fastify';
import { localDate } from '../../domain/calendar';
import type { ReferralInput } from '../../domain/referral';
import { exampleReferral } from '../support/referrals';
import { WorkflowNotFoundError } from '@temporalio/common';
import { caseIdForKey } from '../../client/api/idempotency';
import { dataKeyStoreFor } from '../../worker/codec';
import { as, eventually, startApiHarness, type ApiHarness } from './harness';

let h: ApiHarness;
beforeAll(async () => {
  const bundle = await bundleWorkflows();
  h = await startApiHarness(bundle);
});
afterAll(async () => {
  await h?.stop();
});

const summary = { involvement: 'Known to housing since 2024.', risks: 'Perpetrator has a key.', actionsTaken: 'None yet.', recommendations: 'Change the locks.' };

/** A referral received now, for a victim of its own (so that no case is a repeat of another test's). */
function referral(overrides: Partial<ReferralInput> = {}): ReferralInput {
  const { receivedAt: _now, ...rest } = exampleReferral({
    victim: { name: `Alex Example ${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    ...overrides,
  });
  return rest;
}

const submit = (body: unknown, headers: Record<string, string> = {}, app: FastifyInstance = h.app) =>
  app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', headers), payload: body as object });

async function newCase(overrides: Partial<ReferralInput> = {}): Promise<{ caseId: string; body: ReferralInput }> {
  const body = referral(overrides);
  const res = await submit(body, { 'idempotency-key': randomUUID() });
  expect(res.statusCode, res.body).toBe(201);
  return { caseId: res.json<{ caseId: string }>().caseId, body };
}

const read = (caseId: string, headers: Record<string, string>, suffix = '') => h.app.inject({ method: 'GET', url: `/cases/${caseId}${suffix}`, headers });

describe('a case through HTTP', () => {
  it('is submitted, progressed by an agency summary, and read back with its timeline', async () => {
    const body = referral();
    const submitted = await submit(body, { 'idempotency-key': randomUUID() });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { caseId, case: view } = submitted.json();
    expect(submitted.headers.location).toBe(`/cases/${caseId}`);
    expect(view).toMatchObject({ caseId, route: 'hrda', risk: 'high', profile: 'dorset-hrda' });

    const progressed = await h.app.inject({
      method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing'), payload: { agency: 'housing', summary },
    });
    expect(progressed.statusCode, progressed.body).toBe(200);
    expect(progressed.json().case.summariesReceived).toContain('housing');

    const state = await read(caseId, as('agency-practitioner', 'housing', { 'x-purpose': 'preparing for the meeting' }));
    expect(state.statusCode, state.body).toBe(200);
    expect(state.json()).toMatchObject({ caseId, stage: 'preparing', summaries: { housing: { summary } } });

    const timeline = await read(caseId, as('agency-practitioner', 'housing', { 'x-purpose': 'preparing for the meeting' }), '/timeline');
    expect(timeline.statusCode).toBe(200);
    const entries = timeline.json<{ type: string; actor: object }[]>();
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['referral.received', 'referral.routed', 'summary.received']));
    expect(entries.find((e) => e.type === 'summary.received')!.actor).toEqual({ role: 'agency-practitioner', agency: 'housing', name: 'test-agency-practitioner-housing' });
    // The referral is credited to whoever submitted it (here the police's administrator), not to a practitioner of the referring agency.
    expect(entries.find((e) => e.type === 'referral.received')!.actor).toEqual({ role: 'administrator', agency: 'police', name: 'test-administrator-police' });
  });

  it('answers an action the case refuses with 409 and the reason', async () => {
    const { caseId } = await newCase();
    const res = await h.app.inject({
      method: 'POST', url: `/cases/${caseId}/meeting-outcome`, headers: as('administrator', 'police'),
      payload: { outcome: { risks: ['Strangulation'], actions: [], rationale: 'Too early.' } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:hrda:problem:refused', status: 409, detail: expect.stringMatching(/^recordMeetingOutcome refused: /) });
  });

  it('reports the case workflow\'s own validation (an unknown agency) by field path', async () => {
    const { caseId } = await newCase();
    const res = await h.app.inject({
      method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('administrator', 'police'), payload: { agency: 'police', summary: { ...summary, involvement: ' ' } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'summary.involvement', in: 'body' })]);
  });
});

describe('Idempotency-Key', () => {
  it('makes one case from the same key twice, also after the service forgets (a restart), and refuses the key for another referral', async () => {
    const key = randomUUID();
    const body = referral();
    const first = await submit(body, { 'idempotency-key': key });
    const again = await submit(body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const { caseId } = first.json<{ caseId: string }>();

    const restarted = await h.freshApp();
    const afterRestart = await submit(body, { 'idempotency-key': key }, restarted);
    expect(afterRestart.statusCode, afterRestart.body).toBe(200);
    expect(afterRestart.headers['idempotent-replayed']).toBe('true');
    expect(afterRestart.json().caseId).toBe(caseId);

    const other = referral();
    for (const app of [h.app, await h.freshApp()]) {
      const reused = await submit(other, { 'idempotency-key': key }, app);
      expect(reused.statusCode).toBe(422);
      expect(reused.json().type).toBe('urn:hrda:problem:idempotency-key-reused');
    }

    const runs = await eventually(() => h.temporal.workflow.count(`WorkflowId = 'case-${caseId}'`), (c) => c.count >= 1);
    expect(runs.count).toBe(1);
    const described = await h.temporal.workflow.getHandle(`case-${caseId}`).describe();
    expect(described.status.name).toBe('RUNNING');
  });

  it('refuses (410) a key whose case has had its personal data destroyed, naming the header, and starts nothing', async () => {
    // The store the service's codec uses (one per process and folder): destroyed here, destroyed for the API at once.
    const dataKeys = dataKeyStoreFor(h.database.db, h.config);
    const key = randomUUID();
    const body = referral();
    const first = await submit(body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const { caseId } = first.json<{ caseId: string }>();
    await dataKeys.destroy(`case:${caseId}`, '2032-11-24T10:00:00.000Z', 'the retention period ended');
    // Retention destroys closed cases only; this one was running, and its worker can no longer read it.
    await h.temporal.workflow.getHandle(`case-${caseId}`).terminate('test: its data key was destroyed');
    // A restarted service (years later) gets the same key again while Temporal still holds the case's history…
    const again = await submit(body, { 'idempotency-key': key }, await h.freshApp());
    expect(again.statusCode).toBe(410);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toMatchObject({
      type: 'urn:hrda:problem:case-id-retired', status: 410,
      detail: `This Idempotency-Key made case ${caseId}, whose personal data was destroyed on 2032-11-24T10:00:00.000Z (the retention period ended); use a new key for a new referral.`,
      errors: [{ path: 'Idempotency-Key', in: 'headers', message: expect.stringMatching(/destroyed/) }],
    });
    // …and after Temporal has purged it: without the refusal this would start a new case under the retired ID, under the ring.
    const purgedKey = randomUUID();
    const purgedId = caseIdForKey(h.config.HRDA_SUBJECT_KEY, 'test-administrator-police', purgedKey);
    await dataKeys.destroy(`case:${purgedId}`, '2032-11-24T10:00:00.000Z', 'the retention period ended');
    const resent = await submit(referral(), { 'idempotency-key': purgedKey }, await h.freshApp());
    expect(resent.statusCode).toBe(410);
    expect(resent.json().detail).toContain(purgedId);
    await expect(h.temporal.workflow.getHandle(`case-${purgedId}`).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    // A new key is a new case.
    expect((await submit(referral(), { 'idempotency-key': randomUUID() })).statusCode).toBe(201);
  });

  it('gives another caller using the same key a case of their own', async () => {
    const key = randomUUID();
    const mine = await submit(referral(), { 'idempotency-key': key });
    const theirs = await h.app.inject({ method: 'POST', url: '/cases', headers: as('chair', 'police', { 'idempotency-key': key }), payload: referral() });
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(theirs.json().caseId).not.toBe(mine.json().caseId);
  });

  it('replays a command once done, and refuses the key for a different command', async () => {
    const { caseId } = await newCase();
    const key = randomUUID();
    const send = (payload: object) => h.app.inject({
      method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'health', { 'idempotency-key': key }), payload,
    });
    const first = await send({ agency: 'health', summary });
    const again = await send({ agency: 'health', summary });
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const different = await send({ agency: 'health', summary: { ...summary, risks: 'Different.' } });
    expect(different.statusCode).toBe(422);

    const timeline = await read(caseId, as('administrator', 'police', { 'x-purpose': 'test' }), '/timeline');
    expect(timeline.json<{ type: string }[]>().filter((e) => e.type === 'summary.received')).toHaveLength(1);
  });
});

describe('who may see and do what', () => {
  it('refuses an agency not involved with 404, as for a case that does not exist, and lets an involved agency see it', async () => {
    const { caseId } = await newCase();
    const purpose = { 'x-purpose': 'checking our involvement' };
    const outsider = await read(caseId, as('agency-practitioner', 'education', purpose));
    const missing = await read(randomUUID(), as('agency-practitioner', 'education', purpose));
    expect(outsider.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(outsider.json().type).toBe(missing.json().type);
    expect((await read(caseId, as('agency-practitioner', 'education', purpose), '/timeline')).statusCode).toBe(404);
    const write = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/risk`, headers: as('agency-practitioner', 'education'), payload: { risk: 'high', rationale: 'x' } });
    expect(write.statusCode).toBe(404);

    // Housing is on the information request of every HRDA case (the profile's list).
    expect((await read(caseId, as('agency-practitioner', 'housing', purpose))).statusCode).toBe(200);
  });

  it('keeps a medium-risk offer to the referring agency', async () => {
    const { caseId } = await newCase({ assessment: { tool: 'professional-judgement', risk: 'medium' } });
    const purpose = { 'x-purpose': 'checking our involvement' };
    expect((await read(caseId, as('agency-practitioner', 'housing', purpose))).statusCode).toBe(404);
    const police = await read(caseId, as('agency-practitioner', 'police', purpose));
    expect(police.statusCode).toBe(200);
    expect(police.json().route).toBe('medium-risk-offer');

    const list = (agency: string) =>
      h.app.inject({ method: 'GET', url: '/cases?pageSize=100', headers: as('agency-practitioner', agency, purpose) }).then((r) => r.json<{ items: { caseId: string }[] }>());
    // Once the referrer's list shows the case, visibility has caught up: housing's list must not.
    const policeList = await eventually(() => list('police'), (l) => l.items.some((i) => i.caseId === caseId));
    expect(policeList.items.map((i) => i.caseId)).toContain(caseId);
    expect((await list('housing')).items.map((i) => i.caseId)).not.toContain(caseId);

    // The offer closes the case (PROTOCOL.md §1.1): an action on it is refused, not "not found".
    const closed = await eventually(() => read(caseId, as('administrator', 'police', purpose)).then((r) => r.json<{ stage: string }>()), (v) => v.stage === 'closed');
    expect(closed.stage).toBe('closed');
    const late = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/risk`, headers: as('administrator', 'police'), payload: { risk: 'high', rationale: 'New information.' } });
    expect(late.statusCode).toBe(409);
    // The machine refuses with the closure's reason until the workflow has completed, the API after.
    expect(late.json().detail).toMatch(/^changeRisk refused: the case is closed( \(.+\))?$/);
  });

  it('shows ops the state of a case without personal data', async () => {
    const body = referral();
    const res = await submit(body, { 'idempotency-key': randomUUID() });
    const { caseId } = res.json<{ caseId: string }>();
    await h.app.inject({ method: 'POST', url: `/cases/${caseId}/summaries`, headers: as('agency-practitioner', 'housing'), payload: { agency: 'housing', summary } });

    const purpose = { 'x-purpose': 'daily operations check' };
    const state = await read(caseId, as('ops', undefined, purpose));
    const timeline = await read(caseId, as('ops', undefined, purpose), '/timeline');
    expect(state.statusCode).toBe(200);
    expect(timeline.statusCode).toBe(200);
    expect(state.json()).toMatchObject({ caseId, redacted: true, route: 'hrda', risk: 'high', summariesReceived: ['housing'], referrerAgency: 'police' });
    const personal = [body.victim.name, body.perpetrator.name, body.children![0]!.name, body.referrer.name, body.referrer.contact, body.incident.summary, summary.risks, 'test-agency-practitioner-housing', '1990-04-01'];
    for (const text of [state.body, timeline.body]) {
      for (const p of personal) expect(text).not.toContain(p);
    }
    expect(timeline.json<{ type: string }[]>().map((e) => e.type)).toContain('summary.received');

    // The same case, for an administrator, does hold the victim's name.
    expect((await read(caseId, as('administrator', 'police', purpose))).body).toContain(body.victim.name);
    const write = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/close`, headers: as('ops'), payload: { rationale: 'x' } });
    expect(write.statusCode).toBe(403);
  });

  it('lets auditors read everything, stating their purpose as everyone does, and write nothing', async () => {
    const body = referral();
    const { caseId } = (await submit(body, { 'idempotency-key': randomUUID() })).json<{ caseId: string }>();
    const state = await read(caseId, as('auditor', undefined, { 'x-purpose': 'annual audit' }));
    expect(state.statusCode).toBe(200);
    expect(state.body).toContain(body.victim.name);

    const writes = await Promise.all([
      h.app.inject({ method: 'POST', url: '/cases', headers: as('auditor'), payload: referral() }),
      h.app.inject({ method: 'POST', url: `/cases/${caseId}/close`, headers: as('auditor'), payload: { rationale: 'Audit.' } }),
      h.app.inject({ method: 'POST', url: `/cases/${caseId}/risk`, headers: as('auditor'), payload: { risk: 'high', rationale: 'Audit.' } }),
    ]);
    for (const w of writes) {
      expect(w.statusCode).toBe(403);
      expect(w.json().type).toBe('urn:hrda:problem:forbidden');
    }
    expect((await read(caseId, as('auditor', undefined, { 'x-purpose': 'annual audit' }))).json().stage).not.toBe('closed');
  });

  it('asks everyone, auditors included, for a purpose before a read (the OpenAPI document marks X-Purpose required)', async () => {
    const { caseId } = await newCase();
    for (const who of [as('administrator', 'police'), as('auditor')]) {
      const res = await read(caseId, who);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ type: 'urn:hrda:problem:purpose-required', errors: [{ path: 'x-purpose', in: 'headers' }] });
    }
  });
});

describe('the access log', () => {
  it('has an entry for each read of a case, with who, when, the route and the stated purpose; only auditors read it', async () => {
    const { caseId } = await newCase();
    await read(caseId, as('agency-practitioner', 'housing', { 'x-purpose': 'preparing for the meeting' }));
    await read(caseId, as('administrator', 'police', { 'x-purpose': 'checking the circulation' }), '/timeline');
    await read(caseId, as('ops', undefined, { 'x-purpose': 'ops check' }));
    await read(caseId, as('auditor', undefined, { 'x-purpose': 'audit of reads' }));
    await read(caseId, as('agency-practitioner', 'education', { 'x-purpose': 'not involved' }));

    expect((await h.app.inject({ method: 'GET', url: '/access-log', headers: as('administrator', 'police') })).statusCode).toBe(403);
    const log = await h.app.inject({ method: 'GET', url: `/access-log?caseId=${caseId}`, headers: as('auditor') });
    expect(log.statusCode).toBe(200);
    const entries = log.json<{ items: Record<string, unknown>[] }>().items;
    const reads = entries.filter((e) => e.action === 'read');
    expect(reads.map(({ sub, role, agency, route, purpose, view }) => ({ sub, role, agency, route, purpose, view }))).toEqual([
      { sub: 'test-agency-practitioner-housing', role: 'agency-practitioner', agency: 'housing', route: 'GET /cases/:caseId', purpose: 'preparing for the meeting', view: 'full' },
      { sub: 'test-administrator-police', role: 'administrator', agency: 'police', route: 'GET /cases/:caseId/timeline', purpose: 'checking the circulation', view: 'full' },
      { sub: 'test-ops', role: 'ops', agency: undefined, route: 'GET /cases/:caseId', purpose: 'ops check', view: 'skeleton' },
      { sub: 'test-auditor', role: 'auditor', agency: undefined, route: 'GET /cases/:caseId', purpose: 'audit of reads', view: 'full' },
    ]);
    for (const e of entries) expect(e).toMatchObject({ caseId, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), requestId: expect.any(String) });
    // The submission disclosed the case to its referrer too.
    expect(entries.filter((e) => e.action === 'write').map((e) => e.purpose)).toEqual(['submitReferral']);
  });

  it('logs refused requests on a case as security events: no token (401), a role that may not (403), a case hidden from the caller (404)', async () => {
    const { caseId } = await newCase();
    expect((await h.app.inject({ method: 'GET', url: `/cases/${caseId}`, headers: { 'x-purpose': 'x' } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: `/cases/${caseId}/close`, headers: as('auditor'), payload: { rationale: 'x' } })).statusCode).toBe(403);
    expect((await read(caseId, as('agency-practitioner', 'education', { 'x-purpose': 'curious' }))).statusCode).toBe(404);
    const entries = await eventually(
      async () => (await h.app.inject({ method: 'GET', url: `/access-log?caseId=${caseId}`, headers: as('auditor') })).json<{ items: Record<string, unknown>[] }>().items.filter((e) => e.action === 'refused'),
      (found) => found.length >= 3,
    );
    // Written once each answer has left, so in the order they finished.
    expect(entries.map(({ sub, role, status, route }) => ({ sub, role, status: status as number, route })).sort((a, b) => a.status - b.status)).toEqual([
      { sub: 'unauthenticated', role: undefined, status: 401, route: 'GET /cases/:caseId' },
      { sub: 'test-auditor', role: 'auditor', status: 403, route: 'POST /cases/:caseId/close' },
      { sub: 'test-agency-practitioner-education', role: 'agency-practitioner', status: 404, route: 'GET /cases/:caseId' },
    ]);
  });
});

describe('case lists', () => {
  it('filters on the search attributes: stage, risk, route, overdue, meeting date, agency and profile', async () => {
    const { caseId } = await newCase();
    const meetingAt = (await read(caseId, as('administrator', 'police', { 'x-purpose': 'test' }))).json<{ meetingAt: string }>().meetingAt;
    const list = (query: string, headers = as('administrator', 'police', { 'x-purpose': 'listing cases' })) =>
      h.app.inject({ method: 'GET', url: `/cases?${query}`, headers }).then((r) => {
        expect(r.statusCode, r.body).toBe(200);
        return r.json<{ items: Record<string, unknown>[]; nextPageToken: string | null }>();
      });
    const has = (l: { items: Record<string, unknown>[] }) => l.items.some((i) => i.caseId === caseId);

    const matching = `stage=preparing&risk=high&route=hrda&overdue=false&agency=police&profile=dorset-hrda&meetingDate=${localDate(meetingAt)}&pageSize=100`;
    const found = await eventually(() => list(matching), has);
    expect(found.items.find((i) => i.caseId === caseId)).toEqual({
      caseId, status: 'running', stage: 'preparing', risk: 'high', route: 'hrda', profile: 'dorset-hrda',
      agencies: expect.arrayContaining(['police']), nextDeadline: expect.any(String), nextMeeting: meetingAt, overdueActions: 0, openDisputes: 0, restricted: false,
    });
    for (const other of ['risk=medium', 'overdue=true', 'stage=monitoring', 'route=standard-risk-offer', 'agency=education', 'meetingDate=2020-01-01']) {
      expect(has(await list(`${other}&pageSize=100`)), other).toBe(false);
    }

    const page1 = await list('pageSize=1');
    expect(page1.items).toHaveLength(1);
    expect(page1.nextPageToken).toEqual(expect.any(String));
    const page2 = await list(`pageSize=1&pageToken=${page1.nextPageToken}`);
    expect(page2.items[0]?.caseId).not.toBe(page1.items[0]?.caseId);
  });

  it('refuses filter values outside their vocabulary, by field', async () => {
    const res = await h.app.inject({
      method: 'GET', url: `/cases?stage=nonsense&agency=${encodeURIComponent("x' OR HrdaKind = 'subject")}`, headers: as('administrator', 'police', { 'x-purpose': 'listing cases' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string; in: string }) => `${e.in}:${e.path}`).sort()).toEqual(['query:agency', 'query:stage']);
  });
});
