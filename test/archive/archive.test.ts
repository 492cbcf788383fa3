import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { archivePass, type ArchiverDeps } from '../../client/archive/archiver';
import { archivedHistories } from '../../client/archive/archived-histories';
import { archiveStatus } from '../../client/archive/status';
import { auditExport, auditReplay } from '../../client/cli/commands/audit';
import { caseTimeline, showCase } from '../../client/cli/commands/case';
import { opsArchive } from '../../client/cli/commands/ops';
import { MeetingClient, MeetingNotFoundError } from '../../client/meetings';
import type { CommandContext } from '../../client/cli/context';
import type { CliIo } from '../../client/cli/output';
import { workflowTypeOf } from '../../client/audit/history';
import { readSafeLivesCases } from '../../client/reports/safelives';
import type { ReferralInput } from '../../domain/referral';
import { sha256Hex } from '../../store/archive/archive-table';
import { readCursor } from '../../store/archive/cursor';
import { openAlerts } from '../../store/ops-alerts';
import { dataConverterFor } from '../../worker/codec';
import { as, eventually, startApiHarness, tokenFor, type ApiHarness } from '../api/harness';
import { bundleWorkflows } from '../support/bundle';
import { codecJsonOf } from '../support/payloads';
import { createTestDatabase } from '../support/database';
import { exampleReferral } from '../support/referrals';

const archiverChild = fileURLToPath(new URL('../support/archiver-child.ts', import.meta.url));
const alteredWorkflowsPath = fileURLToPath(new URL('../support/workflows/altered-referral.ts', import.meta.url));

let h: ApiHarness;
let current: WorkflowBundleWithSourceMap;
let altered: WorkflowBundleWithSourceMap;
let dir: string;

beforeAll(async () => {
  [current, altered] = await Promise.all([bundleWorkflows(), bundleWorkflows(alteredWorkflowsPath)]);
  h = await startApiHarness(current);
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-archive-'));
});

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const archiver = (db = h.database.db, extra: Partial<ArchiverDeps> = {}): ArchiverDeps => ({
  db, client: h.temporal, workflowBundle: current, dataConverter: dataConverterFor(h.config, h.database.db), overlapMs: 60_000, ...extra,
});

function referral(risk: 'high' | 'medium' = 'high', flags?: ReferralInput['incident']['flags']): ReferralInput {
  const { receivedAt: _now, ...rest } = exampleReferral({
    victim: { name: `Sam Example ${randomUUID().slice(0, 8)}`, dateOfBirth: '1988-02-01', consent: { share: true, contact: true } },
    ...(risk === 'medium' ? { assessment: { tool: 'police-dash', risk: 'medium', score: 10 } } : {}),
    ...(flags ? { incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Threats from the extended family after she refused a marriage.', flags } } : {}),
  });
  return rest;
}

/** The administrator who refers the restricted case: the first on its need-to-know list. */
const referrer = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokenFor('administrator', 'police', 'admin-referrer')}`, ...extra });

async function submit(body: ReferralInput, headers = as('administrator', 'police')): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/cases', headers: { ...headers, 'idempotency-key': randomUUID() }, payload: body as object });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ caseId: string }>().caseId;
}

const readHeaders = as('auditor', undefined, { 'x-purpose': 'domestic homicide review' });
const read = (caseId: string, suffix = '') => h.app.inject({ method: 'GET', url: `/cases/${caseId}${suffix}`, headers: readHeaders });

/** Every closed run visibility lists, as `workflowId/runId`. */
async function closedRuns(): Promise<string[]> {
  const runs: string[] = [];
  for await (const wf of h.temporal.workflow.list({ query: 'ExecutionStatus != "Running"' })) runs.push(`${wf.workflowId}/${wf.runId}`);
  return runs.sort();
}

async function archivedRunIds(db = h.database.db): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT workflow_id || '/' || run_id AS id FROM archived_workflows ORDER BY 1`);
  return rows.map((r) => r.id);
}

/** What retention does: every run of the workflow removed from Temporal. */
async function deleteFromTemporal(workflowId: string): Promise<void> {
  const runIds: string[] = [];
  for await (const wf of h.temporal.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runIds.push(wf.runId);
  for (const runId of runIds) {
    await h.temporal.workflowService.deleteWorkflowExecution({ namespace: h.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId, runId } });
  }
  await eventually(
    () => h.temporal.workflow.getHandle(workflowId).describe().then(() => 'present', (err) => (err instanceof WorkflowNotFoundError ? 'gone' : 'error')),
    (s) => s === 'gone',
    // The server removes a deleted execution about half a minute later.
    100_000,
  );
  expect(await h.temporal.workflow.getHandle(workflowId).describe().catch((err) => err)).toBeInstanceOf(WorkflowNotFoundError);
}

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), errIsTTY: false };
  return { io, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}
const cli = () => {
  const c = captureIo();
  const ctx: CommandContext = { client: h.temporal, config: h.config, io: c.io, db: h.database.db, purpose: 'domestic homicide review' };
  return { ctx, ...c };
};

describe('the archive (real PostgreSQL, real Temporal dev server)', () => {
  let closedCase: string;
  let referredOn: string;
  let restrictedCase: string;
  let before: { view: unknown; timeline: unknown; cliShow: string; cliTimeline: string };

  it('takes every closed run into the store with its digest, after replaying it, and shows no backlog then', async () => {
    closedCase = await submit(referral());
    const close = await h.app.inject({ method: 'POST', url: `/cases/${closedCase}/close`, headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: { rationale: 'Risk reduced; plan complete.' } });
    expect(close.statusCode, close.body).toBe(200);
    // A medium-risk referral is referred on and its case closes at once.
    referredOn = await submit(referral('medium'));
    // A forced-marriage case is restricted at intake to its referrer (and auditors).
    restrictedCase = await submit(referral('high', ['forced-marriage']), referrer());
    const closeRestricted = await h.app.inject({ method: 'POST', url: `/cases/${restrictedCase}/close`, headers: referrer({ 'idempotency-key': randomUUID(), 'x-purpose': 'closing' }), payload: { rationale: 'Moved out of area.' } });
    expect(closeRestricted.statusCode, closeRestricted.body).toBe(200);
    await eventually(closedRuns, (runs) => [closedCase, referredOn, restrictedCase].every((id) => runs.some((r) => r.startsWith(`case-${id}/`))));

    const [view, timeline] = await Promise.all([read(closedCase), read(closedCase, '/timeline')]);
    expect(view.statusCode).toBe(200);
    expect(view.json().stage).toBe('closed');
    const show = cli();
    await showCase(show.ctx, closedCase, {});
    const tl = cli();
    await caseTimeline(tl.ctx, closedCase, {});
    before = { view: view.json(), timeline: timeline.json(), cliShow: show.stdout(), cliTimeline: tl.stdout() };

    const status = await archiveStatus(h.temporal, h.database.db);
    expect(status.backlog).toBeGreaterThanOrEqual(2);

    const pass = await archivePass(archiver());
    expect(pass).toMatchObject({ replayFailures: 0, lost: 0, retryLater: 0, cursorAdvanced: true });
    const closed = await closedRuns();
    expect(await archivedRunIds()).toEqual(expect.arrayContaining(closed));

    const { rows } = await h.database.db.query<{ history: Buffer; history_sha256: string; replayed_ok: boolean; workflow_type: string; status: string }>(
      'SELECT history, history_sha256, replayed_ok, workflow_type, status FROM archived_workflows WHERE workflow_id = $1', [`case-${closedCase}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ replayed_ok: true, workflow_type: 'referralWorkflow', status: 'COMPLETED' });
    expect(sha256Hex(rows[0]!.history)).toBe(rows[0]!.history_sha256);
    // Payloads stay as Temporal stores them: encrypted, so the victim's name is nowhere in the bytes.
    expect(rows[0]!.history.toString('latin1')).not.toContain('Sam Example');
    expect(rows[0]!.history.toString('latin1')).toContain('binary/encrypted');

    // The archived bytes are the history Temporal serves, and replay against the current code.
    const [archived] = await archivedHistories(h.database.db, `case-${closedCase}`);
    const live = await h.temporal.workflow.getHandle(`case-${closedCase}`).fetchHistory();
    expect(archived!.history.events?.length).toBe(live.events?.length);
    await Worker.runReplayHistory({ workflowBundle: current, dataConverter: dataConverterFor(h.config, h.database.db) }, archived!.history, `case-${closedCase}`);

    const after = await archiveStatus(h.temporal, h.database.db);
    expect(after.backlog).toBe(0);
    expect(after.alerts).toEqual([]);
    const ops = cli();
    expect(await opsArchive(ops.ctx, {})).toBe(0);
    expect(ops.stdout()).toMatch(/backlog {10}0 closed runs not archived yet/);
    expect(ops.stdout()).toContain('alerts           none');
    const health = await h.app.inject({ method: 'GET', url: '/health' });
    expect(health.json().archive).toMatchObject({ backlog: 0, openAlerts: 0 });
    expect(health.json().archive.archivedRuns).toBeGreaterThanOrEqual(2);
  });

  it('reads a closed case back whole through the API, the CLI and the audit once Temporal has deleted its workflow', { timeout: 240_000 }, async () => {
    await Promise.all([deleteFromTemporal(`case-${closedCase}`), deleteFromTemporal(`case-${restrictedCase}`)]);

    const [view, timeline] = await Promise.all([read(closedCase), read(closedCase, '/timeline')]);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toEqual(before.view);
    expect(timeline.statusCode, timeline.body).toBe(200);
    expect(timeline.json()).toEqual(before.timeline);
    // Ops still get the skeleton, and no one the case of another ID.
    expect((await h.app.inject({ method: 'GET', url: `/cases/${closedCase}`, headers: as('ops', undefined, { 'x-purpose': 'checking the archive' }) })).json().victim).toBeUndefined();
    expect((await read(`no-such-${randomUUID()}`)).statusCode).toBe(404);
    // A command on it is refused as on any closed case, not started afresh.
    const write = await h.app.inject({ method: 'POST', url: `/cases/${closedCase}/close`, headers: as('administrator', 'police', { 'idempotency-key': randomUUID() }), payload: { rationale: 'Again.' } });
    expect(write.statusCode, write.body).toBe(409);

    const show = cli();
    await showCase(show.ctx, closedCase, {});
    expect(show.stdout()).toBe(before.cliShow);
    const tl = cli();
    await caseTimeline(tl.ctx, closedCase, {});
    expect(tl.stdout()).toBe(before.cliTimeline);

    const replay = cli();
    expect(await auditReplay(replay.ctx, closedCase, {}, { workflowBundle: current })).toBe(0);
    expect(replay.stdout()).toMatch(new RegExp(`^OK {3}${closedCase} \\(completed; 1 run, \\d+ events, \\d+ timeline entries\\)$`));

    const out = path.join(dir, 'bundle');
    const exported = cli();
    expect(await auditExport(exported.ctx, closedCase, { out }, { workflowBundle: current })).toBe(0);
    expect(exported.stdout()).toContain('Checks passed');
    const file = (name: string) => readFile(path.join(out, name), 'utf8');
    expect(workflowTypeOf(historyFromJSON(JSON.parse(await file('history.json'))))).toBe('referralWorkflow');
    expect(JSON.parse(await file('timeline.json'))).toEqual(before.timeline);
    expect(JSON.parse(await file('audit.json'))).toMatchObject({ ok: true, historySource: 'archive', replay: { ok: true }, result: { ok: true } });
    expect(await file('report.html')).toContain('from the archive');

    // `--all` finds the archived case, which visibility no longer lists.
    const all = cli();
    expect(await auditReplay(all.ctx, undefined, { all: true }, { workflowBundle: current })).toBe(0);
    expect(all.stdout()).toContain(`OK   ${closedCase}`);

    // The SafeLives return reads the case record in the store (store/records), which Temporal's
    // retention does not touch: the case is still counted, its personal facts still decoded.
    const returned = await readSafeLivesCases(h.database.db, h.temporal.options.loadedDataConverter, '2020-01-01T00:00:00.000Z');
    expect(returned.find((c) => c.caseId === closedCase)).toMatchObject({ stage: 'closed', referral: { victim: { dateOfBirth: '1988-02-01' } } });
  });

  it('decodes archived payloads under the same rules as live ones once Temporal has forgotten the case', async () => {
    const [archived] = await archivedHistories(h.database.db, `case-${restrictedCase}`);
    const input = archived!.history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const payloads = codecJsonOf(input);
    const decode = (headers: Record<string, string>) => h.app.inject({
      method: 'POST', url: '/codec/decode', payload: { payloads },
      headers: { 'content-type': 'application/json', 'x-namespace': h.config.TEMPORAL_NAMESPACE, origin: 'http://127.0.0.1:8233', ...headers },
    });
    const text = (res: { json: () => { payloads: { data: string }[] } }) => Buffer.from(res.json().payloads[0]!.data, 'base64').toString();
    for (const [who, headers] of [['on the list', referrer()], ['an auditor', as('auditor')]] as const) {
      const res = await decode(headers);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expect(text(res), who).toContain('Sam Example');
    }
    for (const [who, headers] of [['another administrator', as('administrator', 'police')], ['a chair off the list', as('chair', 'police')]] as const) {
      const res = await decode(headers);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
      expect(res.json().payloads, who).toEqual(payloads);
      expect(res.headers['x-hrda-withheld'], who).toBe('1');
    }
    // Through the API too, the archived case keeps its restriction: another administrator does not learn it exists.
    expect((await h.app.inject({ method: 'GET', url: `/cases/${restrictedCase}`, headers: as('administrator', 'police', { 'x-purpose': 'curious' }) })).statusCode).toBe(404);
    const own = await h.app.inject({ method: 'GET', url: `/cases/${restrictedCase}`, headers: referrer({ 'x-purpose': 'follow-up' }) });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ caseId: restrictedCase, restricted: true, stage: 'closed' });
  });

  it("keeps a meeting's answers, so that its agenda and papers read the same once Temporal has forgotten it", { timeout: 240_000 }, async () => {
    const meetings = new MeetingClient(h.temporal, h.config.HRDA_TASK_QUEUE, 'dorset-hrda', { archive: h.database.db });
    // A meeting whose day has passed runs to its end at once.
    const date = '2026-11-02';
    await meetings.ensure('daily', date);
    const workflowId = meetings.workflowId('daily', date);
    await eventually(closedRuns, (runs) => runs.some((r) => r.startsWith(`${workflowId}/`)), 60_000);
    const [agenda, pack, outcomes] = await Promise.all([meetings.agenda('daily', date), meetings.packRecord('daily', date), meetings.outcomes('daily', date)]);
    expect(agenda.date).toBe(date);

    const pass = await archivePass(archiver());
    expect(pass).toMatchObject({ replayFailures: 0, retryLater: 0 });
    expect(await openAlerts(h.database.db, 'archive.')).toEqual([]);
    await deleteFromTemporal(workflowId);

    expect(await meetings.agenda('daily', date)).toEqual(agenda);
    expect(await meetings.packRecord('daily', date)).toEqual(pack);
    expect(await meetings.outcomes('daily', date)).toEqual(outcomes);
    // Without the archive it would be unknown.
    await expect(new MeetingClient(h.temporal, h.config.HRDA_TASK_QUEUE, 'dorset-hrda').agenda('daily', date)).rejects.toBeInstanceOf(MeetingNotFoundError);
  });

  it('killed part-way (SIGKILL), then restarted twice at once, archives every closed run exactly once', async () => {
    // More closed runs than the one the kill lets through.
    const more = await Promise.all([submit(referral('medium')), submit(referral('medium'))]);
    await eventually(closedRuns, (runs) => more.every((id) => runs.some((r) => r.startsWith(`case-${id}/`))));
    const fresh = await createTestDatabase();
    try {
      // An archiver in a process of its own, killed (SIGKILL) once it has stored one run.
      const codePath = path.join(dir, 'bundle.js');
      await writeFile(codePath, current.code);
      const child = fork(archiverChild, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, TEMPORAL_NAMESPACE: h.config.TEMPORAL_NAMESPACE, HRDA_TASK_QUEUE: h.config.HRDA_TASK_QUEUE, HRDA_DATABASE_URL: fresh.url, HRDA_TEST_TEMPORAL_ADDRESS: h.server.address, HRDA_TEST_BUNDLE: codePath },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      let output = '';
      child.stdout!.on('data', (c: Buffer) => void (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => void (output += c.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      await eventually(async () => output, (o) => o.includes('stored ') || child.exitCode !== null, 90_000);
      expect(output).toContain('stored ');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      expect(await archivedRunIds(fresh.db)).toHaveLength(1);
      // The pass did not finish: the cursor has not moved, and the rest shows as backlog.
      expect((await readCursor(fresh.db)).passedAt).toBeNull();
      expect((await archiveStatus(h.temporal, fresh.db)).backlog).toBeGreaterThanOrEqual(1);

      // Two archivers (two worker processes) restart at the same moment: one passes, the other finds it busy, or both pass in turn.
      const [a, b] = await Promise.all([archivePass(archiver(fresh.db)), archivePass(archiver(fresh.db))]);
      const passes = [a, b].filter((p): p is Exclude<typeof p, 'busy'> => p !== 'busy');
      expect(passes.length).toBeGreaterThanOrEqual(1);
      const again = await archivePass(archiver(fresh.db));
      expect(again).toMatchObject({ archived: 0, lost: 0, retryLater: 0 });

      const closed = await closedRuns();
      const archived = await archivedRunIds(fresh.db);
      expect(new Set(archived).size).toBe(archived.length);
      expect(archived).toEqual(expect.arrayContaining(closed));
      const total = passes.reduce((n, p) => n + p.archived, 0) + 1;
      expect(total).toBe(archived.length);
      expect((await archiveStatus(h.temporal, fresh.db)).backlog).toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  it('raises an alert when the archive has fallen further behind than the retention, since what closed in between may be gone unseen', async () => {
    const fresh = await createTestDatabase();
    try {
      expect((await archiveStatus(h.temporal, fresh.db)).retentionHours).toBeGreaterThan(0);
      // The last pass took everything closed up to 30 days ago, and then the archiver was down.
      await fresh.db.query(`INSERT INTO archive_cursor (id, closed_after, passed_at) VALUES (true, now() - interval '30 days', now() - interval '30 days')`);
      const pass = await archivePass(archiver(fresh.db));
      expect(pass).toMatchObject({ lost: 0, retryLater: 0, cursorAdvanced: true });
      expect(await openAlerts(fresh.db, 'archive.')).toEqual([expect.objectContaining({ kind: 'archive.behind-retention', subject: h.config.TEMPORAL_NAMESPACE })]);
      // Caught up: the next pass raises nothing more.
      await archivePass(archiver(fresh.db));
      expect(await openAlerts(fresh.db, 'archive.')).toHaveLength(1);
    } finally {
      await fresh.drop();
    }
  });

  it('stores a history that does not replay against the current code, and raises an alert for it', async () => {
    const fresh = await createTestDatabase();
    try {
      // The altered workflow code arms a timer the recorded histories never had.
      const pass = await archivePass(archiver(fresh.db, { workflowBundle: altered }));
      if (pass === 'busy') throw new Error('no other archiver runs on this database');
      expect(pass.replayFailures).toBeGreaterThanOrEqual(1);
      const { rows } = await fresh.db.query<{ workflow_id: string; replayed_ok: boolean }>(
        `SELECT workflow_id, replayed_ok FROM archived_workflows WHERE workflow_id = $1`, [`case-${referredOn}`],
      );
      expect(rows).toEqual([{ workflow_id: `case-${referredOn}`, replayed_ok: false }]);
      const alerts = await openAlerts(fresh.db, 'archive.');
      expect(alerts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'archive.replay-failed', subject: expect.stringMatching(new RegExp(`^case-${referredOn}/`)) })]));
      expect(alerts.every((a) => !a.detail.includes('Sam Example'))).toBe(true);
      // A second pass raises nothing new: one open alert per run.
      await archivePass(archiver(fresh.db, { workflowBundle: altered }));
      expect(await openAlerts(fresh.db, 'archive.')).toHaveLength(alerts.length);
      expect((await archiveStatus(h.temporal, fresh.db)).alerts).toHaveLength(alerts.length);
      const ops = cli();
      expect(await opsArchive({ ...ops.ctx, db: fresh.db }, { json: true })).toBe(1);
      expect(JSON.parse(ops.stdout()).alerts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'archive.replay-failed' })]));
    } finally {
      await fresh.drop();
    }
  });
});
