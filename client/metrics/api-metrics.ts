import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Client } from '@temporalio/client';
import type { Database } from '../../store/database';
import { registerBusinessGauges } from './business';

/**
 * An API process's Prometheus metrics (prom-client): its HTTP requests (./http.ts), the service's
 * business gauges read from the store and Temporal (./business.ts), and Node's process metrics.
 * Every label comes from a closed set — HTTP methods, route templates, status codes, problem kinds,
 * profile ids, stage names — so no label can carry what a request or a case holds.
 */
export interface ApiMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
  refused: Counter<'route' | 'status' | 'reason'>;
}

export function createApiMetrics(deps: {
  db: Database;
  temporal: Client;
  /** Whether to report the archive's backlog (not in the sandbox, whose server has no visibility API). */
  archive: boolean;
}): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'hrda_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hrda_http_request_duration_seconds',
    help: 'Time from a request\'s arrival to its answer, by method and route template',
    labelNames: ['method', 'route'] as const,
    // Reads answer in milliseconds; a case command waits for its workflow update (seconds when a worker is busy).
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'hrda_http_refused_total',
    help: 'Requests refused with a 4xx problem, by route template, status code and problem kind (docs/contract.md)',
    labelNames: ['route', 'status', 'reason'] as const,
    registers: [registry],
  });
  registerBusinessGauges(registry, deps);
  return { registry, requests, duration, refused };
}
