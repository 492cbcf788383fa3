import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv, startTestDevServer, type TestDevServer } from '../support/servers';
import type * as platform from '../support/workflows/platform';

const workflowsPath = fileURLToPath(new URL('../support/workflows/platform.ts', import.meta.url));
const DAY = 24 * 60 * 60 * 1000;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath });
});

describe('time-skipping test server', () => {
  it('runs a workflow that sleeps seven days without waiting seven days', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'platform', workflowBundle: bundle });
      const before = await env.currentTimeMs();
      const result = await worker.runUntil(
        env.client.workflow.execute<typeof platform.sleepFor>('sleepFor', { args: [7 * DAY], taskQueue: 'platform', workflowId: randomUUID() }),
      );
      expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(7 * DAY);
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(7 * DAY);
    } finally {
      await env.teardown();
    }
  });
});

describe('dev server', () => {
  let server: TestDevServer;

  beforeAll(async () => {
    server = await startTestDevServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  async function withWorker<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    const worker = await Worker.create({ connection: nativeConnection, namespace: server.namespace, taskQueue: 'platform', workflowBundle: bundle });
    try {
      return await worker.runUntil(fn(client));
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  }

  it('finds a workflow by a search-attribute query', async () => {
    const stage = `stage-${randomUUID()}`;
    await withWorker(async (client) => {
      const handle = await client.workflow.start<typeof platform.waitForSignal>('waitForSignal', {
        args: [stage], taskQueue: 'platform', workflowId: randomUUID(),
      });
      // Visibility is eventually consistent: poll until the upserted attribute is indexed.
      let found: string[] = [];
      for (let i = 0; i < 100 && found.length === 0; i++) {
        found = [];
        for await (const wf of client.workflow.list({ query: `HrdaKind = 'platform-test' AND HrdaStage = '${stage}'` })) found.push(wf.workflowId);
        if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(found).toEqual([handle.workflowId]);
      await handle.signal('proceed', 'done');
      await handle.result();
    });
  });

  it('keeps a running workflow across a restart of the server on the same data file', async () => {
    const workflowId = randomUUID();
    await withWorker(async (client) => {
      await client.workflow.start<typeof platform.waitForSignal>('waitForSignal', { args: ['restart'], taskQueue: 'platform', workflowId });
    });

    server = await server.restart();

    const result = await withWorker(async (client) => {
      const handle = client.workflow.getHandle(workflowId);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.signal('proceed', 'after-restart');
      return handle.result();
    });
    expect(result).toBe(`${workflowId}:after-restart`);
  });
});
