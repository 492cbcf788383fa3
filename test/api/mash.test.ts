import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mashAuditSampleCommand, mashWeeklyReportCommand } from '../../client/cli/commands/report';
import type { CommandContext } from '../../client/cli/context';
import type { CliIo } from '../../client/cli/output';
import { addDays, atLocal, localDate, weekdayOf } from '../../domain/calendar';
import type { ReferralInput } from '../../domain/referral';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { as, eventually, startApiHarness, type ApiHarness } from './harness';

/**
 * The MASH stage of warwickshire-mash through HTTP on a dev server (docs/profiles.md): each action
 * is one route, bad input is refused by field (400), an action in the wrong state or by the wrong
 * person with the case's reason (409), an agency acting for another is forbidden (403); a case of a
 * profile without a MASH stage refuses them all. Then the MASH's reports read the cases through
 * visibility and their state query, as `hrda report mash-weekly` and `mash-audit-sample` do.
 */
let h: ApiHarness;
const hour = 3_600_000;
const now = () => new Date().toISOString();
const referral = (name: string, over: Partial<ReferralInput> = {}) => {
  const { receivedAt: _r, ...body } = exampleReferral({
    incident: { occurredAt: new Date(Date.now() - hour).toISOString(), summary: 'Argument at home.', flags: [] },
    victim: { name: `${name} ${randomUUID().slice(0, 8)}`, dateOfBirth: '1992-02-02', consent: { share: true, contact: true } },
    ...over,
  });
  return body;
};
const submit = async (body: object, profile = 'warwickshire-mash') => {
  const res = await h.app.inject({ method: 'POST', url: `/cases?profile=${profile}`, headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ caseId: string; case: { stage: string } }>();
};
const post = (caseId: string, suffix: string, payload: object, headers: Record<string, string>) =>
  h.app.inject({ method: 'POST', url: `/cases/${caseId}${suffix}`, headers: { ...headers, 'idempotency-key': randomUUID() }, payload });
const hau = () => as('agency-practitioner', 'police');
const teamManager = () => as('chair', 'childrens-social-care');

let triageCase: string;
let closedCase: string;
let openCase: string;

beforeAll(async () => {
  h = await startApiHarness(await bundleWorkflows());
});
afterAll(async () => {
  await h?.stop();
});

describe('the MASH stage through HTTP', () => {
  it('starts a warwickshire-mash case in screening; lists every field at fault; refuses a rating before screening', async () => {
    const submitted = await submit(referral('Mara Mash', { assessment: { tool: 'police-dash', risk: 'medium', score: 9 } }));
    triageCase = submitted.caseId;
    expect(submitted.case.stage).toBe('screening');

    const bad = await post(triageCase, '/screening', { outcome: 'maybe' }, hau());
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json() as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['outcome', 'rationale']));
    const unshared = await post(triageCase, '/screening', { outcome: 'share-for-support', rationale: 'Support need.' }, hau());
    expect(unshared.statusCode).toBe(400);
    expect(JSON.stringify(unshared.json())).toContain('sharedWith');

    const early = await post(triageCase, '/rag-rating', { rating: 'amber', rationale: 'Children at home.' }, teamManager());
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ detail: expect.stringContaining('screening refers it into the MASH') });
  });

  it('takes the referral into the MASH; a rating by anyone but a team manager is refused with the reason', async () => {
    const screened = await post(triageCase, '/screening', { outcome: 'refer-to-mash', rationale: 'Children in the household.' }, hau());
    expect(screened.statusCode, screened.body).toBe(200);
    expect(screened.json().case.stage).toBe('rag-rating');
    const byAdmin = await post(triageCase, '/rag-rating', { rating: 'amber', rationale: 'Children at home.' }, as('administrator', 'police'));
    expect(byAdmin.statusCode).toBe(409);
    expect(byAdmin.json()).toMatchObject({ detail: expect.stringContaining('set by a MASH team manager') });
    const rated = await post(triageCase, '/rag-rating', { rating: 'amber', rationale: 'Children at home.' }, teamManager());
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json().case).toMatchObject({ stage: 'triage', mash: { rag: { rating: 'amber' }, triage: { agencies: expect.arrayContaining(['health', 'early-help', 'education']) } } });
    expect(Date.parse(rated.json().case.mash.rag.dueAt) - Date.parse(rated.json().case.mash.referredAt)).toBe(24 * hour);
  });

  it('lets a triage agency read the case and return its own response, never another agency\'s', async () => {
    const read = await h.app.inject({ method: 'GET', url: `/cases/${triageCase}`, headers: as('agency-practitioner', 'early-help', { 'x-purpose': 'triage' }) });
    expect(read.statusCode, read.body).toBe(200);
    const body = { agency: 'health', title: 'TRIAGE RESPONSE', response: { chronology: 'GP since 2019.', summary: 'No concerns recorded.' } };
    expect((await post(triageCase, '/triage-responses', body, as('agency-practitioner', 'early-help'))).statusCode).toBe(403);
    const ok = await post(triageCase, '/triage-responses', body, as('agency-practitioner', 'health'));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().case.mash.triage.responses.health).toMatchObject({ title: 'TRIAGE RESPONSE', late: false });
  });

  it('shows ops where the referral stands in the MASH, without personal data or responses', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/cases/${triageCase}`, headers: as('ops', undefined, { 'x-purpose': 'ops check' }) });
    expect(res.statusCode, res.body).toBe(200);
    const skeleton = res.json();
    expect(skeleton).toMatchObject({ redacted: true, stage: 'triage', mash: { leadAgency: 'police', screeningOutcome: 'refer-to-mash', rating: 'amber', awaiting: ['childrens-social-care', 'adult-social-care', 'police', 'early-help', 'education'], maracCriteria: [] } });
    expect(res.body).not.toContain('Mara Mash');
    expect(res.body).not.toContain('GP since 2019');
  });

  it('refuses every MASH action on a case of a profile without a MASH stage', async () => {
    const dorset = await submit(referral('Dora Dorset'), 'dorset-hrda');
    const res = await post(dorset.caseId, '/screening', { outcome: 'no-further-action', rationale: 'x' }, hau());
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ detail: 'recordScreening refused: the profile dorset-hrda has no MASH stage (screening, RAG rating, triage, MASH meeting)' });
  });
});

describe('the MASH reports on a dev server', () => {
  const context = () => {
    const out: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: () => {}, errIsTTY: false };
    const ctx: CommandContext = { client: h.temporal, config: h.config, db: h.database.db, purpose: 'test', io };
    return { ctx, stdout: () => out.join('\n') };
  };
  // The Friday (17:00 London) that ends the week we are in.
  const weekEnding = () => {
    let day = localDate(now());
    while (weekdayOf(day) !== 'friday') day = addDays(day, 1);
    return now() >= atLocal(day, '17:00') ? addDays(day, 7) : day;
  };

  beforeAll(async () => {
    const standard = { assessment: { tool: 'police-dash' as const, risk: 'standard' as const, score: 2 } };
    closedCase = (await submit(referral('Sam Standard', standard))).caseId;
    openCase = (await submit(referral('Oli Outstanding', standard))).caseId;
    const res = await post(closedCase, '/screening', { outcome: 'no-further-action', rationale: 'No vulnerabilities.' }, hau());
    expect(res.statusCode, res.body).toBe(200);
  });

  it('reports the standard incident completed this week and the one outstanding', async () => {
    const report = async () => {
      const { ctx, stdout } = context();
      await mashWeeklyReportCommand(ctx, { weekEnding: weekEnding(), json: true });
      return JSON.parse(stdout()) as { completed: { caseId: string; outcome: string }[]; outstanding: { caseId: string; overdue: boolean }[] };
    };
    const r = await eventually(report, (v) => v.completed.some((c) => c.caseId === closedCase) && v.outstanding.some((o) => o.caseId === openCase));
    expect(r.completed.find((c) => c.caseId === closedCase)).toMatchObject({ outcome: 'no-further-action' });
    expect(r.outstanding.find((o) => o.caseId === openCase)).toMatchObject({ overdue: false });
    // The medium-risk case is not a standard incident: not on this report.
    expect([...r.completed, ...r.outstanding].map((x) => x.caseId)).not.toContain(triageCase);
  });

  it('draws the audit sample from the incidents not referred into the MASH, with the seed recorded', async () => {
    const from = new Date(Date.now() - 24 * hour).toISOString();
    const to = new Date(Date.now() + 24 * hour).toISOString();
    const draw = async (seed: string) => {
      const { ctx, stdout } = context();
      await mashAuditSampleCommand(ctx, { from, to, seed, json: true });
      return JSON.parse(stdout()) as { seed: string; populationIds: string[]; sample: { caseId: string }[] };
    };
    const s = await eventually(() => draw('audit-seed-1'), (v) => v.populationIds.includes(closedCase));
    expect(s.seed).toBe('audit-seed-1');
    expect(s.populationIds).toEqual([closedCase]);
    expect(s.sample.map((x) => x.caseId)).toEqual([closedCase]);
    const text = context();
    await expect(mashAuditSampleCommand(text.ctx, { from, to, seed: 'bad seed!' })).rejects.toThrow('--seed must be');
    await expect(mashWeeklyReportCommand(text.ctx, { weekEnding: addDays(weekEnding(), 1) })).rejects.toThrow(/--week-ending: the week ends on a friday/);
  });
});
