import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lawfulBases } from '../../domain/sharing-without-consent';
import type { TimelineEntry } from '../../domain/timeline';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral, noConsentToShare } from '../support/referrals';
import { person, startApiHarness, type ApiHarness } from './harness';

/** Sharing without consent through HTTP (issue 21 item 5): refused as a field error without a basis; on the timeline with one. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
});
afterAll(async () => {
  await h?.stop();
});

const sergeant = person('ds-4567', 'agency-practitioner', 'police', 'sharing without consent');
const coordinator = person('marac-coord-1', 'administrator', 'marac-coordinator', 'sharing without consent');
const idva = person('idva-worker-1', 'agency-practitioner', 'idva', 'sharing without consent');
const post = (url: string, headers: Record<string, string>, payload: object) => h.app.inject({ method: 'POST', url, headers, payload });
const get = (url: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url, headers });

const body = (consent: object) => {
  const { receivedAt: _now, ...referral } = exampleReferral({
    victim: { name: `Rowan Consent ${randomUUID().slice(0, 8)}`, dateOfBirth: '1993-03-03', consent: consent as never },
    incident: { occurredAt: new Date(Date.now() - 3_600_000).toISOString(), summary: 'Assault at home.', flags: [] },
  });
  return referral;
};
const timeline = async (caseId: string, who = sergeant) => (await get(`/cases/${caseId}/timeline`, who())).json<TimelineEntry[]>();

describe('a referral without consent to share', () => {
  it('is refused as problem+json naming victim.consent.sharingWithoutConsent when it gives no basis, and nothing starts', async () => {
    const res = await post('/cases', sergeant({ 'idempotency-key': randomUUID() }), body({ share: false, contact: true }));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:hrda:problem:invalid-input',
      errors: [expect.objectContaining({ path: 'victim.consent.sharingWithoutConsent', message: expect.stringContaining('lawful basis') })],
    });
    const bad = await post('/cases', sergeant({ 'idempotency-key': randomUUID() }), body({ ...noConsentToShare, sharingWithoutConsent: { basis: 'because', decidedBy: { role: 'DS', agency: 'police' } } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['victim.consent.sharingWithoutConsent.basis']);
  });

  it('starts with a basis, and the timeline says which, who decided and who submitted it', async () => {
    const res = await post('/cases', sergeant({ 'idempotency-key': randomUUID() }), body({ ...noConsentToShare, sharingWithoutConsent: { ...noConsentToShare.sharingWithoutConsent, rationale: 'Strangulation: necessary and proportionate.' } }));
    expect(res.statusCode, res.body).toBe(201);
    const caseId = res.json<{ caseId: string }>().caseId;
    const entries = (await timeline(caseId)).filter((e) => e.type === 'sharing.without-consent');
    expect(entries).toEqual([expect.objectContaining({
      actor: { role: 'agency-practitioner', agency: 'police', name: 'ds-4567' },
      data: { basis: 'safeguarding-individuals-at-risk', decidedBy: { role: 'Detective Sergeant, Public Protection Unit', agency: 'police' }, decidedAt: 'referral' },
      rationale: 'Strangulation: necessary and proportionate.',
    })]);
    const view = (await get(`/cases/${caseId}`, sergeant())).json<{ sharingWithoutConsent?: { basis: string } }>();
    expect(view.sharingWithoutConsent?.basis).toBe('safeguarding-individuals-at-risk');
  });
});

describe('trafford-marac: the victim refuses when told ([001])', () => {
  it('needs a basis unless the referral gave one: 400 naming sharingWithoutConsent, then 200 with it on the timeline', async () => {
    const res = await post('/cases?profile=trafford-marac', coordinator({ 'idempotency-key': randomUUID() }), {
      ...body({ share: true, contact: true }),
      incident: { occurredAt: new Date(Date.now() - 3_600_000).toISOString(), summary: 'Assault at home.', flags: [], facts: {
        crimeRecorded: false, childResident: false, previousIncidentsIn12Months: 0, victimOrInformantPregnant: false, childActivelyInvolved: false,
        childCalledPolice: false, childAbuseMarker: false, deemedSerious: false, followsPreviousSharing: false, perpetratorOnLicenceOrOrder: false,
      } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const caseId = res.json<{ caseId: string }>().caseId;
    const refused = await post(`/cases/${caseId}/victim-told`, idva(), { outcome: 'told', consentToShare: false });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json().errors).toEqual([expect.objectContaining({ path: 'sharingWithoutConsent', message: expect.stringContaining('consentToShare = false') })]);
    const ok = await post(`/cases/${caseId}/victim-told`, idva(), {
      outcome: 'told', consentToShare: false,
      sharingWithoutConsent: { basis: 'vital-interests', decidedBy: { role: 'IDVA service manager', agency: 'idva' } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const entries = (await timeline(caseId, coordinator)).filter((e) => e.type === 'sharing.without-consent');
    expect(entries).toEqual([expect.objectContaining({ actor: { role: 'agency-practitioner', agency: 'idva', name: 'idva-worker-1' }, data: { basis: 'vital-interests', decidedBy: { role: 'IDVA service manager', agency: 'idva' }, decidedAt: 'victim-told' } })]);
  });
});

describe('the OpenAPI document', () => {
  it('describes the basis and its closed list on the referral', async () => {
    const doc = (await get('/openapi.json', {})).json<Record<string, unknown>>();
    const text = JSON.stringify(doc);
    expect(text).toContain('sharingWithoutConsent');
    expect(text).toContain(JSON.stringify(lawfulBases));
    expect(text).toContain('DPA 2018 Sch. 1 para 18');
  });
});
