import type { FastifyInstance } from 'fastify';
import type { Connection } from '@temporalio/client';
import { parseConfig, usesEmbeddedDatabase, usesEmbeddedIdentityProvider, usesEmbeddedServer, type Config } from '../domain/config';
import { developmentModeGranted, startProblems, StartRefusedError } from '../domain/start-policy';
import { createActivities, defaultAdapters } from '../activities';
import { createWorker, type HrdaWorker } from '../worker/worker';
import { dataConverterFor } from '../worker/codec';
import { startArchiver } from '../client/archive/archiver';
import { auditBundle } from '../client/audit/audit-case';
import { connectClient } from '../client/temporal';
import { serverVersionWarning } from '../client/server-version';
import { registerSearchAttributes } from '../client/search-attributes';
import { codecLoginPath } from '../client/api/codec';
import { buildApi } from '../client/api/server';
import { createApiMetrics } from '../client/metrics/api-metrics';
import { serveMetrics } from '../client/metrics/server';
import { tracingClientInterceptors, tracingFromConfig } from '../client/tracing/tracing';
import { tracingWorkerOptions } from '../client/tracing/worker-tracing';
import { webUiPath, webUiUrl } from '../client/api/web-ui';
import { developmentTokenBanner } from '../client/api/dev-tokens';
import { startDevelopmentProvider, type DevelopmentProvider } from '../client/api/identity/development-provider';
import { developmentKeyWarning } from '../worker/codec';
import { createLogger } from '../worker/logger';
import { installRuntime } from '../worker/runtime';
import { ensureTemporalCli } from '../scripts/temporal-cli';
import { startDevServer, type DevServer } from '../scripts/dev-server';
import type { Log } from '../scripts/run';
import { startEmbeddedPostgres } from '../scripts/postgres';
import { ensureTestServer } from '../scripts/test-server';
import { ensureDatabase, migrateDatabase, openDatabase, recreateDatabase, type Database } from '../store/database';
import { startSandboxServer, type SandboxServer } from './sandbox/test-server';
import { testServerChannelArgs } from '../client/sandbox/test-service';

export interface RunningService {
  /** As configured; in development mode without HRDA_OIDC_ISSUER, naming the embedded identity provider. */
  config: Config;
  /** The embedded identity provider (development mode without HRDA_OIDC_ISSUER only). */
  identityProvider?: DevelopmentProvider;
  devServer?: DevServer;
  /** Sandbox mode: the time-skipping test server the service runs on instead of the dev server, and its clock. */
  sandbox?: SandboxServer;
  /** The service's store (PostgreSQL): embedded unless HRDA_DATABASE_URL is set. */
  db: Database;
  /** Absent when this process runs the API only (`hrda start --only api`). */
  worker?: HrdaWorker;
  /** Absent when this process runs the worker only (`hrda start --only worker`). */
  api?: FastifyInstance;
  apiUrl: string;
  /** The development tokens and the Web UI's codec set-up, for the person at the terminal (logged unless `holdNotes`). */
  notes: string[];
  stop(): Promise<void>;
}

/**
 * Which parts this process runs: both (the default), or one of them, so that a deployment scales
 * workers and API processes apart (deploy/Procfile). The archiver runs beside each worker; its passes
 * take a PostgreSQL advisory lock, so several workers archive nothing twice.
 */
export type ServiceRole = 'all' | 'worker' | 'api';

/**
 * The embedded default in one call: the dev server (unless TEMPORAL_ADDRESS names a cluster),
 * the worker and the HTTP API. Whatever started is stopped again if a later part fails,
 * so a failed start leaves no process behind. With any published development secret in the
 * configuration it refuses before starting anything, unless development mode is granted
 * (domain/start-policy.ts).
 */
export async function startService(opts: {
  env?: NodeJS.ProcessEnv;
  log: Log;
  development?: boolean;
  /** Return the notes for the caller to print once the logs have settled (`hrda start`) instead of logging them. */
  holdNotes?: boolean;
  only?: ServiceRole;
  /**
   * Sandbox mode (`hrda start --development --sandbox`, development mode only): the Java time-skipping
   * test server instead of the dev server, its clock at `startAt` (the wall clock's time by default)
   * and moved by `hrda clock advance`; the store in a database of its own, emptied at each start.
   * `testServer` names the launcher (else the one scripts/test-server.ts provisions). Worker and API
   * together (not with `only`): the test server lives in this process.
   */
  sandbox?: { startAt?: Date; testServer?: string };
}): Promise<RunningService> {
  const env = opts.env ?? process.env;
  const runsWorker = (opts.only ?? 'all') !== 'api';
  const runsApi = (opts.only ?? 'all') !== 'worker';
  let config = parseConfig(env);
  const mode = { development: opts.development ?? false, nodeEnv: env.NODE_ENV };
  const problems = startProblems(config, mode);
  // One part of a deployment runs beside others: the embedded servers are the whole service's, never one part's.
  if (opts.only) {
    const embedded = [['TEMPORAL_ADDRESS', config.TEMPORAL_ADDRESS], ['HRDA_DATABASE_URL', config.HRDA_DATABASE_URL], ['HRDA_OIDC_ISSUER', config.HRDA_OIDC_ISSUER]]
      .filter(([, value]) => !value).map(([name]) => ({ variable: name!, message: `\`hrda start --only ${opts.only}\` runs one part of a deployment and starts no embedded server: set it to the deployment's` }));
    problems.push(...embedded);
  }
  if (problems.length > 0) throw new StartRefusedError(problems);
  const development = developmentModeGranted(config, mode);
  if (opts.sandbox) {
    // A clock anyone can move is for a machine of one's own: never a deployment.
    if (!development) throw new Error('The sandbox clock is for development only: run `hrda start --development --sandbox` (`npm run sandbox`), outside NODE_ENV=production, with the API on loopback.');
    if (opts.only && opts.only !== 'all') throw new Error('The sandbox runs the worker and the API in one process with its test server: leave out --only.');
    if (!usesEmbeddedServer(config)) throw new Error(`The sandbox runs its own time-skipping test server: unset TEMPORAL_ADDRESS (${config.TEMPORAL_ADDRESS}); HRDA_DEV_SERVER_PORT chooses its port.`);
  }
  // Before any worker or native connection: the SDK's and the core's lines through the service's logger, on stderr.
  // The worker's metrics are the SDK core's, served by the runtime: only a process that runs a worker binds them.
  const workerMetricsAddress = runsWorker ? config.HRDA_WORKER_METRICS_ADDRESS : undefined;
  const installed = installRuntime(createLogger(config.HRDA_LOG_LEVEL, 'hrda-worker'), workerMetricsAddress ? { metricsAddress: workerMetricsAddress } : {});
  if (workerMetricsAddress) {
    opts.log(installed
      ? `Worker metrics (Prometheus) on http://${workerMetricsAddress}/metrics`
      : `HRDA_WORKER_METRICS_ADDRESS is set but this process's SDK runtime was installed before the service started: the worker's metrics are not served on ${workerMetricsAddress}.`);
  }
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => opts.log(`while stopping: ${err.message}`));
    stops.length = 0;
  };
  try {
    const keyWarning = developmentKeyWarning(config);
    if (keyWarning) opts.log(keyWarning);
    // Only a URL for the Web UI to call: the API needs to be listening by the time someone opens a workflow, not now.
    const apiUrl = `http://${config.HRDA_API_HOST}:${config.HRDA_API_PORT}`;
    const db = await openStore(config, opts.log, stops, Boolean(opts.sandbox));

    // No provider configured: start policy allowed that in development mode only, with the embedded one.
    let identityProvider: DevelopmentProvider | undefined;
    if (usesEmbeddedIdentityProvider(config)) {
      opts.log(`Starting the development OpenID provider on 127.0.0.1:${config.HRDA_OIDC_PORT}…`);
      identityProvider = await startDevelopmentProvider({ audience: apiUrl, port: config.HRDA_OIDC_PORT });
      stops.push(() => identityProvider!.stop());
      config = { ...config, HRDA_OIDC_ISSUER: identityProvider.issuer, HRDA_OIDC_AUDIENCE: apiUrl };
    }

    let devServer: DevServer | undefined;
    let sandbox: SandboxServer | undefined;
    if (opts.sandbox) {
      const launcher = opts.sandbox.testServer ?? (await ensureTestServer({ log: opts.log }));
      opts.log(`Starting the Temporal time-skipping test server (sandbox) on 127.0.0.1:${config.HRDA_DEV_SERVER_PORT}…`);
      sandbox = await startSandboxServer({
        launcher, port: config.HRDA_DEV_SERVER_PORT, namespace: config.TEMPORAL_NAMESPACE, log: opts.log,
        ...(opts.sandbox.startAt ? { startAt: opts.sandbox.startAt } : {}),
      });
      stops.push(() => sandbox!.stop());
    } else if (usesEmbeddedServer(config)) {
      const cli = await ensureTemporalCli({ log: opts.log });
      opts.log(`Starting the Temporal dev server on 127.0.0.1:${config.HRDA_DEV_SERVER_PORT}…`);
      devServer = await startDevServer({
        cli,
        namespace: config.TEMPORAL_NAMESPACE,
        port: config.HRDA_DEV_SERVER_PORT,
        uiPort: config.HRDA_DEV_UI_PORT,
        codecEndpoint: `${apiUrl}/codec`,
        uiPublicPath: webUiPath,
        retentionDays: config.HRDA_RETENTION_DAYS,
        log: opts.log,
      });
      stops.push(() => devServer!.stop());
    }

    // Traces only with an exporter configured: otherwise no span is made and no header added.
    const tracing = tracingFromConfig(config, runsWorker && runsApi ? 'hrda' : runsWorker ? 'hrda-worker' : 'hrda-api');
    if (tracing) {
      stops.push(() => tracing.shutdown());
      opts.log(`Traces (OpenTelemetry) exported to ${config.HRDA_OTEL_EXPORTER_OTLP_ENDPOINT}`);
    }
    const temporal = await connectClient(config, db, { ...(sandbox ? { channelArgs: { ...testServerChannelArgs } } : {}), ...(tracing ? { interceptors: tracingClientInterceptors() } : {}) });
    stops.push(() => temporal.connection.close());
    const versionWarning = await serverVersionWarning(temporal.connection);
    if (versionWarning) opts.log(versionWarning);
    if (!devServer) {
      // On an existing cluster the attributes may already exist, or be managed by its operators; the sandbox's server starts with none.
      await registerSearchAttributes(temporal.connection as Pick<Connection, 'operatorService'>, config.TEMPORAL_NAMESPACE).catch((err: Error) =>
        opts.log(`Could not register the search attributes (${err.message}); register them as the README says.`),
      );
    }

    let worker: HrdaWorker | undefined;
    if (runsWorker) {
      opts.log('Starting the worker (bundling workflows)…');
      // One bundle for the worker and for the archiver, which replays each closed history against it.
      const workflowBundle = await auditBundle({ tracing: Boolean(tracing) });
      const activities = createActivities({ db, client: temporal, taskQueue: config.HRDA_TASK_QUEUE, subjectSecret: config.HRDA_SUBJECT_KEY, ...defaultAdapters(config, db) });
      const started = await createWorker(config, db, activities, { workflowBundle, ...(tracing ? tracingWorkerOptions(tracing) : {}) });
      worker = started;
      const workerDone = started.run();
      stops.push(() => started.shutdown());
      workerDone.catch((err: Error) => opts.log(`The worker stopped with an error: ${err.message}`));
      // Closed workflows into the store before the namespace's retention removes them (docs/ops.md). Not in
      // the sandbox: its server has no visibility API to find them with, and forgets everything at its end.
      if (!sandbox) {
        const archiver = startArchiver({
          db, client: temporal, workflowBundle, dataConverter: dataConverterFor(config, db),
          intervalMs: config.HRDA_ARCHIVE_INTERVAL_SECONDS * 1000, log: opts.log,
        });
        stops.push(() => archiver.stop());
      }
    }
    let api: FastifyInstance | undefined;
    if (runsApi) {
      const running = worker;
      const metrics = config.HRDA_API_METRICS_ADDRESS ? createApiMetrics({ db, temporal, archive: !sandbox }) : undefined;
      // An API-only process reports the worker as 'external' on /health: workers are other processes.
      const built = await buildApi({
        ...(metrics ? { metrics } : {}),
        ...(tracing ? { tracer: tracing.tracer } : {}),
        config, db, temporal, ...(running ? { workerRunning: () => running.worker.getState() === 'RUNNING' } : {}), logger: createLogger(config.HRDA_LOG_LEVEL, 'hrda-api'),
        // The Web UI through the API's origin in development mode only (loopback, published secrets):
        // it takes no token, so it is never served on an address others can reach.
        ...(development && devServer ? { webUiUpstream: `http://127.0.0.1:${config.HRDA_DEV_UI_PORT}` } : {}),
        ...(sandbox ? { sandbox: { clock: sandbox.clock } } : {}),
      });
      api = built;
      await built.listen({ host: config.HRDA_API_HOST, port: config.HRDA_API_PORT });
      stops.push(() => built.close());
      if (metrics) {
        const metricsServer = await serveMetrics(metrics.registry, config.HRDA_API_METRICS_ADDRESS!);
        stops.push(() => metricsServer.close());
        opts.log(`API metrics (Prometheus) on ${metricsServer.url}`);
      }
    }
    const notes: string[] = [];
    // Tokens only in development mode, from the embedded provider: a real provider's are never ours to print.
    if (development && identityProvider) {
      notes.push(developmentTokenBanner(await identityProvider.tokens(), apiUrl, identityProvider.issuer));
    }
    if (sandbox) {
      notes.push([
        `Sandbox: the clock is simulated (now ${sandbox.clock.now().toISOString()}). Move it with \`npx hrda clock advance P1D\` or \`npx hrda clock advance 2026-12-10T09:00\``,
        `(Europe/London without an offset), or POST ${apiUrl}/sandbox/clock/advance {"by":"P1D"} as the administrator; every timer due on the way fires.`,
        'The test server keeps everything in memory: this sandbox starts empty and forgets its cases when it stops. It has no Web UI and no',
        'visibility API: case lists, agendas and reports read the store and work; what lists workflows (`hrda audit replay --all`, `hrda ops archive`) says it cannot run here.',
      ].join('\n'));
    }
    if (devServer) {
      notes.push(`Temporal Web UI: ${webUiUrl(apiUrl, config.TEMPORAL_NAMESPACE)} (served by the API, so payloads decode for administrators, chairs and auditors once signed in at ${apiUrl}${codecLoginPath}; docs/data-protection.md).`);
    }
    if (!opts.holdNotes) notes.forEach((note) => opts.log(note));

    return { config, ...(identityProvider ? { identityProvider } : {}), devServer, ...(sandbox ? { sandbox } : {}), db, ...(worker ? { worker } : {}), ...(api ? { api } : {}), apiUrl, notes, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The embedded PostgreSQL's database for the sandbox, beside the service's own `hrda`. */
export const sandboxDatabase = 'hrda_sandbox';

/**
 * The store: the embedded PostgreSQL in .data/postgres unless HRDA_DATABASE_URL names one; its schema
 * brought up to date before anything reads it.
 */
async function openStore(config: Config, log: Log, stops: (() => Promise<void>)[], sandbox: boolean): Promise<Database> {
  let url = config.HRDA_DATABASE_URL;
  if (usesEmbeddedDatabase(config)) {
    log(`Starting PostgreSQL on 127.0.0.1:${config.HRDA_POSTGRES_PORT} (data in .data/postgres)…`);
    const server = await startEmbeddedPostgres(config.HRDA_POSTGRES_PORT, log);
    stops.push(() => server.stop());
    // The sandbox's test server forgets its workflows when it stops: its records go with them, and
    // never mix with the dev server's cases in `hrda`.
    url = sandbox ? await recreateDatabase(server.adminUrl, sandboxDatabase) : await ensureDatabase(server.adminUrl, 'hrda');
  }
  await migrateDatabase(url!, log);
  const db = openDatabase(url!, { applicationName: 'hrda-service' });
  stops.push(() => db.end());
  return db;
}
