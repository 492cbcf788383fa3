import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createBareActivities } from './activities';
import { bareReadyUpdate, bareStepUpdate, type BarePlan, type BareStep, type BareView, type bareWorkflow } from './bare.workflow';

export const bareWorkflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

const nothing = () => undefined;

export function bundleBareWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: bareWorkflowsPath,
    logger: { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: (m: string) => process.stderr.write(`${m}\n`), log: nothing },
  });
}

/** Temporal's own client, with its default data converter: nothing of the service. */
export class BareClient {
  constructor(readonly client: Client, readonly taskQueue: string) {}

  static async connect(address: string, namespace: string, taskQueue: string): Promise<BareClient> {
    const connection = await Connection.connect({ address });
    return new BareClient(new Client({ connection, namespace }), taskQueue);
  }

  /** Starts the workflow and returns once it is ready, as a case submission does (update-with-start). */
  async start(workflowId: string, plan: BarePlan): Promise<BareView> {
    return this.client.workflow.executeUpdateWithStart(bareReadyUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof bareWorkflow>('bareWorkflow', {
        workflowId,
        taskQueue: this.taskQueue,
        args: [plan],
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
  }

  step(workflowId: string, step: BareStep): Promise<BareView> {
    return this.handle(workflowId).executeUpdate(bareStepUpdate, { args: [step] });
  }

  handle(workflowId: string): WorkflowHandle<typeof bareWorkflow> {
    return this.client.workflow.getHandle<typeof bareWorkflow>(workflowId);
  }

  close(): Promise<void> {
    return this.client.connection.close();
  }
}

export async function startBareWorker(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  bundle: WorkflowBundleWithSourceMap | { codePath: string };
  options?: Partial<WorkerOptions>;
}): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.bundle,
    activities: createBareActivities(),
    ...opts.options,
  });
  const done = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      await connection.close();
    },
  };
}

/**
 * The bare counterpart of the HTTP API: `POST /bare/<workflowId>/steps` with a JSON body runs the
 * step update and answers with the workflow's view. No framework, no authentication, no schema.
 */
export async function startBareHttp(bare: BareClient): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const match = /^\/bare\/([^/]+)\/steps$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bare.step(decodeURIComponent(match[1]!), JSON.parse(Buffer.concat(chunks).toString('utf8')) as BareStep).then(
        (view) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view)),
        (err: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
