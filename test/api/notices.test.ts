import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { as, startApiHarness, type ApiHarness } from './harness';

/**
 * DVDS and DVPO through HTTP on a dev server (docs/notices.md). On a real clock the case is still
 * before its meeting, so a DVDS is refused; a DVPO is taken at any stage, a breach while it is in force.
 */
let h: ApiHarness;
let caseId: string;
const hour = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
  const { receivedAt: _now, ...body } = exampleReferral({ victim: { name: `Noor Notice ${randomUUID().slice(0, 8)}`, dateOfBirth: '1991-01-01', consent: { share: true, contact: true } } });
  const res = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  caseId = res.json<{ caseId: string }>().caseId;
});
afterAll(async () => {
  await h?.stop();
});

const post = (suffix: string, payload: object, headers = as('agency-practitioner', 'police')) =>
  h.app.inject({ method: 'POST', url: `/cases/${caseId}${suffix}`, headers, payload });

describe('DVDS and DVPO through HTTP', () => {
  it('refuses DVDS wording before the meeting sits, and a DVDS write by an agency practitioner', async () => {
    const early = await post('/dvds', { dvdsId: 'v1', route: 'right-to-ask', wording: 'x' }, as('administrator', 'police'));
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ detail: expect.stringMatching(/^recordDvds refused: DVDS wording is agreed at the daily meeting/) });
    expect((await post('/dvds', { dvdsId: 'v1', route: 'right-to-ask', wording: 'x' })).statusCode).toBe(403);
    const unknown = await post('/dvds/sign-off', { dvdsId: 'v9' });
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json()).toMatchObject({ detail: expect.stringContaining('no DVDS v9 on this case') });
  });

  it('records a DVPO with its expiry, refuses a length outside 14-28 days by field, and takes a breach while it is in force', async () => {
    const tooLong = await post('/dvpos', { dvpoId: 'o1', madeAt: iso(-hour), days: 35, protectedPremises: 'The home', terms: ['No contact'] });
    expect(tooLong.statusCode).toBe(400);
    expect(JSON.stringify(tooLong.json())).toContain('days');

    const made = iso(-hour);
    const res = await post('/dvpos', { dvpoId: 'o1', madeAt: made, days: 14, protectedPremises: 'The home', terms: ['No contact'] });
    expect(res.statusCode, res.body).toBe(200);
    const expiresAt = new Date(Date.parse(made) + 14 * 24 * hour).toISOString();
    // 14 London calendar days: the same instant unless a clock change falls between.
    expect(res.json().case.notices.dvpos[0]).toMatchObject({ dvpoId: 'o1', days: 14, expired: false });
    expect(Math.abs(Date.parse(res.json().case.notices.dvpos[0].expiresAt) - Date.parse(expiresAt))).toBeLessThanOrEqual(hour);

    const before = await post('/dvpos/breaches', { dvpoId: 'o1', occurredAt: iso(-2 * hour), details: 'Before it was made.' });
    expect(before.statusCode).toBe(409);
    const breach = await post('/dvpos/breaches', { dvpoId: 'o1', occurredAt: iso(-60_000), details: 'Seen at the door.' });
    expect(breach.statusCode, breach.body).toBe(200);
    const timeline = await h.app.inject({ method: 'GET', url: `/cases/${caseId}/timeline`, headers: as('administrator', 'police', { 'x-purpose': 'test' }) });
    expect(timeline.statusCode, timeline.body).toBe(200);
    const types = JSON.stringify(timeline.json());
    expect(types).toContain('dvpo.recorded');
    expect(types).toContain('dvpo.breached');
  });
});
