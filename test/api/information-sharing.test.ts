import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralInput } from '../../domain/referral';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral, noConsentToShare } from '../support/referrals';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * trafford-marac's steps through HTTP on a dev server (docs/profiles.md): the incident facts a
 * police referral must carry, First Response's decision, health's sharing and the victim told,
 * each refused by field (400) or with the case's reason (409), and refused under dorset-hrda.
 */
let h: ApiHarness;
let traffordCase: string;
let dorsetCase: string;
const minute = 60_000;

const facts = {
  crimeRecorded: true, childResident: true, previousIncidentsIn12Months: 0, victimOrInformantPregnant: false, childActivelyInvolved: false,
  childCalledPolice: false, childAbuseMarker: false, deemedSerious: false, followsPreviousSharing: false, perpetratorOnLicenceOrOrder: false,
};

function referral(withFacts: boolean): Omit<ReferralInput, 'receivedAt'> {
  const { receivedAt: _now, ...body } = exampleReferral({
    victim: { name: `Rowan Trafford ${randomUUID().slice(0, 8)}`, dateOfBirth: '1993-03-03', consent: noConsentToShare },
    incident: { occurredAt: new Date(Date.now() - 60 * minute).toISOString(), summary: 'Assault at home.', flags: [], ...(withFacts ? { facts } : {}) },
  });
  return body;
}

const submit = (profile: string, body: object) =>
  h.app.inject({ method: 'POST', url: `/cases?profile=${profile}`, headers: as('administrator', profile === 'trafford-marac' ? 'marac-coordinator' : 'police', { 'idempotency-key': randomUUID() }), payload: body });

const post = (caseId: string, suffix: string, agency: string, payload: object) =>
  h.app.inject({ method: 'POST', url: `/cases/${caseId}${suffix}`, headers: as('agency-practitioner', agency), payload });

beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
  const t = await submit('trafford-marac', referral(true));
  expect(t.statusCode, t.body).toBe(201);
  traffordCase = t.json<{ caseId: string }>().caseId;
  const d = await submit('dorset-hrda', referral(false));
  expect(d.statusCode, d.body).toBe(201);
  dorsetCase = d.json<{ caseId: string }>().caseId;
});
afterAll(async () => {
  await h?.stop();
});

describe('trafford-marac through HTTP', () => {
  it('refuses a police referral without the incident facts, naming the fields', async () => {
    const none = await submit('trafford-marac', referral(false));
    expect(none.statusCode).toBe(400);
    expect(none.json().errors).toEqual([expect.objectContaining({ path: 'incident.facts', message: expect.stringContaining('required') })]);
    const { childCalledPolice: _c, ...partial } = facts;
    const some = await submit('trafford-marac', { ...referral(false), incident: { ...referral(false).incident, facts: { ...partial, deemedSerious: 'yes' } } });
    expect(some.statusCode).toBe(400);
    expect(some.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['incident.facts.childCalledPolice', 'incident.facts.deemedSerious']);
  });

  it('takes First Response’s decision from children’s social care, refusing bad fields by name and a wrong level or agency with the reason', async () => {
    const typed = await post(traffordCase, '/first-response', 'childrens-social-care', { level: 'four', rationale: 'x' });
    expect(typed.statusCode).toBe(400);
    expect(typed.json().errors).toEqual([expect.objectContaining({ path: 'level' })]);
    const level = await post(traffordCase, '/first-response', 'childrens-social-care', { level: 9, rationale: 'x' });
    expect(level.statusCode).toBe(409);
    expect(level.json().detail).toMatch(/^recordFirstResponseDecision refused: level: 9 is not a level of need of trafford-marac/);
    const health = await post(traffordCase, '/first-response', 'health', { level: 4, rationale: 'x' });
    expect(health.statusCode).toBe(409);
    expect(health.json().detail).toContain("First Response's decision is recorded by childrens-social-care, not health");

    const ok = await post(traffordCase, '/first-response', 'childrens-social-care', { level: 4, rationale: 'Child in Need assessment.' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().case.informationSharing.firstResponse.decision).toMatchObject({ level: 4, levelName: 'Child in Need' });
  });

  it('takes health’s sharing and the victim told from their own agencies', async () => {
    const bad = await post(traffordCase, '/health-sharing', 'health', { sharedWith: ['Health Visitor'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'sharedWith.0' })]);
    const shared = await post(traffordCase, '/health-sharing', 'health', { sharedWith: ['health-visitor'] });
    expect(shared.statusCode, shared.body).toBe(200);
    const told = await post(traffordCase, '/victim-told', 'idva', { outcome: 'told', consentToShare: false });
    expect(told.statusCode, told.body).toBe(200);
    expect(told.json().case.maracReferral).toMatchObject({ consent: false, victimToldBy: 'idva', told: [expect.objectContaining({ outcome: 'told' })] });
  });

  it('refuses the three under dorset-hrda, saying why', async () => {
    const fr = await post(dorsetCase, '/first-response', 'childrens-social-care', { level: 4, rationale: 'x' });
    expect(fr.statusCode).toBe(409);
    expect(fr.json().detail).toBe('recordFirstResponseDecision refused: dorset-hrda has no First Response stage: its protocol sets no triage of shared incidents');
    const hs = await post(dorsetCase, '/health-sharing', 'health', { sharedWith: ['health-visitor'] });
    expect(hs.statusCode).toBe(409);
    const vt = await post(dorsetCase, '/victim-told', 'domestic-abuse-advisor', { outcome: 'told' });
    expect(vt.statusCode).toBe(409);
    expect(vt.json().detail).toContain('dorset-hrda has no step for telling the victim');
  });
});
