import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { AccessLog } from '../../client/api/access-log';
import { workflowTypeOf } from '../../client/audit/history';
import { CaseClient, InvalidInputError } from '../../client/cases';
import { auditExport, auditReplay } from '../../client/cli/commands/audit';
import { caseTimeline, listCasesCommand, showCase, submitCase } from '../../client/cli/commands/case';
import type { CommandContext } from '../../client/cli/context';
import { CliError, type CliIo } from '../../client/cli/output';
import { as, eventually, startApiHarness, type ApiHarness } from '../api/harness';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const alteredWorkflowsPath = fileURLToPath(new URL('../support/workflows/altered-referral.ts', import.meta.url));

/** Captures what a command writes, as the terminal would show it. */
function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false };
  return { io, out, err, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

let harness: ApiHarness;
let altered: WorkflowBundleWithSourceMap;
let current: WorkflowBundleWithSourceMap;
let dir: string;
const context = () => {
  const captured = captureIo();
  const ctx: CommandContext = { client: harness.temporal, config: harness.config, db: harness.database.db, purpose: 'test', io: captured.io };
  return { ctx, ...captured };
};

// Referrals received now, for three different victims: two heard at HRDA, one referred on.
const now = Date.now();
const ago = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
const referral = (victim: string, risk: 'high' | 'medium', score: number) => exampleReferral({
  receivedAt: ago(0.01),
  assessment: { tool: 'police-dash', risk, score },
  incident: { occurredAt: ago(12), summary: 'Assault at the family home.', flags: ['strangulation'] },
  victim: { name: `${victim} Example`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
});

beforeAll(async () => {
  [current, altered] = await Promise.all([bundleWorkflows(), bundleWorkflows(alteredWorkflowsPath)]);
  harness = await startApiHarness(current);
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-cli-'));
  await writeFile(path.join(dir, 'high.json'), JSON.stringify(referral('Alex', 'high', 15)));
  await writeFile(path.join(dir, 'medium.json'), JSON.stringify(referral('Morgan', 'medium', 10)));
  await writeFile(path.join(dir, 'closing.json'), JSON.stringify(referral('Charlie', 'high', 16)));
  await writeFile(path.join(dir, 'invalid.json'), JSON.stringify({ ...referral('Dana', 'high', 15), assessment: { tool: 'police-dash', risk: 'high' } }));
});

afterAll(async () => {
  await harness?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('hrda case', () => {
  it('submit prints the case ID, its route and its meeting', async () => {
    const high = context();
    await submitCase(high.ctx, path.join(dir, 'high.json'), { caseId: 'cli-high' });
    expect(high.stdout()).toMatch(/^Case cli-high\n {2}route {4}hrda\n {2}meeting {2}\w{3} \d{1,2} \w{3} \d{4} 12:00.* \(daily\)$/);

    const medium = context();
    await submitCase(medium.ctx, path.join(dir, 'medium.json'), { caseId: 'cli-medium' });
    expect(medium.stdout()).toContain('route    medium-risk-offer');
    expect(medium.stdout()).toContain('meeting  none: referred on, the case is closed');
  });

  it('submit refuses an invalid referral, naming each field at fault, and starts nothing', async () => {
    const { ctx } = context();
    const refused = submitCase(ctx, path.join(dir, 'invalid.json'), { caseId: 'cli-invalid' });
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toThrow(/assessment\.score: a score \(0–27\) is required for police-dash/);
    await expect(harness.temporal.workflow.getHandle('case-cli-invalid').describe()).rejects.toThrow();
  });

  it('list shows the cases as a table, and filters them on search attributes', async () => {
    await submitCase(context().ctx, path.join(dir, 'closing.json'), { caseId: 'cli-closing' });
    const all = await eventually(async () => {
      const c = context();
      await listCasesCommand(c.ctx, {});
      return c.stdout();
      // Visibility catches up with each case's stage separately: wait for the last one to be routed.
    }, (text) => text.includes('3 cases') && /^cli-closing +preparing/m.test(text));
    const [header, rule, ...rows] = all.split('\n');
    expect(header).toMatch(/^Case +Stage +Risk +Route +Next meeting +Next deadline +Overdue +Disputes +Restricted +Started$/);
    expect(rule).toMatch(/^─+( +─+)+$/);
    expect(rows.filter((r) => /^cli-/.test(r)).map((r) => r.split(/\s{2,}/).slice(0, 4))).toEqual(expect.arrayContaining([
      ['cli-high', 'preparing', 'high', 'hrda'],
      ['cli-closing', 'preparing', 'high', 'hrda'],
      ['cli-medium', 'closed', 'medium', 'medium-risk-offer'],
    ]));

    const offers = context();
    await listCasesCommand(offers.ctx, { route: 'medium-risk-offer' });
    expect(offers.stdout()).toContain('cli-medium');
    expect(offers.stdout()).not.toContain('cli-high');
    expect(offers.stdout()).toMatch(/^1 case$/m);

    await expect(listCasesCommand(context().ctx, { stage: 'sleeping', limit: '0' })).rejects.toThrow(/Invalid filters:\n {2}--stage: .*\n {2}--limit: /);
  });

  it('show summarises the case without its personal data', async () => {
    const c = context();
    await showCase(c.ctx, 'cli-high', {});
    const text = c.stdout();
    expect(text).toMatch(/^Case cli-high {2}\(dorset-hrda\)$/m);
    expect(text).toMatch(/^ {2}Stage +preparing$/m);
    expect(text).toMatch(/^ {2}Route +hrda$/m);
    expect(text).toMatch(/^ {2}Missing +police, childrens-social-care, domestic-abuse-advisor/m);
    expect(text).toMatch(/^ {2}niche +completed, \d+ hits?$/m);
    expect(text).not.toContain('Alex Example');
    expect(text).not.toContain('1990-04-01');

    const json = context();
    await showCase(json.ctx, 'cli-high', { json: true });
    expect(JSON.parse(json.stdout())).toMatchObject({ caseId: 'cli-high', stage: 'preparing', referral: { victim: { name: 'Alex Example' } } });
  });

  it('timeline writes text, JSON, and an HTML page in which nothing from the case becomes markup', async () => {
    const rationale = `<img src=x onerror="alert('x')"> & <b>moved away</b>`;
    await new CaseClient(harness.temporal, harness.config.HRDA_TASK_QUEUE).command('cli-closing', 'closeCase', { rationale }, { role: 'administrator', agency: 'police' });

    const html = context();
    await caseTimeline(html.ctx, 'cli-closing', { format: 'html' });
    const page = html.stdout();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(page).toContain('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; &lt;b&gt;moved away&lt;/b&gt;');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).toContain('<code>case.closed</code>');

    const text = context();
    await caseTimeline(text.ctx, 'cli-closing', {});
    expect(text.stdout().split('\n')[0]).toMatch(/^\S+Z {2}referral\.received +risk=high tool=police-dash referrer=police score=16 by agency-practitioner \(police\)$/);
    expect(text.stdout()).toContain(`case.closed              rationale=${rationale} by administrator (police)`);

    const json = context();
    await caseTimeline(json.ctx, 'cli-closing', { format: 'json' });
    expect(JSON.parse(json.stdout()).at(-1)).toMatchObject({ type: 'case.closed', rationale });

    await expect(caseTimeline(context().ctx, 'cli-closing', { format: 'pdf' })).rejects.toBeInstanceOf(CliError);
  });
});

describe('hrda audit', () => {
  it('replay passes a running case and a completed one: the history replays and its rebuilt timeline matches', async () => {
    for (const id of ['cli-high', 'cli-medium']) {
      const c = context();
      expect(await auditReplay(c.ctx, id, {}, { workflowBundle: current })).toBe(0);
      expect(c.stdout()).toMatch(new RegExp(`^OK {3}${id} \\((running|completed); 1 run, \\d+ events, \\d+ timeline entries\\)$`));
    }
  });

  it('replay --all checks every case, with progress on stderr', async () => {
    const c = context();
    expect(await auditReplay(c.ctx, undefined, { all: true }, { workflowBundle: current })).toBe(0);
    expect(c.stdout().split('\n').filter((l) => l.startsWith('OK'))).toHaveLength(3);
    expect(c.stderr()).toContain('Replaying [1/3] cli-closing');
    expect(c.stderr()).toContain('3 cases audited: 3 passed, 0 failed.');
  });

  it('replay against a deliberately altered workflow reports the non-determinism and exits non-zero', async () => {
    const c = context();
    expect(await auditReplay(c.ctx, 'cli-high', {}, { workflowBundle: altered })).toBe(1);
    expect(c.stdout()).toMatch(/^FAIL cli-high /);
    expect(c.stdout()).toMatch(/The current workflow code does not reproduce this history \(non-determinism in run [\w-]+: .+\)/);
    expect(c.stderr()).toContain('1 case audited: 0 passed, 1 failed.');
  });

  it('replay says plainly when a case does not exist, or when neither a case nor --all is named', async () => {
    const c = context();
    expect(await auditReplay(c.ctx, 'no-such-case', {}, { workflowBundle: current })).toBe(1);
    expect(c.stdout()).toMatch(/^FAIL no-such-case\n {5}Could not be audited: No case no-such-case/);
    await expect(auditReplay(context().ctx, undefined, {}, { workflowBundle: current })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('export writes the history, the timeline, the access log, the checks and a readable report', async () => {
    const read = await harness.app.inject({ method: 'GET', url: '/cases/cli-high', headers: as('auditor', undefined, { 'x-purpose': 'annual audit <2026>' }) });
    expect(read.statusCode).toBe(200);
    const out = path.join(dir, 'bundle');
    const c = context();
    expect(await auditExport(c.ctx, 'cli-high', { out }, { workflowBundle: current })).toBe(0);
    expect(c.stdout()).toContain('Checks passed');

    const file = (name: string) => readFile(path.join(out, name), 'utf8');
    const manifest = JSON.parse(await file('manifest.json')) as { caseId: string; files: { name: string; sha256: string }[] };
    expect(manifest.caseId).toBe('cli-high');
    expect(manifest.files.map((f) => f.name)).toEqual(['history.json', 'timeline.json', 'access-log.json', 'audit.json', 'report.html']);
    for (const f of manifest.files) expect(createHash('sha256').update(await file(f.name)).digest('hex')).toBe(f.sha256);
    expect((await stat(path.join(out, 'history.json'))).mode & 0o077).toBe(0);

    expect(workflowTypeOf(historyFromJSON(JSON.parse(await file('history.json'))))).toBe('referralWorkflow');
    expect(JSON.parse(await file('timeline.json'))).toEqual(await new CaseClient(harness.temporal, harness.config.HRDA_TASK_QUEUE).timeline('cli-high'));
    const logged = JSON.parse(await file('access-log.json')) as unknown[];
    expect(logged).toContainEqual(expect.objectContaining({ caseId: 'cli-high', role: 'auditor', action: 'read', purpose: 'annual audit <2026>' }));
    // The export's own read is in it, under the OS user who ran it and the purpose they gave.
    expect(logged.at(-1)).toEqual(expect.objectContaining({ caseId: 'cli-high', sub: `cli:${os.userInfo().username}`, route: 'hrda audit export', purpose: 'test' }));
    expect(JSON.parse(await file('audit.json'))).toMatchObject({ caseId: 'cli-high', ok: true, replay: { ok: true }, rebuildProblems: [], timeline: { ok: true }, findings: [] });
    const report = await file('report.html');
    expect(report).toContain('<h1>Audit bundle: case cli-high</h1>');
    expect(report).toContain('annual audit &lt;2026&gt;');
    expect(report).toContain('<code>referral.received</code>');
    expect(report).not.toContain('Alex Example');
  });
});

describe('the hrda command', () => {
  const hrda = (args: string[]) => promisify(execFile)(process.execPath, [path.join(repoRoot, 'bin/hrda.mjs'), ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: harness.server.address,
      TEMPORAL_NAMESPACE: harness.config.TEMPORAL_NAMESPACE,
      HRDA_TASK_QUEUE: harness.config.HRDA_TASK_QUEUE,
      HRDA_DATABASE_URL: harness.config.HRDA_DATABASE_URL,
    },
    timeout: 90_000,
  });

  it('lists cases as JSON and exits 0', async () => {
    const { stdout } = await hrda(['case', 'list', '--json', '--stage', 'closed']);
    expect((JSON.parse(stdout) as { caseId: string }[]).map((c) => c.caseId).sort()).toEqual(['cli-closing', 'cli-medium']);
  });

  it('exits 1 with a plain message for a case that does not exist', async () => {
    await expect(hrda(['case', 'show', 'no-such-case', '--purpose', 'test'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^No case no-such-case in namespace /) });
  });

  it('audits one case from the command line, exit status 0', async () => {
    const { stdout, stderr } = await hrda(['audit', 'replay', 'cli-medium', '--purpose', 'test']);
    expect(stdout).toMatch(/^OK {3}cli-medium \(completed; /);
    expect(stderr).toContain('1 case audited: 1 passed, 0 failed.');
  });

  it('refuses a read of personal data without --purpose, and logs one with it under the OS user', async () => {
    await expect(hrda(['case', 'timeline', 'cli-medium'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^hrda case timeline reads personal data: say why with --purpose/) });
    const { rows: before } = await harness.database.db.query<{ n: string }>("SELECT count(*) AS n FROM access_log WHERE case_id = 'cli-medium'");
    await hrda(['case', 'timeline', 'cli-medium', '--purpose', 'domestic homicide review 2026/3']);
    const entries = await new AccessLog(harness.database.db).read({ caseId: 'cli-medium', limit: 1 });
    expect(entries).toEqual([expect.objectContaining({
      caseId: 'cli-medium', sub: `cli:${os.userInfo().username}`, role: 'administrator', action: 'read', route: 'hrda case timeline', view: 'full', purpose: 'domestic homicide review 2026/3',
    })]);
    const { rows: after } = await harness.database.db.query<{ n: string }>("SELECT count(*) AS n FROM access_log WHERE case_id = 'cli-medium'");
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);
    // The chain those reads were appended to is whole.
    const { stdout } = await hrda(['audit', 'verify-log']);
    expect(stdout).toMatch(/^OK /);
  });
});
