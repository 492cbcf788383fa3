import type { FastifyInstance } from 'fastify';
import { archiveStatus } from '../../archive/status';
import type { SandboxClock } from '../../sandbox/clock';
import type { ApiDeps } from '../server';

export function registerHealthRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'config' | 'temporal' | 'workerRunning' | 'db'> & { archive: boolean; clock?: SandboxClock }): void {
  app.get('/health', { config: { access: { public: true } }, schema: { tags: ['service'], summary: 'Whether Temporal is reachable and the worker is running; the archive\'s backlog; in sandbox mode, the simulated clock' } }, async (_req, reply) => {
    const temporal = await deps.temporal.connection.workflowService
      .getSystemInfo({})
      // The reason goes to the service's log, not to whoever asks: /health is public.
      .then(() => 'ok' as const, (err: Error) => {
        app.log.warn({ err: { type: err.name } }, 'health: Temporal unreachable');
        return 'unreachable' as const;
      });
    const worker = deps.workerRunning === undefined ? 'external' : deps.workerRunning() ? 'running' : 'stopped';
    // Closed workflows not archived yet, and the archive's open alerts: counts and workflow IDs only.
    const archive = !deps.archive
      ? undefined
      : await archiveStatus(deps.temporal, deps.db).then(
        (s) => ({ backlog: s.backlog, archivedThrough: s.archivedThrough, lastPassAt: s.lastPassAt, archivedRuns: s.archivedRuns, retentionHours: s.retentionHours, openAlerts: s.alerts.length }),
        (err: Error) => ({ unavailable: err.message }),
      );
    const healthy = temporal === 'ok' && worker !== 'stopped';
    return reply.code(healthy ? 200 : 503).send({
      status: healthy ? 'ok' : 'degraded',
      temporal,
      worker,
      namespace: deps.config.TEMPORAL_NAMESPACE,
      taskQueue: deps.config.HRDA_TASK_QUEUE,
      ...(archive ? { archive } : {}),
      // Sandbox mode: deadlines and meetings follow the time-skipping test server's clock, not the wall clock.
      ...(deps.clock ? { clock: { simulated: true, now: deps.clock.now().toISOString() } } : {}),
    });
  });
}
