import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createActivities } from '../../activities';
import { OutboxMail } from '../../activities/mail.outbox';
import { LocalPoliceSystems } from '../../activities/police-systems.local';
import type { PoliceSystems } from '../../activities/police-systems.port';
import { buildApi } from '../../client/api/server';
import { createApiMetrics } from '../../client/metrics/api-metrics';
import { serveMetrics, type MetricsServer } from '../../client/metrics/server';
import { tracingClientInterceptors, type Tracing } from '../../client/tracing/tracing';
import { tracingWorkerOptions } from '../../client/tracing/worker-tracing';
import type { ApiRole } from '../../domain/auth';
import { parseConfig, type Config } from '../../domain/config';
import { dataConverterFor, workerDataConverterFor } from '../../worker/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { signTestToken, testClaims, testIdentityEnv } from '../support/identity';
import { startTestDevServer, type TestDevServer } from '../support/servers';

/** A bearer token for a role and agency, signed with the test identity provider's key (test/support/identity.ts). */
export function tokenFor(role: ApiRole, agency?: string, sub?: string): string {
  return signTestToken(testClaims(role, agency, sub));
}

export const as = (role: ApiRole, agency?: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokenFor(role, agency)}`, ...extra });

/** Headers of a named person (the token's `sub` is what a need-to-know list names), reading for a purpose. */
export const person = (sub: string, role: ApiRole, agency?: string, purpose = 'preparing for the meeting') => (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${tokenFor(role, agency, sub)}`,
  'x-purpose': purpose,
  ...extra,
});

/** The API over a dev server of the test's own, with a real worker running the real workflows on local adapters. */
export interface ApiHarness {
  server: TestDevServer;
  /** The harness's own database on the run's PostgreSQL server, migrated. */
  database: TestDatabase;
  temporal: Client;
  config: Config;
  app: FastifyInstance;
  /** What the worker refused as not encrypted (encoding and size of each payload). */
  refusedPayloads: object[];
  /** Where the first app's metrics are served (with `metrics: true`), as `hrda start` serves them on HRDA_API_METRICS_ADDRESS. */
  metricsUrl?: string;
  /** A second API on the same Temporal: a restarted service that remembers nothing in memory. */
  freshApp(): Promise<FastifyInstance>;
  stop(): Promise<void>;
}

export interface ApiHarnessOptions {
  /** More configuration (e.g. HRDA_ENCRYPTION_KEYS, HRDA_UI_ORIGIN). */
  env?: Record<string, string>;
  police?: PoliceSystems;
  /** The API's logger (none by default). */
  logger?: FastifyBaseLogger;
  /** A database of the test's own choosing (a PostgreSQL it stops and restarts); one on the run's server by default. */
  database?: TestDatabase;
  /** Count the first app's requests into metrics served on a listener of their own (client/metrics). */
  metrics?: boolean;
  /** Trace the API's requests, the client's starts and updates and the worker's tasks (client/tracing); the bundle must hold the tracing interceptors. */
  tracing?: Tracing;
}

/** The bundle should be built with workflowBundleOptions (worker/bundle), or failures raised in workflows are stored in clear. */
export async function startApiHarness(workflowBundle: WorkflowBundleWithSourceMap, opts: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const [server, database] = await Promise.all([startTestDevServer(), opts.database ?? createTestDatabase()]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-api-'));
  const taskQueue = `hrda-api-${randomUUID()}`;
  const config = parseConfig({
    TEMPORAL_NAMESPACE: server.namespace,
    HRDA_TASK_QUEUE: taskQueue,
    ...testIdentityEnv,
    HRDA_DATABASE_URL: database.url,
    // Tests send hundreds of requests a minute under one token; the limit has tests of its own.
    HRDA_RATE_LIMIT_PER_MINUTE: '1000000',
    ...opts.env,
  });
  const dataConverter = dataConverterFor(config, database.db);
  // The worker refuses payloads that are not encrypted, as the service's does (worker/worker.ts).
  const refusedPayloads: object[] = [];
  const workerDataConverter = workerDataConverterFor(config, database.db, (_message, fields) => void refusedPayloads.push(fields));
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection, namespace: server.namespace, dataConverter, ...(opts.tracing ? { interceptors: tracingClientInterceptors() } : {}) });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    workflowBundle,
    dataConverter: workerDataConverter,
    activities: createActivities({
      db: database.db,
      client: temporal,
      taskQueue,
      subjectSecret: 'test-subject-key-0123456789',
      mail: new OutboxMail(path.join(dir, 'outbox')),
      police: opts.police ?? new LocalPoliceSystems(),
    }),
    ...(opts.tracing ? tracingWorkerOptions(opts.tracing) : {}),
  });
  const running = worker.run();
  const apps: FastifyInstance[] = [];
  const freshApp = async (extra: { metrics?: ReturnType<typeof createApiMetrics> } = {}) => {
    const app = await buildApi({ config, db: database.db, temporal, workerRunning: () => worker.getState() === 'RUNNING', ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.tracing ? { tracer: opts.tracing.tracer } : {}), ...extra });
    apps.push(app);
    return app;
  };
  const metrics = opts.metrics ? createApiMetrics({ db: database.db, temporal, archive: true }) : undefined;
  const metricsServer: MetricsServer | undefined = metrics ? await serveMetrics(metrics.registry, '127.0.0.1:0') : undefined;
  const app = await freshApp(metrics ? { metrics } : {});
  return {
    server, database, temporal, config, app, freshApp: () => freshApp(), refusedPayloads,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    async stop() {
      await metricsServer?.close();
      for (const a of apps) await a.close();
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
      await server.cleanup();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Visibility is eventually consistent: ask again until the answer satisfies the test, or give up. */
export async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}
