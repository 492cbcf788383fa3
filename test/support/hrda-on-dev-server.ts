import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleHrdaWorkflows, connectHrda, startHrdaWorker, type HrdaSide } from '../../bench/lib/hrda-service';
import { startTestDevServer, type TestDevServer } from './servers';

export interface HrdaOnDevServer {
  server: TestDevServer;
  side: HrdaSide;
  /** Where the worker's outbox adapter writes messages. */
  outboxDir: string;
  stop(): Promise<void>;
}

/** The service on a dev server of the test's own: the client side, a worker on `taskQueue`, an outbox folder. */
export async function startHrdaOnDevServer(namespace: string, taskQueue: string): Promise<HrdaOnDevServer> {
  const server = await startTestDevServer(namespace);
  const dir = await mkdtemp(path.join(os.tmpdir(), `${taskQueue}-`));
  const side = await connectHrda(server.address, server.namespace, taskQueue);
  const outboxDir = path.join(dir, 'outbox');
  const worker = await startHrdaWorker({ address: server.address, side, bundle: await bundleHrdaWorkflows(), outboxDir });
  return {
    server, side, outboxDir,
    async stop() {
      await worker.stop();
      await side.close();
      await server.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
