import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, type RuntimeOptions } from '@temporalio/worker';
import { freePort, startDevServer, type DevServer } from '../../scripts/dev-server';
import type { Log } from '../../scripts/run';
import { ensureTemporalCli } from '../../scripts/temporal-cli';

export interface BenchDevServer extends DevServer {
  dbFile: string;
  dir: string;
  /** Stops the server and starts it again on the same SQLite file and ports. */
  restart(): Promise<BenchDevServer>;
  /** Stops the server and removes its data. */
  cleanup(): Promise<void>;
}

/**
 * A dev server of the bench's (or a test's) own: free ports, a fresh SQLite file in a temporary
 * folder (under `dbDir` when given), no Web UI. The CLI is the one `npm start` provisions (`ensureTemporalCli`).
 */
export async function startBenchDevServer(opts: { namespace?: string; cli?: string; log?: Log; dbDir?: string } = {}): Promise<BenchDevServer> {
  const cli = opts.cli ?? (await ensureTemporalCli(opts.log ? { log: opts.log } : {}));
  const dir = await mkdtemp(path.join(opts.dbDir ?? os.tmpdir(), 'hrda-bench-'));
  const dbFile = path.join(dir, 'temporal.sqlite');
  const namespace = opts.namespace ?? 'hrda-bench';
  const [port, uiPort] = [await freePort(), await freePort()];
  const start = async (): Promise<BenchDevServer> => {
    const server = await startDevServer({ cli, namespace, port, uiPort, dbFile, headless: true, ...(opts.log ? { log: opts.log } : {}) });
    return {
      ...server,
      dbFile,
      dir,
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

/**
 * The SDK runtime's logging for the bench and its worker processes: errors only, on stderr. Under
 * load the SDK warns about every slow workflow task, which would bury the progress lines.
 */
export function quietRuntime(): RuntimeOptions {
  return {
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'ERROR', other: 'ERROR' } } },
  };
}
