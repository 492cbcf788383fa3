import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';

/** The Java time-skipping test server, started through the project's own launcher. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServer') } },
  });
}

export interface TestDevServer extends DevServer {
  dbFile: string;
  port: number;
  restart(): Promise<TestDevServer>;
  cleanup(): Promise<void>;
}

/** A dev server of the test's own, on free ports and a fresh SQLite file it can restart on. */
export async function startTestDevServer(namespace = 'hrda-test'): Promise<TestDevServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-dev-'));
  const dbFile = path.join(dir, 'temporal.sqlite');
  const [port, uiPort] = [await freePort(), await freePort()];
  const start = async (): Promise<TestDevServer> => {
    const server = await startDevServer({ cli: inject('temporalCli'), namespace, port, uiPort, dbFile, headless: true });
    return {
      ...server,
      dbFile,
      port,
      restart: async () => {
        await server.stop();
        return start();
      },
      cleanup: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
  return start();
}
