import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProfile } from '../../domain/profiles';
import { bundleHrdaWorkflows, connectHrda, type HrdaSide } from '../../bench/lib/hrda-service';
import { hrdaLifecycle } from '../../bench/lib/lifecycle';
import { pastDating } from '../../bench/lib/referrals';
import { spawnWorker, writeBundle, type WorkerChild, type WorkerProcessOptions } from '../../bench/lib/worker-child';
import { startTestDevServer, type TestDevServer } from '../support/servers';
import { countBy, entriesOf, eventCounts, readMailLog, readOutbox, waitFor } from './support';

/**
 * The worker is a process of its own, SIGKILLed while cases are mid-lifecycle (notifications
 * being written, updates being handled) and started again. Activities that were running when it
 * died are retried once their start-to-close timeout (a minute) has passed, so this takes a while.
 */
const profile = getProfile('dorset-hrda');
const cases = 12;

let server: TestDevServer;
let dir: string;
let side: HrdaSide;
let options: WorkerProcessOptions;
const children: WorkerChild[] = [];

beforeAll(async () => {
  server = await startTestDevServer('hrda-faults');
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-worker-kill-'));
  const codePath = await writeBundle(await bundleHrdaWorkflows(), path.join(dir, 'bundle.js'));
  const taskQueue = 'hrda-worker-kill';
  side = await connectHrda(server.address, server.namespace, taskQueue);
  options = {
    kind: 'hrda', address: server.address, namespace: server.namespace, taskQueue, codePath,
    outboxDir: path.join(dir, 'outbox'), mailLog: path.join(dir, 'mail-log.jsonl'),
    // Each message takes a moment to write, so the kill lands with messages in flight.
    mailDelayMs: 250,
  };
});

afterAll(async () => {
  for (const child of children) await child.kill();
  await side?.close();
  await server?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the worker killed mid-lifecycle and restarted', () => {
  it('loses no case, sends no notification twice and duplicates no action', async () => {
    children.push(await spawnWorker(options));
    const dating = pastDating(profile);
    const lifecycles = Array.from({ length: cases }, (_, i) => hrdaLifecycle(side, profile, dating, `kill-${i}`));

    // Kill once messages are being written: some cases are mid-way, others have not started.
    await waitFor(() => readMailLog(options.mailLog!), (log) => log.length >= cases, 90_000);
    await children[0]!.kill();
    children.push(await spawnWorker(options));

    const workflowIds = await Promise.all(lifecycles);
    expect(workflowIds).toHaveLength(cases);

    // Every case closed, each step once.
    for (const workflowId of workflowIds) {
      const caseId = workflowId.replace(/^case-/, '');
      const description = await side.client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
      const timeline = await side.cases.timeline(caseId);
      for (const type of ['referral.received', 'info-request.sent', 'meeting.heard', 'matrix.recorded', 'action.updated', 'case.closed']) {
        expect(entriesOf(timeline, type), `${type} on case ${caseId}`).toHaveLength(1);
      }
      const state = await side.cases.state(caseId);
      expect(state.actions.map((a) => [a.id, a.status])).toEqual([['a1', 'completed']]);
      expect((await eventCounts(side.client, workflowId)).WORKFLOW_TASK_FAILED ?? 0).toBe(0);
    }

    // One message per notification, and each case's four messages are there.
    const { messages, emlFiles } = await readOutbox(options.outboxDir);
    const perId = countBy(messages, (m) => m.id);
    expect([...perId.values()].every((n) => n === 1)).toBe(true);
    expect(emlFiles).toHaveLength(perId.size);
    for (const workflowId of workflowIds) {
      const caseId = workflowId.replace(/^case-/, '');
      const kinds = [...perId.keys()].filter((id) => id.startsWith(`${caseId}:`)).map((id) => id.split(':')[1]).sort();
      expect(kinds, `messages of case ${caseId}`).toEqual(['closed', 'info-request', 'matrix', 'summary-reminder']);
    }
    // The adapter's own log: a retried send finds the message already written, never sends it again.
    const log = await readMailLog(options.mailLog!);
    const sent = countBy(log.filter((l) => l.result === 'sent'), (l) => l.id);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(log.map((l) => l.pid)).size).toBe(2);
  }, 360_000);
});
