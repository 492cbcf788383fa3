import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../server';

export function registerHealthRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'config' | 'temporal' | 'workerRunning'>): void {
  app.get('/health', { schema: { tags: ['service'], summary: 'Whether Temporal is reachable and the worker is running' } }, async (_req, reply) => {
    const temporal = await deps.temporal.connection.workflowService
      .getSystemInfo({})
      // The reason goes to the service's log, not to whoever asks: /health is public.
      .then(() => 'ok' as const, (err: Error) => {
        app.log.warn({ err: { type: err.name } }, 'health: Temporal unreachable');
        return 'unreachable' as const;
      });
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
}
