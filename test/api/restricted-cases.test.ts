import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { ReferralInput } from '../../domain/referral';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { rebuildTimeline } from '../../client/audit/rebuild-timeline';
import { firstTimelineDifference } from '../../client/audit/compare';
import { caseWorkflowId } from '../../workflows/referral.messages';
import { exampleReferral } from '../support/referrals';
import { eventually, person, startApiHarness, type ApiHarness } from './harness';
import { codecJsonOf } from '../support/payloads';

let h: ApiHarness;
beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  h = await startApiHarness(bundle);
});
afterAll(async () => {
  await h?.stop();
});

const referrer = person('admin-referrer', 'administrator', 'police');
const otherAdmin = person('admin-other', 'administrator', 'police');
const housing = person('housing-worker', 'agency-practitioner', 'housing');
const daa = person('daa-smith', 'lead-professional', 'domestic-abuse-advisor');
const chair = person('chair-jones', 'chair', 'police');
const auditor = person('auditor-1', 'auditor');
const ops = person('ops-1', 'ops');

function referral(flags: ReferralInput['incident']['flags']): ReferralInput {
  const { receivedAt: _now, ...rest } = exampleReferral({
    victim: { name: `Alex Example ${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Threats from the extended family after she refused a marriage.', flags },
  });
  return rest;
}

async function submit(flags: ReferralInput['incident']['flags'], by = referrer) {
  const res = await h.app.inject({ method: 'POST', url: '/cases', headers: by({ 'idempotency-key': randomUUID() }), payload: referral(flags) as object });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ caseId: string; case: Record<string, unknown> }>();
}

const get = (url: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string>, payload: object) => h.app.inject({ method: 'POST', url, headers, payload });

describe('restricted cases through HTTP (issue 7 item 3; 003 §18.3)', () => {
  let restrictedId: string;

  it('an honour-based violence referral is restricted at intake; its submitter is on the list and Police lead', async () => {
    const { caseId, case: view } = await submit(['honour-based-violence']);
    restrictedId = caseId;
    expect(view).toMatchObject({ restricted: true, needToKnow: ['admin-referrer'], leads: { case: { agency: 'police' } } });
    const timeline = await get(`/cases/${caseId}/timeline`, referrer());
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json().map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['case.restricted', 'lead.assigned']));
  });

  it('a person on the list reads the case; someone not on it gets the same 404 as for a case that does not exist', async () => {
    const own = await get(`/cases/${restrictedId}`, referrer());
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().referral.victim.name).toMatch(/^Alex Example/);

    const missing = await get(`/cases/${randomUUID()}`, otherAdmin());
    for (const headers of [otherAdmin(), housing()]) {
      for (const suffix of ['', '/timeline']) {
        const res = await get(`/cases/${restrictedId}${suffix}`, headers);
        expect(res.statusCode, `${suffix} ${res.body}`).toBe(404);
        expect(res.body).not.toMatch(/Alex Example|marriage/);
        expect(res.json().type).toBe(missing.json().type);
      }
    }
  });

  it('auditors read it in full; ops and a chair not on the list see the skeleton only (the chair with the list)', async () => {
    const audited = await get(`/cases/${restrictedId}`, auditor());
    expect(audited.statusCode).toBe(200);
    expect(audited.json().referral.victim.name).toMatch(/^Alex Example/);

    const opsView = await get(`/cases/${restrictedId}`, ops());
    expect(opsView.statusCode).toBe(200);
    expect(opsView.json()).toMatchObject({ redacted: true, restricted: true, leads: { case: 'police' } });
    expect(opsView.json()).not.toHaveProperty('needToKnow');
    expect(opsView.body).not.toMatch(/Alex Example|marriage|admin-referrer/);

    const chairView = await get(`/cases/${restrictedId}`, chair());
    expect(chairView.json()).toMatchObject({ redacted: true, restricted: true, needToKnow: ['admin-referrer'] });
    expect(chairView.body).not.toMatch(/Alex Example|marriage/);
    const chairTimeline = await get(`/cases/${restrictedId}/timeline`, chair());
    expect(chairTimeline.statusCode).toBe(200);
    const restrictedEntry = chairTimeline.json().find((e: { type: string }) => e.type === 'case.restricted');
    expect(restrictedEntry.data).toEqual({ basis: 'referral-flags', flags: ['honour-based-violence'], leadAgency: 'police' });
    expect(chairTimeline.body).not.toMatch(/admin-referrer|Alex Example/);
  });

  it('a chair not on the list names the DAA; she then reads the case, the chair still sees the skeleton, others still nothing', async () => {
    const amended = await post(`/cases/${restrictedId}/restriction/need-to-know`, chair(), { add: ['daa-smith'], rationale: 'The DAA contacts the victim before the meeting.' });
    expect(amended.statusCode, amended.body).toBe(200);
    expect(amended.json().case).toMatchObject({ redacted: true, needToKnow: ['admin-referrer', 'daa-smith'] });
    expect(amended.body).not.toMatch(/Alex Example/);

    const daaView = await get(`/cases/${restrictedId}`, daa());
    expect(daaView.statusCode, daaView.body).toBe(200);
    expect(daaView.json().referral.victim.name).toMatch(/^Alex Example/);
    expect((await get(`/cases/${restrictedId}`, housing())).statusCode).toBe(404);

    const timeline = await get(`/cases/${restrictedId}/timeline`, daa());
    expect(timeline.json().find((e: { type: string }) => e.type === 'need-to-know.amended')).toMatchObject({
      actor: { role: 'chair', name: 'chair-jones' }, rationale: 'The DAA contacts the victim before the meeting.',
      data: { added: ['daa-smith'], removed: [], needToKnow: ['admin-referrer', 'daa-smith'] },
    });
  });

  it('writes follow reads: not on the list is 404, or 403 for a chair beyond deciding the list; the case refuses what is wrong', async () => {
    const summary = { involvement: 'Known.', risks: 'Family pressure.', actionsTaken: 'None.', recommendations: 'Refuge.' };
    expect((await post(`/cases/${restrictedId}/summaries`, housing(), { agency: 'housing', summary })).statusCode).toBe(404);
    expect((await post(`/cases/${restrictedId}/close`, otherAdmin(), { rationale: 'No further action.' })).statusCode).toBe(404);
    const chairRisk = await post(`/cases/${restrictedId}/risk`, chair(), { risk: 'high', rationale: 'x' });
    expect(chairRisk.statusCode).toBe(403);
    expect(chairRisk.json().detail).toMatch(/not on its need-to-know list/);
    const again = await post(`/cases/${restrictedId}/restriction`, chair(), { rationale: 'Again.', needToKnow: ['daa-smith'] });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().detail).toMatch(/already restricted/);
    const noOne = await post(`/cases/${restrictedId}/restriction/need-to-know`, chair(), { rationale: 'Nothing.' });
    expect(noOne.statusCode).toBe(400);
    const onList = await post(`/cases/${restrictedId}/summaries`, daa(), { agency: 'domestic-abuse-advisor', summary });
    expect(onList.statusCode, onList.body).toBe(200);
  });

  it('lists: a restricted case is listed for the people on its list, chairs, auditors and ops; not for others', async () => {
    const open = await submit(['strangulation']);
    const ids = async (headers: Record<string, string>) => {
      const res = await get('/cases?pageSize=500', headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: { caseId: string; restricted: boolean }[] }>().items;
    };
    const listed = await eventually(() => ids(referrer()), (items) => items.some((i) => i.caseId === restrictedId) && items.some((i) => i.caseId === open.caseId));
    expect(listed.find((i) => i.caseId === restrictedId)?.restricted).toBe(true);
    expect(listed.find((i) => i.caseId === open.caseId)?.restricted).toBe(false);

    const others = await eventually(() => ids(otherAdmin()), (items) => items.some((i) => i.caseId === open.caseId));
    expect(others.map((i) => i.caseId)).toContain(open.caseId);
    expect(others.map((i) => i.caseId)).not.toContain(restrictedId);
    const housingList = await ids(housing());
    expect(housingList.map((i) => i.caseId)).toContain(open.caseId);
    expect(housingList.map((i) => i.caseId)).not.toContain(restrictedId);
    // On the list, whether or not the DAA's agency is involved.
    expect((await eventually(() => ids(daa()), (items) => items.some((i) => i.caseId === restrictedId))).map((i) => i.caseId)).toContain(restrictedId);
    for (const who of [chair(), auditor(), ops()]) expect((await ids(who)).map((i) => i.caseId)).toContain(restrictedId);
  });

  it('the access log marks every read of a restricted case, for auditors to review', async () => {
    const res = await get(`/access-log?caseId=${restrictedId}&limit=500`, auditor());
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json<{ items: { sub: string; restricted?: boolean; view: string; action: string }[] }>().items;
    expect(entries.length).toBeGreaterThan(0);
    // Refused requests are there as security events; every read is marked restricted.
    const refused = entries.filter((e) => e.action === 'refused');
    expect(refused.map((e) => e.sub)).toEqual(expect.arrayContaining(['admin-other', 'housing-worker']));
    expect(entries.filter((e) => e.action !== 'refused').every((e) => e.restricted === true)).toBe(true);
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ sub: 'daa-smith', action: 'read', view: 'full' }),
      expect.objectContaining({ sub: 'chair-jones', action: 'read', view: 'skeleton' }),
      expect.objectContaining({ sub: 'auditor-1', action: 'read', view: 'full' }),
    ]));
    // Refused reads disclosed nothing and are not logged as reads.
    expect(entries.some((e) => (e.sub === 'admin-other' || e.sub === 'housing-worker') && e.action !== 'refused')).toBe(false);
  });

  it('hrda audit rebuilds the restricted case\'s timeline from its history alone, restriction and amendment included', async () => {
    const history = await h.temporal.workflow.getHandle(caseWorkflowId(restrictedId)).fetchHistory();
    const rebuilt = await rebuildTimeline(history, { dataConverter: h.temporal.options.dataConverter });
    expect(rebuilt.problems).toEqual([]);
    const reported = (await get(`/cases/${restrictedId}/timeline`, auditor())).json();
    expect(firstTimelineDifference(reported, rebuilt.timeline)).toBeUndefined();
    expect(rebuilt.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['case.restricted', 'need-to-know.amended']));
  });

  it('a chair restricts an ordinary case: the chair is on the list, Police lead, and an involved agency loses sight of it', async () => {
    const { caseId } = await submit(['stalking']);
    expect((await get(`/cases/${caseId}`, housing())).statusCode).toBe(200);
    const restricted = await post(`/cases/${caseId}/restriction`, chair(), { rationale: 'Intelligence that the family is searching for her.', needToKnow: ['admin-referrer'] });
    expect(restricted.statusCode, restricted.body).toBe(200);
    expect(restricted.json().case).toMatchObject({ restricted: true, needToKnow: ['admin-referrer', 'chair-jones'], leads: { case: { agency: 'police' } } });
    expect((await get(`/cases/${caseId}`, housing())).statusCode).toBe(404);
    expect((await get(`/cases/${caseId}`, referrer())).statusCode).toBe(200);
    const timeline = (await get(`/cases/${caseId}/timeline`, chair())).json();
    expect(timeline.find((e: { type: string }) => e.type === 'case.restricted')).toMatchObject({ actor: { role: 'chair', name: 'chair-jones' }, rationale: 'Intelligence that the family is searching for her.', data: { basis: 'chair' } });
    // Only chairs restrict.
    const { caseId: another } = await submit(['stalking']);
    expect((await post(`/cases/${another}/restriction`, referrer(), { rationale: 'x', needToKnow: ['admin-referrer'] })).statusCode).toBe(403);
  });

  it('the codec server decodes a restricted case for its list and auditors only, and keeps it encoded for any other administrator or chair', async () => {
    const { caseId } = await submit(['forced-marriage']);
    const history = await h.temporal.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const payloads = codecJsonOf(input);
    const decode = (headers: Record<string, string>) => h.app.inject({
      method: 'POST', url: '/codec/decode', payload: { payloads },
      headers: { 'content-type': 'application/json', 'x-namespace': h.config.TEMPORAL_NAMESPACE, origin: 'http://127.0.0.1:8233', ...headers },
    });
    const text = (res: { json: () => { payloads: { data: string }[] } }) => Buffer.from(res.json().payloads[0]!.data, 'base64').toString();
    const victim = 'Alex Example';

    for (const [who, headers] of [['on the list', referrer()], ['an auditor', auditor()]] as const) {
      const res = await decode(headers);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expect(text(res), who).toContain(victim);
      expect(res.headers['x-hrda-withheld'], who).toBeUndefined();
    }
    for (const [who, headers] of [['another administrator', otherAdmin()], ['a chair off the list', chair()]] as const) {
      const res = await decode(headers);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      // Returned as it came: the Web UI shows it encoded.
      expect(res.json().payloads).toEqual(payloads);
      expect(text(res), who).not.toContain(victim);
      expect(res.headers['x-hrda-withheld'], who).toBe('1');
    }
    // Only what was decoded is logged as a read of the case.
    const log = (await get(`/access-log?caseId=${caseId}&limit=100`, auditor())).json<{ items: { action: string; sub: string }[] }>().items;
    expect(log.filter((e) => e.action === 'decode').map((e) => e.sub).sort()).toEqual(['admin-referrer', 'auditor-1']);
  });

  it('once the workflow is gone, the codec server places the case by the restriction the store recorded, and a case it cannot place decodes for auditors only', async () => {
    const { caseId } = await submit(['forced-marriage']);
    const { caseId: openId } = await submit(['stalking']);
    const payloadsOf = async (id: string) => {
      const history = await h.temporal.workflow.getHandle(caseWorkflowId(id)).fetchHistory();
      return history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!.map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
      }));
    };
    const restricted = await payloadsOf(caseId);
    const open = await payloadsOf(openId);
    // What retention does a day after a case closes: Temporal forgets the workflow.
    for (const id of [caseId, openId]) {
      await h.temporal.workflow.getHandle(caseWorkflowId(id)).terminate('test: retention');
      await h.temporal.workflowService.deleteWorkflowExecution({ namespace: h.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId: caseWorkflowId(id) } });
      await eventually(() => h.temporal.workflow.getHandle(caseWorkflowId(id)).describe().then(() => 'found', () => 'gone'), (s) => s === 'gone');
    }
    const decodes = async (payloads: object[], headers: Record<string, string>) => {
      const res = await h.app.inject({
        method: 'POST', url: '/codec/decode', payload: { payloads },
        headers: { 'content-type': 'application/json', 'x-namespace': h.config.TEMPORAL_NAMESPACE, origin: 'http://127.0.0.1:8233', ...headers },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.headers['x-hrda-withheld'] === undefined;
    };
    expect(await decodes(restricted, referrer())).toBe(true);
    expect(await decodes(restricted, auditor())).toBe(true);
    expect(await decodes(restricted, otherAdmin())).toBe(false);
    expect(await decodes(restricted, chair())).toBe(false);
    expect(await decodes(open, otherAdmin())).toBe(true);

    // Nothing recorded and no workflow: the codec server cannot place them, and fails closed.
    await h.database.db.query('DELETE FROM case_restrictions WHERE case_id = $1', [caseId]);
    expect(await decodes(restricted, referrer())).toBe(false);
    expect(await decodes(restricted, chair())).toBe(false);
    expect(await decodes(restricted, auditor())).toBe(true);
  });
});
