import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startBenchDevServer, type BenchDevServer } from '../../bench/lib/dev-server';

/** The Java time-skipping test server, started through the project's own launcher. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServer') } },
  });
}

/** A dev server of the test's own, on free ports and a fresh SQLite file it can restart on (the bench's, with the CLI global setup provisioned). */
export type TestDevServer = BenchDevServer;

export function startTestDevServer(namespace = 'hrda-test'): Promise<TestDevServer> {
  return startBenchDevServer({ namespace, cli: inject('temporalCli') });
}
