import { say } from './progress';
import { pool } from './stats';
import { spawnWorker, type WorkerProcessOptions } from './worker-child';

export interface MemoryRun {
  workflows: number;
  /** Workflows the worker caches per open case (a case also keeps its subject's entity workflow open). */
  cachedPerCase: number;
  heapPerCaseKiB: number;
  rssPerCaseKiB: number;
  baseline: { heapUsedMiB: number; rssMiB: number };
  loaded: { heapUsedMiB: number; rssMiB: number };
  gcForced: boolean;
}

const MiB = 1024 * 1024;

/**
 * Memory of a worker holding `count` open workflows in its cache, in a process of its own with
 * the garbage collector exposed. The worker runs in `debugMode` so that the workflows' sandbox
 * lives on the process's main heap (otherwise it is a worker thread's, which `gc()` does not
 * reach); RSS covers everything either way. A warm-up batch loads the bundle before the baseline.
 */
export async function memoryPerOpenWorkflow(opts: {
  worker: Omit<WorkerProcessOptions, 'debugMode' | 'maxCachedWorkflows'>;
  count: number;
  warmup: number;
  cachedPerCase: number;
  /** Starts open workflow `i` and resolves once the worker has made it ready. */
  open: (i: number) => Promise<void>;
  settleMs?: number;
}): Promise<MemoryRun> {
  const child = await spawnWorker(
    { ...opts.worker, debugMode: true, maxCachedWorkflows: (opts.count + opts.warmup) * opts.cachedPerCase + 100 },
    { exposeGc: true, stderr: (line) => say(`  [worker ${opts.worker.kind}] ${line}`) },
  );
  try {
    const settle = () => new Promise((r) => setTimeout(r, opts.settleMs ?? 4000));
    await pool(opts.warmup, 10, (i) => opts.open(i));
    await settle();
    const before = await child.measure();
    await pool(opts.count, 20, (i) => opts.open(opts.warmup + i));
    await settle();
    const after = await child.measure();
    return {
      workflows: opts.count,
      cachedPerCase: opts.cachedPerCase,
      heapPerCaseKiB: (after.usage.heapUsed - before.usage.heapUsed) / opts.count / 1024,
      rssPerCaseKiB: (after.usage.rss - before.usage.rss) / opts.count / 1024,
      baseline: { heapUsedMiB: before.usage.heapUsed / MiB, rssMiB: before.usage.rss / MiB },
      loaded: { heapUsedMiB: after.usage.heapUsed / MiB, rssMiB: after.usage.rss / MiB },
      gcForced: after.gcExposed,
    };
  } finally {
    await child.stop();
  }
}
