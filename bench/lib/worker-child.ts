import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

const entry = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const repoRoot = path.resolve(path.dirname(entry), '../..');

export interface WorkerProcessOptions {
  kind: 'hrda' | 'bare';
  address: string;
  namespace: string;
  taskQueue: string;
  /** The workflow bundle's code, written to a file by `writeBundle`. */
  codePath: string;
  outboxDir: string;
  debugMode?: boolean;
  maxCachedWorkflows?: number;
  /** Each mail send waits this long first, so a kill lands while notifications are in flight. */
  mailDelayMs?: number;
  /** A JSON-lines file that receives `{ id, result, pid }` for every send. */
  mailLog?: string;
}

export type ChildRequest = { type: 'start'; options: WorkerProcessOptions } | { type: 'measure' } | { type: 'stop' };
export type ChildReply =
  | { type: 'spawned'; pid: number }
  | { type: 'ready'; pid: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage; gcExposed: boolean }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

/** Writes a bundle's code where a worker in another process can load it (`workflowBundle: { codePath }`). */
export async function writeBundle(bundle: WorkflowBundleWithSourceMap, file: string): Promise<string> {
  await writeFile(file, bundle.code);
  return file;
}

export interface WorkerChild {
  pid: number;
  process: ChildProcess;
  measure(): Promise<{ usage: NodeJS.MemoryUsage; gcExposed: boolean }>;
  /** Shuts the worker down cleanly and waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown, no goodbye; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts a worker in a child process (tsx loads the TypeScript) and resolves once it polls. */
export async function spawnWorker(options: WorkerProcessOptions, opts: { exposeGc?: boolean; stderr?: (line: string) => void } = {}): Promise<WorkerChild> {
  const child = fork(entry, [], {
    cwd: repoRoot,
    execArgv: [
      ...(opts.exposeGc ? ['--expose-gc'] : []),
      // A CPU profile of the worker for `node --cpu-prof`'s readers (Chrome DevTools, speedscope).
      ...(process.env.HRDA_WORKER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HRDA_WORKER_CPU_PROF}`] : []),
      '--import', 'tsx',
    ],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) opts.stderr?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const waitFor = <T extends ChildReply['type']>(type: T, timeoutMs = 120_000): Promise<Extract<ChildReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`worker process: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: ChildReply) => {
        if (m.type === type) done(undefined, m as Extract<ChildReply, { type: T }>);
        else if (m.type === 'error') done(new Error(`worker process: ${m.message}`));
      };
      const onExit = (code: number | null) => done(new Error(`worker process exited (${code}) before "${type}"`));
      const done = (err?: Error, value?: Extract<ChildReply, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value!);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  const spawned = await waitFor('spawned');
  const ready = waitFor('ready');
  child.send({ type: 'start', options } satisfies ChildRequest);
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: spawned.pid,
    process: child,
    async measure() {
      const answer = waitFor('memory');
      child.send({ type: 'measure' } satisfies ChildRequest);
      const { usage, gcExposed } = await answer;
      return { usage, gcExposed };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' } satisfies ChildRequest);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
