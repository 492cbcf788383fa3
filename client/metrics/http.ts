import type { FastifyInstance } from 'fastify';
import { problemSentBy } from '../api/problem-sent';
import type { ApiMetrics } from './api-metrics';

const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);

/** The label of a request that matched no route: its URL is the caller's to choose, so it is never a label. */
export const unmatchedRoute = '(unmatched)';

/**
 * Counts every answer by its route template (`/cases/:caseId/summaries`), never its URL: a URL is
 * the caller's to fill, case IDs and query strings included. The method is one of the standard
 * ones or "other"; the refusal's reason is its problem kind, or "other" for a 4xx sent by no problem.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? unmatchedRoute;
    const method = methods.has(req.method) ? req.method : 'other';
    const status = String(reply.statusCode);
    metrics.requests.inc({ method, route, status });
    metrics.duration.observe({ method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400 && reply.statusCode < 500) {
      metrics.refused.inc({ route, status, reason: problemSentBy(reply) ?? 'other' });
    }
  });
}
