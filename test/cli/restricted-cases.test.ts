import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { CaseClient } from '../../client/cases';
import { caseTimeline, listCasesCommand, showCase } from '../../client/cli/commands/case';
import type { CommandContext } from '../../client/cli/context';
import type { CliIo } from '../../client/cli/output';
import { workflowBundleOptions, workflowsPath } from '../../worker/bundle';
import { eventually, startApiHarness, type ApiHarness } from '../api/harness';
import { exampleReferral } from '../support/referrals';

let harness: ApiHarness;
beforeAll(async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions });
  harness = await startApiHarness(bundle);
});
afterAll(async () => {
  await harness?.stop();
});

function context() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false };
  const ctx: CommandContext = { client: harness.temporal, config: harness.config, db: harness.database.db, purpose: 'test', io };
  return { ctx, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

const victim = `Farah Example ${randomUUID().slice(0, 6)}`;
const incident = 'Her brothers threatened her after she refused the marriage arranged abroad.';

async function submit(flags: ('forced-marriage' | 'strangulation')[], name = victim) {
  const { receivedAt: _r, ...referral } = exampleReferral({
    incident: { occurredAt: new Date(Date.now() - 3_600_000).toISOString(), summary: incident, flags },
    victim: { name, dateOfBirth: '1995-03-03', consent: { share: true, contact: true } },
  });
  return new CaseClient(harness.temporal, harness.config.HRDA_TASK_QUEUE).submitReferral(referral, { submittedBy: 'pc-referrer-9' });
}

describe('hrda case and a restricted case (the CLI runs with the service\'s credentials, not a person\'s)', () => {
  let restrictedId: string;
  let openId: string;
  beforeAll(async () => {
    restrictedId = (await submit(['forced-marriage'])).caseId;
    openId = (await submit(['strangulation'], `Other Example ${randomUUID().slice(0, 6)}`)).caseId;
  });

  it('show prints the skeleton and says it is restricted; --json gives the skeleton, never the referral', async () => {
    const text = context();
    await showCase(text.ctx, restrictedId, {});
    expect(text.stdout()).toMatch(/Restricted\s+yes, since .*: flagged forced-marriage/);
    expect(text.stdout()).toMatch(/Need to know\s+1 named \(pc-referrer-9\)/);
    expect(text.stdout()).toMatch(/case\s+police — restricted case/);
    expect(text.stdout()).not.toContain(victim);

    const json = context();
    await showCase(json.ctx, restrictedId, { json: true });
    const shown = JSON.parse(json.stdout());
    expect(shown).toMatchObject({ caseId: restrictedId, restricted: true, redacted: true });
    expect(shown).not.toHaveProperty('referral');
    expect(json.stdout()).not.toContain(victim);
    expect(json.stdout()).not.toContain('marriage arranged');
    expect(json.stderr()).toMatch(/is restricted: --json shows its skeleton/);

    const open = context();
    await showCase(open.ctx, openId, { json: true });
    expect(JSON.parse(open.stdout()).referral.victim.name).toMatch(/^Other Example/);
  });

  it('timeline leaves out rationales, names and the need-to-know list of a restricted case', async () => {
    const t = context();
    await caseTimeline(t.ctx, restrictedId, { format: 'json' });
    const entries = JSON.parse(t.stdout()) as { type: string; data: Record<string, unknown>; rationale?: string }[];
    const restricted = entries.find((e) => e.type === 'case.restricted')!;
    expect(restricted.data).toEqual({ basis: 'referral-flags', flags: ['forced-marriage'], leadAgency: 'police' });
    expect(entries.every((e) => e.rationale === undefined)).toBe(true);
    expect(t.stdout()).not.toContain('pc-referrer-9');
    expect(t.stderr()).toMatch(/is restricted: the timeline is shown without rationales/);
  });

  it('list marks restricted cases and filters on them', async () => {
    const restrictedOnly = await eventually(async () => {
      const l = context();
      await listCasesCommand(l.ctx, { restricted: true, json: true, limit: '500' });
      return JSON.parse(l.stdout()) as { caseId: string; restricted: boolean }[];
    }, (items) => items.some((i) => i.caseId === restrictedId));
    expect(restrictedOnly.map((i) => i.caseId)).toContain(restrictedId);
    expect(restrictedOnly.map((i) => i.caseId)).not.toContain(openId);
    expect(restrictedOnly.every((i) => i.restricted)).toBe(true);

    const unrestricted = context();
    await listCasesCommand(unrestricted.ctx, { restricted: 'false', json: true, limit: '500' });
    const ids = (JSON.parse(unrestricted.stdout()) as { caseId: string }[]).map((i) => i.caseId);
    expect(ids).toContain(openId);
    expect(ids).not.toContain(restrictedId);

    const table = context();
    await listCasesCommand(table.ctx, { limit: '500' });
    expect(table.stdout()).toMatch(new RegExp(`${restrictedId}.*\\byes\\b`));
  });
});
