import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../../domain/config';

export interface ApiDeps {
  config: Config;
  temporal: Client;
  /** Whether a worker for the task queue is running in this process (undefined: not ours to say). */
  workerRunning?: () => boolean;
}

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  app.get('/health', async (_req, reply) => {
    const temporal = await deps.temporal.connection.workflowService
      .getSystemInfo({})
      .then(() => 'ok' as const, (err: Error) => `unreachable: ${err.message}`);
    const worker = deps.workerRunning === undefined ? 'external' : deps.workerRunning() ? 'running' : 'stopped';
    const healthy = temporal === 'ok' && worker !== 'stopped';
    return reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'degraded',
      temporal,
      worker,
      namespace: deps.config.TEMPORAL_NAMESPACE,
      taskQueue: deps.config.HRDA_TASK_QUEUE,
    });
  });

  return app;
}
