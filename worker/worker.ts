import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../domain/config';
import type { Database } from '../store/database';
import { workflowsPath } from './bundle';
import { dataConverterFor } from './codec';
import { connectionOptions } from './connection';

export { workflowsPath };

export interface HrdaWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Runs until shutdown() is called or a signal arrives; resolves once in-flight tasks finish. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createWorker(
  config: Config,
  /** The service's store: the data keys the payloads are encrypted under. */
  db: Database,
  activities: object,
  extra: Partial<WorkerOptions> = {},
): Promise<HrdaWorker> {
  const connection = await NativeConnection.connect(connectionOptions(config));
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.HRDA_TASK_QUEUE,
      workflowsPath,
      activities,
      // A workflowBundle passed in `extra` must be built with workflowBundleOptions (worker/bundle).
      dataConverter: dataConverterFor(config, db),
      ...extra,
    });
    let running: Promise<void> | undefined;
    return {
      worker,
      connection,
      run: () => (running ??= worker.run()),
      async shutdown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      },
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
