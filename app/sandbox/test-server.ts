import { spawn } from 'node:child_process';
import { acceptsConnections, waitForPort } from '../../scripts/dev-server';
import type { Log } from '../../scripts/run';
import { SandboxClock } from '../../client/sandbox/clock';
import { connectTestService } from '../../client/sandbox/test-service';

/** The time-skipping test server the sandbox runs on, and its clock. */
export interface SandboxServer {
  /** host:port of its frontend, where the worker and the clients connect as to any Temporal server. */
  address: string;
  namespace: string;
  clock: SandboxClock;
  stop(): Promise<void>;
}

/** The JVM with its AppCDS archive accepts connections within a few seconds; a loaded machine gets more. */
const startTimeoutMs = 60_000;

/**
 * Starts the Java time-skipping test server (the launcher scripts/test-server.ts provisions) on
 * `port`, its clock at `startAt` (HRDA_TEST_SERVER_START_TIME, read by scripts/HrdaTestServer.java)
 * or at the wall clock's time. It keeps everything in memory: a sandbox starts empty and forgets
 * everything when it stops. It has no visibility (list) API and no Web UI.
 *
 * Started as the SDK's TestWorkflowEnvironment starts it (`<port> --enable-time-skipping`), but by
 * this process, so that no connection is held open that the service does not configure
 * (client/sandbox/test-service.ts: the server's keepalive policy). The launcher's watchdog ends the JVM if this
 * process dies without stopping it.
 */
export async function startSandboxServer(opts: { launcher: string; port: number; namespace: string; startAt?: Date; log: Log }): Promise<SandboxServer> {
  if (await acceptsConnections(opts.port)) {
    throw new Error(`Port ${opts.port} is in use (a Temporal dev server, or another sandbox?): stop it, or set HRDA_DEV_SERVER_PORT to a free port for the sandbox's test server.`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.startAt) env.HRDA_TEST_SERVER_START_TIME = opts.startAt.toISOString();
  else delete env.HRDA_TEST_SERVER_START_TIME;
  const child = spawn(opts.launcher, [String(opts.port), '--enable-time-skipping'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  // The server's own warnings (SLF4J, to stderr) go to the service's log, a line at a time.
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) opts.log(`test server: ${line}`);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      opts.log(`test server: ${err.message}`);
      resolve();
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitForPort(opts.port, startTimeoutMs),
      exited.then(() => Promise.reject(new Error(`The test server (${opts.launcher}) exited before accepting connections on port ${opts.port}.`))),
    ]);
    const address = `127.0.0.1:${opts.port}`;
    const connection = await connectTestService(address, startTimeoutMs);
    // Started this way the server skips time whenever nothing is running: the clock would jump to each
    // timer by itself. Locked, it runs at the wall clock's pace and skips only while an advance unlocks it.
    await connection.service.lockTimeSkipping({});
    const clock = new SandboxClock(connection.service);
    const now = await clock.refresh();
    opts.log(`Sandbox clock at ${now.toISOString()}: it runs at the wall clock's pace until \`hrda clock advance\` (or POST /sandbox/clock/advance) skips it forward.`);
    return {
      address, namespace: opts.namespace, clock,
      async stop() {
        await connection.close();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

