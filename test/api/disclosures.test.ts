import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { discloseCase } from '../../client/cli/commands/disclose';
import type { CommandContext } from '../../client/cli/context';
import { CliError } from '../../client/cli/output';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisclosureRefusedError, thirdPartyExport } from '../../client/disclosure/third-party-export';
import type { ReferralInput } from '../../domain/referral';
import type { TimelineEntry } from '../../domain/timeline';
import type { CaseView } from '../../machines/referral';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { auditCase } from '../../client/audit/audit-case';
import { CaseClient } from '../../client/cases';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { dataConverterFor } from '../../worker/codec';
import { as, eventually, startApiHarness, type ApiHarness } from './harness';

// The perpetrator's address is, spelt differently, probation's directory mailbox: the case's
// information request is withheld (activities/mail.guard.ts), which the audit must rebuild too.
const PERPETRATOR_EMAIL = 'HRDA+private@Probation.example.org';
const PERPETRATOR_PHONE = '07700 900123';
const ASSOCIATE_EMAIL = 'drew.brother@example.net';
const CONNECTED_PHONE = '07700 900456';

function referral(): ReferralInput {
  const { receivedAt: _now, ...rest } = exampleReferral({
    victim: { name: `Alex Example ${randomUUID().slice(0, 8)}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    perpetrator: {
      name: 'Blake Example', dateOfBirth: '1988-02-02',
      contact: { email: PERPETRATOR_EMAIL, phone: PERPETRATOR_PHONE, address: '1 Hidden Lane' },
      associates: [{ name: 'Drew Example', relationship: 'brother', contact: { email: ASSOCIATE_EMAIL } }],
    },
    household: [{ name: 'Frankie Example', relationship: "perpetrator's mother", connectedToPerpetrator: true, contact: { phone: CONNECTED_PHONE } }],
  });
  return rest;
}

const consent = { consentId: 'court-2026-001', recipient: 'Family Court, Bournemouth', purpose: 'court', scope: ['case', 'referral', 'matrix'], rationale: 'Child arrangements hearing; the court asked for the risk picture.' };

describe('third-party disclosure through HTTP, on a dev server with a real worker', () => {
  let h: ApiHarness;
  let caseId: string;
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    h = await startApiHarness(bundle);
    const res = await h.app.inject({ method: 'POST', url: '/cases', headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: referral() as object });
    expect(res.statusCode, res.body).toBe(201);
    caseId = res.json<{ caseId: string }>().caseId;
  });
  afterAll(async () => {
    await h?.stop();
  });

  const exportAs = (role: 'administrator' | 'chair' | 'auditor', consentId = consent.consentId) =>
    h.app.inject({ method: 'GET', url: `/cases/${caseId}/disclosures/${consentId}`, headers: as(role, 'police', { 'x-purpose': 'report for the family court' }) });
  const disclosuresLogged = async () => {
    const log = await h.app.inject({ method: 'GET', url: `/access-log?caseId=${caseId}`, headers: as('auditor') });
    return log.json<{ items: { action: string; consentId?: string; sub: string }[] }>().items.filter((e) => e.action === 'disclose');
  };

  it('refuses an export before the chair has consented, and logs no disclosure', async () => {
    const res = await exportAs('administrator');
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().detail).toContain('court-2026-001');
    expect(res.body).not.toContain(PERPETRATOR_EMAIL);
    expect(await disclosuresLogged()).toEqual([]);
  });

  it('takes consent from the chair only', async () => {
    const byAdmin = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/disclosure-consents`, headers: as('administrator', 'police'), payload: consent });
    expect(byAdmin.statusCode, byAdmin.body).toBe(403);
    const byChair = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/disclosure-consents`, headers: as('chair', 'police'), payload: consent });
    expect(byChair.statusCode, byChair.body).toBe(200);
    const again = await h.app.inject({ method: 'POST', url: `/cases/${caseId}/disclosure-consents`, headers: as('chair', 'police'), payload: consent });
    expect(again.statusCode, again.body).toBe(409);

    const timeline = await h.app.inject({ method: 'GET', url: `/cases/${caseId}/timeline`, headers: as('auditor', undefined, { 'x-purpose': 'audit of disclosures' }) });
    const consented = timeline.json<{ items?: TimelineEntry[] } | TimelineEntry[]>();
    const entries = (Array.isArray(consented) ? consented : consented.items ?? []).filter((e) => e.type === 'disclosure.consented');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: { role: 'chair' }, data: { consentId: 'court-2026-001', recipient: 'Family Court, Bournemouth', purpose: 'court', scope: ['case', 'referral', 'matrix'] }, rationale: consent.rationale });
  });

  it('exports under the consent: marked with it, only its scope, no contact detail of the perpetrator or anyone connected, logged as a disclosure', async () => {
    const res = await exportAs('chair');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.marking).toContain('court-2026-001');
    expect(body.marking).toContain('Family Court, Bournemouth');
    expect(body.consent).toMatchObject({ consentId: 'court-2026-001', purpose: 'court', consentedBy: { role: 'chair' } });
    expect(body.case).toMatchObject({ caseId, route: 'hrda' });
    expect(body.matrix).toBeDefined();
    expect(body.timeline).toBeUndefined();
    expect(body.agencySummaries).toBeUndefined();
    expect(body.referral.perpetrator).toMatchObject({ name: 'Blake Example' });
    expect(body.referral.perpetrator.contact).toBeUndefined();
    expect(body.referral.perpetrator.associates).toEqual([{ name: 'Drew Example', relationship: 'brother' }]);
    expect(body.referral.household).toEqual([{ name: 'Frankie Example', relationship: "perpetrator's mother", connectedToPerpetrator: true }]);
    for (const secret of [PERPETRATOR_EMAIL, PERPETRATOR_PHONE, ASSOCIATE_EMAIL, CONNECTED_PHONE, '1 Hidden Lane']) expect(res.body).not.toContain(secret);

    expect(await disclosuresLogged()).toEqual([expect.objectContaining({ action: 'disclose', consentId: 'court-2026-001', sub: 'test-chair-police' })]);
  });

  it('is rebuilt by the audit from the history alone: the consent and the withheld message agree with the workflow', async () => {
    const timeline = await eventually(() => new CaseClient(h.temporal, h.config.HRDA_TASK_QUEUE).timeline(caseId), (t) => t.some((e) => e.type === 'notification.withheld'));
    expect(timeline.filter((e) => e.type === 'notification.withheld').map((e) => e.data)).toEqual([{ notificationId: `${caseId}:info-request`, topic: 'info-request', positions: [dorsetHrda.infoRequest.agencies.indexOf('probation')] }]);
    const audit = await auditCase(h.temporal, caseId, { workflowBundle: bundle, dataConverter: dataConverterFor(h.config, h.database.db) });
    expect(audit.replay).toEqual({ ok: true });
    expect(audit.rebuildProblems).toEqual([]);
    expect(audit.rebuilt.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['disclosure.consented', 'notification.withheld']));
    expect(audit.ok, JSON.stringify(audit.timeline)).toBe(true);
  });

  it('refuses a consent id the case does not hold, and an auditor', async () => {
    expect((await exportAs('administrator', 'court-2026-999')).statusCode).toBe(403);
    expect((await exportAs('auditor')).statusCode).toBe(403);
    expect(await disclosuresLogged()).toHaveLength(1);
  });

  it('`hrda case disclose` refuses without the consent, and otherwise writes the same export and logs it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CommandContext = { client: h.temporal, config: h.config, db: h.database.db, purpose: 'test', io: { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false } };
    await expect(discloseCase(ctx, caseId, { consent: 'court-2026-999', by: 'clerk' })).rejects.toThrow(CliError);
    expect(await disclosuresLogged()).toHaveLength(1);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-disclose-'));
    try {
      const file = path.join(dir, 'export.json');
      await discloseCase(ctx, caseId, { consent: consent.consentId, out: file, by: 'clerk' });
      const text = await readFile(file, 'utf8');
      expect(JSON.parse(text)).toMatchObject({ caseId, consent: { consentId: consent.consentId }, marking: expect.stringContaining(consent.consentId) });
      for (const secret of [PERPETRATOR_EMAIL, PERPETRATOR_PHONE, ASSOCIATE_EMAIL, CONNECTED_PHONE]) expect(text).not.toContain(secret);
      expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
      expect(await disclosuresLogged()).toEqual([expect.anything(), expect.objectContaining({ sub: 'cli:clerk', consentId: consent.consentId })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('thirdPartyExport', () => {
  it('refuses once the consent has expired', () => {
    const view = { caseId: 'c', referral: {} } as unknown as CaseView;
    const timeline = [{ at: '2026-11-24T10:00:00.000Z', type: 'disclosure.consented', caseId: 'c', actor: { role: 'chair' }, data: { consentId: 'x', recipient: 'R', purpose: 'child-protection', scope: ['case'], expiresAt: '2026-12-01T00:00:00.000Z' } }] as TimelineEntry[];
    expect(thirdPartyExport(view, timeline, 'x', new Date('2026-11-30T00:00:00Z')).consent.consentId).toBe('x');
    expect(() => thirdPartyExport(view, timeline, 'x', new Date('2026-12-01T00:00:00Z'))).toThrow(DisclosureRefusedError);
  });
});
