import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../../scripts/dev-server';
import { ensureTestServer } from '../../scripts/test-server';

/** How long sdk-core's ephemeral-server start waits for the server to answer: 50 tries, 100 ms apart. */
const SDK_START_LIMIT_MS = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAIN_CLASS = 'HrdaTestServer';

let launcher: string;

beforeAll(async () => {
  launcher = await ensureTestServer({ log: (line) => console.error(`[test-server] ${line}`) });
}, 15 * 60_000);

/** Processes started for `port`: the JVM, and the launcher's watchdog shell (the test machines are Linux). */
async function processesOnPort(port: number): Promise<{ jvms: number[]; all: number[] }> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const found = await Promise.all(
    pids.map(async (pid) => ({ pid: Number(pid), args: (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0') })),
  );
  const forPort = found.filter(({ args }) => args.includes(String(port)) && (args.includes(MAIN_CLASS) || args.includes(launcher)));
  return { jvms: forPort.filter(({ args }) => args.includes(MAIN_CLASS)).map(({ pid }) => pid), all: forPort.map(({ pid }) => pid) };
}

/** The launcher's watchdog polls once a second, so what it leaves may take that long to go. */
async function leftoversAfter(port: number, graceMs = 3_000): Promise<number[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const { all } = await processesOnPort(port);
    if (all.length === 0 || Date.now() > deadline) return all;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function msUntilAccepting(port: number, exited: Promise<unknown>, giveUpMs: number): Promise<number> {
  const started = performance.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (!(await accepts(port))) {
    if (gone) throw new Error('the launcher exited before accepting connections');
    if (performance.now() - started > giveUpMs) throw new Error(`nothing accepted connections on port ${port} within ${giveUpMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

describe('ensureTestServer', () => {
  const savedOverride = process.env.TEMPORAL_TEST_SERVER;
  afterEach(() => {
    if (savedOverride === undefined) delete process.env.TEMPORAL_TEST_SERVER;
    else process.env.TEMPORAL_TEST_SERVER = savedOverride;
  });

  it('builds nothing again once provisioned', async () => {
    const before = await stat(launcher);
    const started = performance.now();
    expect(await ensureTestServer()).toBe(launcher);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await stat(launcher)).mtimeMs).toBe(before.mtimeMs);
  });

  it('returns the executable named by TEMPORAL_TEST_SERVER, and refuses one that is not', async () => {
    process.env.TEMPORAL_TEST_SERVER = process.execPath;
    expect(await ensureTestServer()).toBe(process.execPath);
    process.env.TEMPORAL_TEST_SERVER = '/nonexistent/temporal-test-server';
    await expect(ensureTestServer()).rejects.toThrow(/TEMPORAL_TEST_SERVER/);
  });
});

describe('the test-server launcher', () => {
  const ports = new Set<number>();
  // A launcher that failed to exec or to clean up would leave its JVM running; don't let a failing test leak it.
  afterEach(async () => {
    for (const port of ports) for (const pid of (await processesOnPort(port)).all) process.kill(pid, 'SIGKILL');
    ports.clear();
  });

  it('serves a time-skipping TestWorkflowEnvironment and is gone after teardown', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: launcher } },
    });
    const port = Number(env.address.split(':').pop());
    ports.add(port);
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      await expect(env.connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
      expect((await processesOnPort(port)).jvms).toHaveLength(1);

      // Time skipping is what the Java test server adds: a day passes at once.
      const before = await env.currentTimeMs();
      const wallBefore = Date.now();
      await env.sleep(DAY_MS);
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(DAY_MS);
      expect(Date.now() - wallBefore).toBeLessThan(10_000);
    } finally {
      await env.teardown();
    }
    expect(await accepts(port)).toBe(false);
    expect(await leftoversAfter(port)).toEqual([]);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    `accepts connections within the SDK's ${SDK_START_LIMIT_MS} ms and leaves nothing behind after %s`,
    async (signal) => {
      const port = await freePort();
      ports.add(port);
      const child = spawn(launcher, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      try {
        const startMs = await msUntilAccepting(port, exited, 30_000);
        console.error(`[test-server] launcher accepted connections after ${Math.round(startMs)} ms`);
        expect(startMs).toBeLessThan(SDK_START_LIMIT_MS);
        // The launcher execs the JVM, so the process the SDK kills is the server itself.
        expect((await processesOnPort(port)).jvms).toEqual([child.pid]);
      } finally {
        child.kill(signal);
      }
      const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const exitSignal = await exited;
      clearTimeout(timeout);

      if (signal === 'SIGKILL') expect(exitSignal).toBe('SIGKILL');
      else expect(child.exitCode === 143 || exitSignal === 'SIGTERM').toBe(true);
      expect(await accepts(port)).toBe(false);
      expect(await leftoversAfter(port)).toEqual([]);
      expect(stderr).not.toMatch(/error|exception/i);
    },
  );

  it('ends the JVM when the process that started it dies without stopping it', async () => {
    const port = await freePort();
    ports.add(port);
    // Stands for a test process that exits or is killed before its teardown.
    const parent = spawn(
      process.execPath,
      ['-e', 'require("node:child_process").spawn(process.argv[1], [process.argv[2]], { stdio: "ignore" }); setInterval(() => {}, 1000);', launcher, String(port)],
      { stdio: 'ignore' },
    );
    const parentExited = new Promise((resolve) => parent.once('exit', resolve));
    await msUntilAccepting(port, parentExited, 30_000);
    expect((await processesOnPort(port)).jvms).toHaveLength(1);

    parent.kill('SIGKILL');
    await parentExited;
    expect(await leftoversAfter(port, 5_000)).toEqual([]);
    expect(await accepts(port)).toBe(false);
  });

  it('starts the clock at HRDA_TEST_SERVER_START_TIME, so scenarios dated in the past run on their own dates', async () => {
    const saved = process.env.HRDA_TEST_SERVER_START_TIME;
    process.env.HRDA_TEST_SERVER_START_TIME = '2025-03-01T09:00:00Z';
    try {
      const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: launcher } } });
      try {
        const start = await env.currentTimeMs();
        expect(start).toBeGreaterThanOrEqual(Date.parse('2025-03-01T09:00:00Z'));
        expect(start).toBeLessThan(Date.parse('2025-03-01T09:05:00Z'));
        await env.sleep(DAY_MS);
        expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse('2025-03-02T09:00:00Z'));
      } finally {
        await env.teardown();
      }
    } finally {
      if (saved === undefined) delete process.env.HRDA_TEST_SERVER_START_TIME;
      else process.env.HRDA_TEST_SERVER_START_TIME = saved;
    }
  });
});
