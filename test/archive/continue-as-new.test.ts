import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { archivePass } from '../../client/archive/archiver';
import { fetchRuns } from '../../client/audit/audit-case';
import { auditReplay } from '../../client/cli/commands/audit';
import type { CommandContext } from '../../client/cli/context';
import type { CliIo } from '../../client/cli/output';
import { dataConverterFor } from '../../worker/codec';
import { eventually, startApiHarness, tokenFor, type ApiHarness } from '../api/harness';
import { bundleWorkflows } from '../support/bundle';
import { exampleReferral } from '../support/referrals';
import { shortHistoryProfileId } from '../support/short-history-profile';

const entry = fileURLToPath(new URL('../support/workflows/short-history-entry.ts', import.meta.url));
const shortHistoryProfile = fileURLToPath(new URL('../support/short-history-profile.ts', import.meta.url));

let h: ApiHarness;
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // A profile that continues a case as new after 100 events, so a case has several runs in a few dozen steps.
  bundle = await bundleWorkflows(entry, [shortHistoryProfile]);
  h = await startApiHarness(bundle);
});
afterAll(async () => {
  await h?.stop();
});

const chair = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokenFor('chair', 'police', 'chair-jones')}`, ...extra });
const admin = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokenFor('administrator', 'police', 'admin-ref')}`, ...extra });
const write = (caseId: string, suffix: string, payload: object, as = chair) =>
  h.app.inject({ method: 'POST', url: `/cases/${caseId}${suffix}`, headers: as({ 'idempotency-key': randomUUID() }), payload });
const read = (caseId: string, suffix = '') => h.app.inject({ method: 'GET', url: `/cases/${caseId}${suffix}`, headers: chair({ 'x-purpose': 'domestic homicide review' }) });

describe('a case that continued as new, in the archive', () => {
  it('archives every run, and reads back whole and replays run by run once Temporal has forgotten them all', { timeout: 300_000 }, async () => {
    const { receivedAt: _now, ...referral } = exampleReferral({ victim: { name: `Robin Example ${randomUUID().slice(0, 8)}`, dateOfBirth: '1991-03-01', consent: { share: true, contact: true } } });
    const submitted = await h.app.inject({ method: 'POST', url: '/cases', headers: admin({ 'idempotency-key': randomUUID() }), payload: { ...referral, profile: shortHistoryProfileId } });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const caseId = submitted.json<{ caseId: string }>().caseId;
    const workflowId = `case-${caseId}`;
    expect((await write(caseId, '/restriction', { rationale: 'Family searching for her.', needToKnow: ['admin-ref'] })).statusCode).toBe(200);
    // Each amendment is an update of a handful of events: enough of them continue the case as new.
    for (let i = 0; (await fetchRuns(h.temporal, workflowId)).length < 3 && i < 80; i++) {
      const res = await write(caseId, '/restriction/need-to-know', i % 2 ? { remove: ['temp-reader'], rationale: 'No longer needed.' } : { add: ['temp-reader'], rationale: 'Covering a colleague.' });
      expect(res.statusCode, res.body).toBe(200);
    }
    const closed = await write(caseId, '/close', { rationale: 'Moved out of area.' }, admin);
    expect(closed.statusCode, closed.body).toBe(200);
    const runs = await fetchRuns(h.temporal, workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const [view, timeline] = await Promise.all([read(caseId), read(caseId, '/timeline')]);
    expect(view.json().stage).toBe('closed');

    await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of h.temporal.workflow.list({ query: `WorkflowId = "${workflowId}" AND ExecutionStatus != "Running"` })) ids.push(wf.runId);
      return ids;
    }, (ids) => ids.length === runs.length);
    const pass = await archivePass({ db: h.database.db, client: h.temporal, workflowBundle: bundle, dataConverter: dataConverterFor(h.config, h.database.db), overlapMs: 60_000 });
    expect(pass).toMatchObject({ replayFailures: 0, lost: 0, retryLater: 0 });
    const { rows } = await h.database.db.query<{ run_id: string; status: string; previous_run_id: string | null }>(
      'SELECT run_id, status, previous_run_id FROM archived_workflows WHERE workflow_id = $1 ORDER BY start_time', [workflowId],
    );
    expect(rows.map((r) => r.run_id)).toEqual(runs.map((r) => r.runId));
    expect(rows.map((r) => r.status)).toEqual([...runs.slice(1).map(() => 'CONTINUED_AS_NEW'), 'COMPLETED']);
    expect(rows.slice(1).map((r) => r.previous_run_id)).toEqual(runs.slice(0, -1).map((r) => r.runId));

    for (const { runId } of runs) {
      await h.temporal.workflowService.deleteWorkflowExecution({ namespace: h.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId, runId } });
    }
    await eventually(
      () => h.temporal.workflow.getHandle(workflowId).describe().then(() => 'present', (err) => (err instanceof WorkflowNotFoundError ? 'gone' : 'error')),
      (s) => s === 'gone',
      100_000,
    );

    const [archivedView, archivedTimeline] = await Promise.all([read(caseId), read(caseId, '/timeline')]);
    expect(archivedView.statusCode, archivedView.body).toBe(200);
    expect(archivedView.json()).toEqual(view.json());
    expect(archivedTimeline.json()).toEqual(timeline.json());
    expect(archivedTimeline.json().filter((e: { type: string }) => e.type === 'need-to-know.amended').length).toBeGreaterThan(0);

    const out: string[] = [];
    const io: CliIo = { out: (t) => void out.push(t), err: () => {}, errIsTTY: false };
    const ctx: CommandContext = { client: h.temporal, config: h.config, io, db: h.database.db, purpose: 'domestic homicide review' };
    expect(await auditReplay(ctx, caseId, {}, { workflowBundle: bundle })).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`^OK {3}${caseId} \\(completed; ${runs.length} runs, `));
  });
});
