import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProfile } from '../../domain/profiles';
import type { HrdaSide } from '../../bench/lib/hrda-service';
import { pastDating } from '../../bench/lib/referrals';
import { startHrdaOnDevServer, type HrdaOnDevServer } from '../support/hrda-on-dev-server';
import type { TestDevServer } from '../support/servers';
import { caseWorkflowId, countBy, entriesOf, eventCounts, patientLifecycle, readOutbox, sleep, waitFor } from './support';

/**
 * The dev server stopped and started again on its SQLite file while cases are mid-lifecycle.
 * The worker and the client stay up across it and reconnect; the cases carry on where they were.
 */
const profile = getProfile('dorset-hrda');
const cases = 16;

let hrda: HrdaOnDevServer;
let server: TestDevServer;
let side: HrdaSide;

beforeAll(async () => {
  hrda = await startHrdaOnDevServer('hrda-faults', 'hrda-server-restart');
  ({ server, side } = hrda);
});

afterAll(async () => {
  await hrda?.stop();
});

describe('the dev server restarted on its data file mid-lifecycle', () => {
  it('carries every case on to closure, each step once', async () => {
    const dating = pastDating(profile);
    const caseIds = Array.from({ length: cases }, (_, i) => `restart-${i}-${dating.receivedAt.slice(0, 10)}`);
    const lifecycles = caseIds.map((caseId) => patientLifecycle(side, profile, dating, caseId));

    // Restart once some cases are under way and others have not been submitted yet.
    await waitFor(() => readOutbox(hrda.outboxDir), ({ messages }) => messages.length >= cases / 2, 90_000);
    const before = await side.client.workflow.count(`WorkflowType = 'referralWorkflow'`);
    server = await server.restart();
    await sleep(500);
    await Promise.all(lifecycles);

    expect(before.count).toBeGreaterThan(0);
    for (const caseId of caseIds) {
      const workflowId = caseWorkflowId(caseId);
      expect((await side.client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
      const timeline = await side.cases.timeline(caseId);
      for (const type of ['referral.received', 'meeting.heard', 'matrix.recorded', 'action.updated', 'case.closed']) {
        expect(entriesOf(timeline, type), `${type} on ${caseId}`).toHaveLength(1);
      }
      expect((await eventCounts(side.client, workflowId)).WORKFLOW_TASK_FAILED ?? 0).toBe(0);
    }
    const { messages } = await readOutbox(hrda.outboxDir);
    expect([...countBy(messages, (m) => m.id).values()].every((n) => n === 1)).toBe(true);
    // Each case: information request, summary reminder, matrix, closure.
    expect(messages).toHaveLength(cases * 4);
  }, 300_000);
});
