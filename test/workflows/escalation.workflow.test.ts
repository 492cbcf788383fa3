import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../support/bundle';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import { registerSearchAttributes } from '../../client/search-attributes';
import type { Actor } from '../../domain/actor';
import type { DisputeStart } from '../../domain/dispute';
import type { Notification } from '../../domain/notification';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { DisputeView } from '../../machines/escalation';
import { disputeStateQuery, disputeUpdates, disputeWorkflowId } from '../../workflows/escalation.messages';
import type { disputeParentProbe, escalationWorkflow } from '../support/workflows/escalation-entry';
import { createTimeSkippingEnv } from '../support/servers';
import { sentMessages } from '../support/simulation';

const entryPath = fileURLToPath(new URL('../support/workflows/escalation-entry.ts', import.meta.url));
const MARKING = 'Stage Three Formal Escalation under HRDA';
const STRATEGY_GROUP_MAILBOX = dorsetHrda.agencies.find((a) => a.id === 'strategy-group')!.mailbox;

// PROTOCOL.md §3: raised Friday 2026-11-27 16:00 (GMT, so UTC) and each step's deadline after it.
const RAISED = '2026-11-27T16:00:00.000Z';
const WORKED = [
  ['practitioners', '2026-11-30T16:00:00.000Z'],
  ['line-managers', '2026-12-01T16:00:00.000Z'],
  ['strategic-lead-referral', '2026-12-02T16:00:00.000Z'],
  ['strategic-lead-review', '2026-12-03T16:00:00.000Z'],
  ['strategy-group', '2026-12-04T16:00:00.000Z'],
] as const;

const minutes = (at: string, n: number) => new Date(Date.parse(at) + n * 60_000).toISOString();

const housing: Actor = { role: 'agency-practitioner', agency: 'housing' };
const probation: Actor = { role: 'agency-practitioner', agency: 'probation' };
const health: Actor = { role: 'agency-practitioner', agency: 'health' };

const dispute = (overrides: Partial<DisputeStart> = {}): DisputeStart => ({
  caseId: 'case-0001-fictional',
  disputeId: 'd1',
  profileId: dorsetHrda.id,
  area: 'lead-professional',
  raisedBy: 'housing',
  with: ['probation'],
  matter: 'Who leads for the perpetrator now that the licence has ended.',
  raisedAt: RAISED,
  raisedByActor: housing,
  ...overrides,
});

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows(entryPath);
});

// ---------------------------------------------------------------------------------------------
// A time-skipping server of the test's own, with the real activities and the outbox adapter.

interface Rig {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  outbox: string;
  /** Every notification id the sendNotification activity was called with, in order. */
  sends: string[];
  /**
   * `cached: false` runs the worker without a workflow cache, so no task is pinned to a worker's
   * sticky queue: the time-skipping server would otherwise hold a stopped worker's next task
   * there, with its clock locked, and never hand it to the new worker.
   */
  startWorker(opts?: { cached?: boolean }): Promise<void>;
  stopWorker(): Promise<void>;
  /** Moves the server's clock forward to `at`, firing every timer due on the way. */
  skipTo(at: string): Promise<void>;
  raise(start: DisputeStart): Promise<WorkflowHandle<typeof escalationWorkflow>>;
  state(handle: WorkflowHandle): Promise<DisputeView>;
  teardown(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.teardown();
});

async function rig(opts: { cached?: boolean } = {}): Promise<Rig> {
  // Honoured once the launcher supports a start time; otherwise the clock starts now and is skipped forward.
  process.env.HRDA_TEST_SERVER_START_TIME = '2026-11-23T08:00:00Z';
  const env = await createTimeSkippingEnv();
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-dispute-outbox-'));
  const taskQueue = 'hrda-escalation-test';
  const sends: string[] = [];
  const activities = createActivities({ client: env.client, taskQueue, subjectSecret: 'test-subject-key', mail: new OutboxMail(outbox), police: new LocalPoliceSystems() });
  const counted = {
    ...activities,
    sendNotification: (n: Notification) => {
      sends.push(n.id);
      return activities.sendNotification(n);
    },
  };
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const r: Rig = {
    env, taskQueue, outbox, sends,
    async startWorker({ cached = true } = {}) {
      worker = await Worker.create({
        connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: counted, ...(cached ? {} : { maxCachedWorkflows: 0 }),
      });
      running = worker.run();
    },
    async stopWorker() {
      worker?.shutdown();
      await running;
      worker = undefined;
      running = undefined;
    },
    async skipTo(at) {
      const ms = Date.parse(at) - (await env.currentTimeMs());
      if (ms < -60_000) throw new Error(`The test server's clock (${new Date(await env.currentTimeMs()).toISOString()}) is already past ${at}`);
      if (ms > 0) await env.sleep(ms);
    },
    async raise(start) {
      await r.skipTo(start.raisedAt);
      return env.client.workflow.start<typeof escalationWorkflow>('escalationWorkflow', {
        taskQueue, workflowId: disputeWorkflowId(start.caseId, start.disputeId), args: [start],
      });
    },
    async state(handle) {
      // A query before the first workflow task completes can fail: give it a moment.
      for (let attempt = 0; ; attempt++) {
        try {
          return await handle.query(disputeStateQuery);
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    async teardown() {
      await r.stopWorker();
      await env.teardown();
      await rm(outbox, { recursive: true, force: true });
    },
  };
  rigs.push(r);
  await r.startWorker(opts);
  return r;
}

async function searchAttributes(handle: WorkflowHandle): Promise<Record<string, unknown[]>> {
  return (await handle.describe()).searchAttributes as Record<string, unknown[]>;
}

const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the update to be refused'); }, (err: { cause?: unknown }) => err.cause);

// ---------------------------------------------------------------------------------------------

describe('the worked example (PROTOCOL.md §3)', () => {
  it('moves Friday 16:00\'s dispute on at each deadline to the minute, and not a minute before', async () => {
    const r = await rig();
    const handle = await r.raise(dispute());
    let view = await r.state(handle);
    expect(view).toMatchObject({ step: 'practitioners', stage: 1, owner: 'the practitioners', deadline: WORKED[0][1], overdue: false });
    expect(await searchAttributes(handle)).toMatchObject({
      HrdaKind: ['dispute'], HrdaProfile: ['dorset-hrda'], HrdaStage: ['practitioners'], HrdaNextDeadline: [new Date(WORKED[0][1])],
    });

    for (const [i, [step, deadline]] of WORKED.entries()) {
      await r.skipTo(minutes(deadline, -1));
      view = await r.state(handle);
      expect([view.step, view.deadline, view.overdue]).toEqual([step, deadline, false]);
      await r.skipTo(minutes(deadline, 1));
      view = await r.state(handle);
      const next = WORKED[i + 1];
      if (next) {
        expect([view.step, view.deadline]).toEqual([next[0], next[1]]);
        expect(view.history.at(-1)).toMatchObject({ step: next[0], enteredAt: deadline, deadline: next[1], how: 'lapsed' });
      } else {
        expect(view).toMatchObject({ step: 'strategy-group', stage: 3, overdue: true, nextDeadline: null });
      }
    }
    expect(view.history.map((s) => [s.step, s.enteredAt, s.deadline])).toEqual(
      WORKED.map(([step, deadline], i) => [step, i === 0 ? RAISED : WORKED[i - 1]![1], deadline]),
    );
    expect(await searchAttributes(handle)).toMatchObject({ HrdaStage: ['strategy-group'] });
  });

  it('skips the bank holidays inside the first working day: raised Christmas Eve 10:00, due Tuesday 29th 10:00', async () => {
    const r = await rig();
    const handle = await r.raise(dispute({ raisedAt: '2026-12-24T10:00:00.000Z' }));
    expect((await r.state(handle)).deadline).toBe('2026-12-29T10:00:00.000Z');
    await r.skipTo('2026-12-29T09:59:00.000Z');
    expect((await r.state(handle)).step).toBe('practitioners');
    await r.skipTo('2026-12-29T10:01:00.000Z');
    expect(await r.state(handle)).toMatchObject({ step: 'line-managers', deadline: '2026-12-30T10:00:00.000Z' });
  });
});

describe('lapse through to stage 3', () => {
  it('writes all five dispute.stage entries and refers stage 3 to the Strategy Group, marked, in writing', async () => {
    const r = await rig();
    const handle = await r.raise(dispute());
    await r.skipTo('2026-12-05T10:00:00.000Z');
    const view = await r.state(handle);
    expect(view.timeline.map((e) => [e.type, e.at, e.type === 'dispute.stage' ? [e.data.stage, e.data.deadline] : null])).toEqual(
      WORKED.map(([step, deadline], i) => ['dispute.stage', i === 0 ? RAISED : WORKED[i - 1]![1], [step, deadline]]),
    );
    expect(view.overdue).toBe(true);

    const messages = await sentMessages(r.outbox);
    const ids = messages.map((m) => m.id).sort();
    const base = 'case-0001-fictional:dispute:d1';
    expect(ids).toEqual([
      ...WORKED.flatMap(([step]) => [`${base}:${step}:reminder`, `${base}:${step}:stage`]),
      `${base}:strategy-group:overdue`,
    ].sort());
    const referral = messages.find((m) => m.id === `${base}:strategy-group:stage`)!;
    expect(referral.to).toContain(STRATEGY_GROUP_MAILBOX);
    expect(referral.subject).toContain(MARKING);
    expect(referral.eml).toContain(MARKING);
    for (const m of messages.filter((x) => x.id.endsWith(':stage') && !x.id.includes('strategy-group'))) {
      expect(m.to).not.toContain(STRATEGY_GROUP_MAILBOX);
      expect(m.to).toEqual(expect.arrayContaining(['hrda@housing.example.org', 'hrda@probation.example.org', dorsetHrda.administrator.mailbox]));
    }
    expect(new Set(r.sends).size).toBe(r.sends.length);
  });
});

describe('resolution at each stage', () => {
  it('resolves at every step, records the agreement and learning, and completes with its view', async () => {
    const r = await rig();
    const handles: WorkflowHandle<typeof escalationWorkflow>[] = [];
    for (const [step] of WORKED) handles.push(await r.raise(dispute({ disputeId: `d-${step}` })));
    const resolveAt = ['2026-11-27T17:00:00.000Z', '2026-12-01T10:00:00.000Z', '2026-12-02T10:00:00.000Z', '2026-12-03T10:00:00.000Z', '2026-12-04T10:00:00.000Z'];
    const results: DisputeView[] = [];
    for (const [i, handle] of handles.entries()) {
      const step = WORKED[i]![0];
      await r.skipTo(resolveAt[i]!);
      expect((await r.state(handle)).step).toBe(step);
      const resolve = { agreement: `Agreed at ${step}.`, learning: `Learning from ${step}.`, actor: probation };
      if (step === 'strategic-lead-review') {
        const refused = await refusal(handle.executeUpdate(disputeUpdates.resolve, { args: [resolve] }));
        expect(refused).toMatchObject({ type: 'Refused', message: expect.stringContaining('must send a written response before the dispute can be resolved') });
        await handle.executeUpdate(disputeUpdates.respond, { args: [{ response: 'Case review complete: the written response.', actor: housing }] });
      }
      const answered = await handle.executeUpdate(disputeUpdates.resolve, { args: [resolve] });
      expect(answered.status).toBe('resolved');
      results.push(await handle.result());
    }
    for (const [i, view] of results.entries()) {
      const [step] = WORKED[i]!;
      expect(view).toMatchObject({
        status: 'resolved', publicStage: 'resolved', step, highestStep: step, highestStage: dorsetHrda.escalation.steps[i]!.stage,
        raisedAt: RAISED, resolvedAt: expect.stringMatching(new RegExp(`^${resolveAt[i]!.slice(0, 16)}`)),
        resolution: { agreement: `Agreed at ${step}.`, learning: `Learning from ${step}.`, step, by: probation },
        parties: ['housing', 'probation'],
      });
      expect(view.timeToResolutionMs).toBe(Date.parse(view.resolvedAt!) - Date.parse(RAISED));
      expect(view.timeline.filter((e) => e.type === 'dispute.stage')).toHaveLength(i + 1);
      expect(view.timeline.at(-1)).toMatchObject({ type: 'dispute.resolved', data: { disputeId: `d-${step}`, agreement: `Agreed at ${step}.` } });
      expect((await handles[i]!.describe()).status.name).toBe('COMPLETED');
      expect(await searchAttributes(handles[i]!)).toMatchObject({ HrdaStage: ['resolved'] });
    }
    expect(results[3]!.documents).toEqual([expect.objectContaining({ step: 'strategic-lead-review', kind: 'written-response', by: housing })]);
    // Replay is a test (ARCHITECTURE.md): each history replays against the current code.
    for (const handle of handles) await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory(), handle.workflowId);
    const resolved = (await sentMessages(r.outbox)).filter((m) => m.id.endsWith(':resolved'));
    expect(resolved.map((m) => m.id).sort()).toEqual(WORKED.map(([step]) => `case-0001-fictional:dispute:d-${step}:resolved`).sort());
  });
});

describe('two disputes on one case', () => {
  it('keeps their clocks apart: each moves on its own deadlines, and resolving one leaves the other running', async () => {
    const r = await rig();
    const first = await r.raise(dispute({ disputeId: 'd1' }));
    const second = await r.raise(dispute({
      disputeId: 'd2', raisedAt: '2026-11-30T09:00:00.000Z', area: 'information-sharing', raisedBy: 'police', with: ['health'],
      raisedByActor: { role: 'agency-practitioner', agency: 'police' },
    }));
    expect(first.workflowId).not.toBe(second.workflowId);
    expect(await r.state(second)).toMatchObject({ step: 'practitioners', deadline: '2026-12-01T09:00:00.000Z' });
    expect(await r.state(first)).toMatchObject({ step: 'practitioners', deadline: '2026-11-30T16:00:00.000Z' });

    await r.skipTo('2026-11-30T16:01:00.000Z');
    expect(await r.state(first)).toMatchObject({ step: 'line-managers', deadline: '2026-12-01T16:00:00.000Z' });
    expect(await r.state(second)).toMatchObject({ step: 'practitioners', deadline: '2026-12-01T09:00:00.000Z' });

    await r.skipTo('2026-12-01T09:01:00.000Z');
    expect(await r.state(second)).toMatchObject({ step: 'line-managers', deadline: '2026-12-02T09:00:00.000Z' });
    expect(await r.state(first)).toMatchObject({ step: 'line-managers', deadline: '2026-12-01T16:00:00.000Z' });

    await first.executeUpdate(disputeUpdates.resolve, { args: [{ agreement: 'Probation leads.', actor: probation }] });
    expect((await first.result()).resolution).toMatchObject({ step: 'line-managers', learning: null });
    // The other dispute's parties cannot act on this one.
    expect(await refusal(second.executeUpdate(disputeUpdates.advance, { args: [{ rationale: 'Escalate.', actor: housing }] }))).toMatchObject({
      type: 'Refused', message: expect.stringContaining('only police, health or the administrator may escalate it'),
    });

    await r.skipTo('2026-12-02T09:01:00.000Z');
    expect(await r.state(second)).toMatchObject({ step: 'strategic-lead-referral', deadline: '2026-12-03T09:00:00.000Z', parties: ['police', 'health'] });
    const messages = await sentMessages(r.outbox);
    expect(messages.filter((m) => m.id.includes(':dispute:d1:')).map((m) => m.id)).not.toContain('case-0001-fictional:dispute:d1:strategic-lead-referral:stage');
    expect(messages.filter((m) => m.id.includes(':dispute:d2:') && m.id.endsWith(':stage'))).toHaveLength(3);
  });
});

describe('durability', () => {
  it('loses nothing when the worker restarts mid-dispute: the next stage happens exactly once', async () => {
    const r = await rig({ cached: false });
    const handle = await r.raise(dispute());
    await r.skipTo('2026-11-28T10:00:00.000Z');
    await handle.executeUpdate(disputeUpdates.respond, { args: [{ response: 'Our position, in writing.', actor: probation }] });
    await r.skipTo('2026-11-28T12:00:00.000Z');
    expect(r.sends).toEqual(['case-0001-fictional:dispute:d1:practitioners:stage']);

    // The dispute waits on its timer (Monday 12:00, the reminder) while no worker runs.
    await r.stopWorker();
    await r.startWorker({ cached: false });

    await r.skipTo('2026-11-30T16:01:00.000Z');
    const view = await r.state(handle);
    expect(view).toMatchObject({ step: 'line-managers', deadline: '2026-12-01T16:00:00.000Z' });
    expect(view.documents).toEqual([expect.objectContaining({ step: 'practitioners', text: 'Our position, in writing.', by: probation })]);
    expect(view.timeline.map((e) => e.type === 'dispute.stage' && e.data.stage)).toEqual(['practitioners', 'line-managers']);
    expect(r.sends).toEqual([
      'case-0001-fictional:dispute:d1:practitioners:stage',
      'case-0001-fictional:dispute:d1:practitioners:reminder',
      'case-0001-fictional:dispute:d1:line-managers:stage',
    ]);
    expect((await sentMessages(r.outbox)).map((m) => m.id).sort()).toEqual([...r.sends].sort());
  });
});

describe('the case hears of its dispute', () => {
  it('signals every timeline entry to the parent case in order, the last one closing the dispute', async () => {
    const r = await rig();
    const start = dispute({ disputeId: 'd7' });
    await r.skipTo(RAISED);
    const parent = await r.env.client.workflow.start<typeof disputeParentProbe>('disputeParentProbe', {
      taskQueue: r.taskQueue, workflowId: 'case-case-0001-fictional', args: [start],
    });
    await r.skipTo('2026-12-01T17:00:00.000Z');
    const child = r.env.client.workflow.getHandle(disputeWorkflowId(start.caseId, 'd7'));
    await child.executeUpdate(disputeUpdates.resolve, { args: [{ agreement: 'Agreed by the strategic leads.', actor: housing }] });
    const { progress, result } = await parent.result();
    expect(progress.map((p) => p.entry)).toEqual(result.timeline);
    expect(progress.map((p) => [p.disputeId, p.entry.type, p.entry.type === 'dispute.stage' ? p.entry.data.stage : null, p.open])).toEqual([
      ['d7', 'dispute.stage', 'practitioners', true],
      ['d7', 'dispute.stage', 'line-managers', true],
      ['d7', 'dispute.stage', 'strategic-lead-referral', true],
      ['d7', 'dispute.resolved', null, false],
    ]);
  });
});

describe('refusals', () => {
  it('lists every field at fault in an action, and refuses one the dispute does not allow, changing nothing', async () => {
    const r = await rig();
    const handle = await r.raise(dispute());
    expect(await refusal(handle.executeUpdate(disputeUpdates.resolve, { args: [{ agreement: ' ', actor: { role: 'nobody' } } as never] }))).toMatchObject({
      type: 'InvalidInput', message: expect.stringMatching(/^Invalid resolve: .*agreement.*actor\.role/),
    });
    expect(await refusal(handle.executeUpdate(disputeUpdates.respond, { args: [{ response: 'Not our dispute.', actor: health }] }))).toMatchObject({
      type: 'Refused', message: 'respond refused: health (agency-practitioner) does not hold dispute d1 at step practitioners: only housing, probation or the administrator may respond to it',
    });
    const view = await r.state(handle);
    expect(view.documents).toEqual([]);
    expect(view.status).toBe('open');
  });

  it('fails at once, saying why, when the dispute cannot run under its profile', async () => {
    const r = await rig();
    const handle = await r.raise(dispute({ area: 'parking', with: ['nobody'] }));
    const failure = await handle.result().then(() => undefined, (err: { cause?: unknown }) => err.cause);
    expect(failure).toMatchObject({ type: 'InvalidInput', message: expect.stringMatching(/area: must be one of .*with\.0: nobody is not an agency of dorset-hrda/) });
  });
});
