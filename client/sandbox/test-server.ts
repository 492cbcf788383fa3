import net from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Log } from '../../scripts/run';
import { SandboxClock } from './clock';

/** The time-skipping test server the sandbox runs on, and its clock. */
export interface SandboxServer {
  /** host:port of its frontend, where the worker and the clients connect as to any Temporal server. */
  address: string;
  namespace: string;
  clock: SandboxClock;
  stop(): Promise<void>;
}

/**
 * Starts the Java time-skipping test server (the launcher scripts/test-server.ts provisions) on
 * `port`, its clock at `startAt` (HRDA_TEST_SERVER_START_TIME, read by scripts/HrdaTestServer.java)
 * or at the wall clock's time. It keeps everything in memory: a sandbox starts empty and forgets
 * everything when it stops. It has no visibility (list) API and no Web UI.
 */
export async function startSandboxServer(opts: { launcher: string; port: number; namespace: string; startAt?: Date; log: Log }): Promise<SandboxServer> {
  if (await accepts(opts.port)) {
    throw new Error(`Port ${opts.port} is in use (a Temporal dev server, or another sandbox?): stop it, or set HRDA_DEV_SERVER_PORT to a free port for the sandbox's test server.`);
  }
  const env = await withStartTime(opts.startAt, () =>
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: opts.launcher }, port: opts.port } }),
  );
  try {
    const clock = new SandboxClock(env.connection.testService!);
    const now = await clock.refresh();
    opts.log(`Sandbox clock at ${now.toISOString()}: it runs at the wall clock's pace until \`hrda clock advance\` (or POST /sandbox/clock/advance) skips it forward.`);
    return { address: `127.0.0.1:${opts.port}`, namespace: opts.namespace, clock, stop: () => env.teardown() };
  } catch (err) {
    await env.teardown();
    throw err;
  }
}

/** The launcher reads the start time from the environment of the process that starts it. */
async function withStartTime<T>(startAt: Date | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.HRDA_TEST_SERVER_START_TIME;
  if (startAt) process.env.HRDA_TEST_SERVER_START_TIME = startAt.toISOString();
  else delete process.env.HRDA_TEST_SERVER_START_TIME;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.HRDA_TEST_SERVER_START_TIME;
    else process.env.HRDA_TEST_SERVER_START_TIME = saved;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
