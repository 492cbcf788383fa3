import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../domain/config';
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
  activities: object,
  extra: Partial<WorkerOptions> = {},
): Promise<HrdaWorker> {
  const connection = await NativeConnection.connect(connectionOptions(config));
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.HRDA_TASK_QUEUE,
      // A bundle built once by the caller (the service shares it with the archiver's replays), or the sources.
      ...(extra.workflowBundle ? {} : { workflowsPath }),
      activities,
      // A workflowBundle passed in `extra` must be built with workflowBundleOptions (worker/bundle).
      dataConverter: dataConverterFor(config),
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
