import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../../store/database';
import { ensureSearchAttributes, retry, waitForPort, type CliConnection } from '../dev-server';
import { dataDir, repoRoot } from '../../local/paths';
import { localPostgresAdminUrl } from '../postgres';
import { run, type Log } from '../run';
import { ensureTemporalCli } from '../temporal-cli';
import { ensureTemporalServer, type TemporalServerTools } from '../temporal-server';
import { ensureCertificates } from './certificates';
import { apiAudience, ensureSigningKey, issuerFor, temporalAudience, temporalToken, type TemporalIdentity } from './identity';
import { topologyFiles, topologyLayout, type TopologyLayout } from './layout';
import { readProcfile } from './procfile';
import { setUpTemporalSchemas, temporalDatabaseRole } from './schema';
import { Supervisor, type Step } from './supervisor';

/**
 * The production-shaped deployment on one machine (`hrda topology up`, docs/deployment.md):
 * PostgreSQL, the deployment's identity endpoint, the Temporal services as separate processes on
 * PostgreSQL with mTLS and JWT authorization, two HRDA workers and two API processes — the lines of
 * deploy/Procfile, in order, with the environment deploy/env.md describes.
 */
export interface TopologyOptions {
  layout?: TopologyLayout;
  namespace?: string;
  /** How long the service's Temporal token lives; it is minted anew at every `up` (docs/deployment.md#keys). */
  serviceTokenHours?: number;
  /** Extra environment for every process (tests: shorter archive intervals, log levels). */
  env?: Record<string, string>;
  log: Log;
}

export interface RunningTopology {
  layout: TopologyLayout;
  namespace: string;
  /** The environment every process runs with. */
  env: Record<string, string>;
  supervisor: Supervisor;
  frontendAddress: string;
  apiUrls: [string, string];
  /** How the `temporal` CLI reaches the frontend as the given identity: mTLS with the ops certificate, its token in TEMPORAL_API_KEY. */
  cliConnection(who: TemporalIdentity): Promise<CliConnection>;
  stop(): Promise<void>;
}

interface Secrets {
  encryptionKeys: string;
  subjectKey: string;
  temporalDbPassword: string;
}

/** The deployment's generated secrets, made once (0600) and kept: losing the key ring loses every case's payloads. */
async function ensureSecrets(layout: TopologyLayout): Promise<Secrets> {
  const file = topologyFiles(layout).secrets;
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Secrets;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const secrets: Secrets = {
    encryptionKeys: `topology-${day}:${randomBytes(32).toString('base64')}`,
    subjectKey: randomBytes(32).toString('base64url'),
    temporalDbPassword: randomBytes(24).toString('base64url'),
  };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The environment of every process (deploy/env.md), but the database URL, known once PostgreSQL has a password. */
function environment(layout: TopologyLayout, tools: TemporalServerTools, secrets: Secrets, namespace: string, serviceToken: string): Record<string, string> {
  const f = topologyFiles(layout);
  const p = layout.ports;
  return {
    // PostgreSQL
    HRDA_TOPOLOGY_POSTGRES_PORT: String(p.postgres),
    HRDA_TOPOLOGY_POSTGRES_DATA: f.postgresData,
    HRDA_TOPOLOGY_POSTGRES_PASSWORD_FILE: f.postgresPassword,
    // The identity endpoint
    HRDA_TOPOLOGY_IDENTITY_PORT: String(p.identity),
    HRDA_TOPOLOGY_JWKS_FILE: f.jwks,
    // The Temporal server
    TEMPORAL_SERVER_BIN: tools.server,
    TEMPORAL_DYNAMIC_CONFIG: path.join(layout.deployDir, 'temporal', 'dynamicconfig.yaml'),
    TEMPORAL_DB_HOST: '127.0.0.1',
    TEMPORAL_DB_PORT: String(p.postgres),
    TEMPORAL_DB_USER: temporalDatabaseRole,
    TEMPORAL_DB_PASSWORD: secrets.temporalDbPassword,
    TEMPORAL_FRONTEND_PORT: String(p.frontend),
    TEMPORAL_FRONTEND_HTTP_PORT: String(p.frontendHttp),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(p.membership.frontend),
    TEMPORAL_INTERNAL_FRONTEND_PORT: String(p.internalFrontend),
    TEMPORAL_INTERNAL_FRONTEND_HTTP_PORT: String(p.internalFrontendHttp),
    TEMPORAL_INTERNAL_FRONTEND_MEMBERSHIP_PORT: String(p.membership.internalFrontend),
    TEMPORAL_HISTORY_PORT: String(p.history),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(p.membership.history),
    TEMPORAL_MATCHING_PORT: String(p.matching),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(p.membership.matching),
    TEMPORAL_WORKER_PORT: String(p.temporalWorker),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: String(p.membership.temporalWorker),
    TEMPORAL_TLS_CLUSTER_CA: f.caCert,
    TEMPORAL_TLS_CLIENT_CA: f.clientCaCert,
    TEMPORAL_TLS_FRONTEND_CERT: f.frontendCert,
    TEMPORAL_TLS_FRONTEND_KEY: f.frontendKey,
    TEMPORAL_TLS_INTERNODE_CERT: f.internodeCert,
    TEMPORAL_TLS_INTERNODE_KEY: f.internodeKey,
    TEMPORAL_JWKS_URL: `${issuerFor(layout)}/.well-known/jwks.json`,
    TEMPORAL_JWT_AUDIENCE: temporalAudience,
    // The HRDA service (worker and API processes): the variables of the README's Configuration table.
    NODE_ENV: 'production',
    TEMPORAL_ADDRESS: `127.0.0.1:${p.frontend}`,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TLS_CERT: f.serviceCert,
    TEMPORAL_TLS_KEY: f.serviceKey,
    TEMPORAL_TLS_CA: f.caCert,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    TEMPORAL_API_KEY: serviceToken,
    HRDA_ENCRYPTION_KEYS: secrets.encryptionKeys,
    HRDA_SUBJECT_KEY: secrets.subjectKey,
    HRDA_OIDC_ISSUER: issuerFor(layout),
    HRDA_OIDC_AUDIENCE: apiAudience,
    HRDA_OUTBOX_DIR: f.outbox,
    HRDA_API_PORT_1: String(p.api[0]),
    HRDA_API_PORT_2: String(p.api[1]),
    // Metrics on loopback: the Prometheus of deploy/prometheus/prometheus.yml scrapes them on this machine.
    HRDA_WORKER_METRICS_ADDRESS_1: `127.0.0.1:${p.workerMetrics[0]}`,
    HRDA_WORKER_METRICS_ADDRESS_2: `127.0.0.1:${p.workerMetrics[1]}`,
    HRDA_API_METRICS_ADDRESS_1: `127.0.0.1:${p.apiMetrics[0]}`,
    HRDA_API_METRICS_ADDRESS_2: `127.0.0.1:${p.apiMetrics[1]}`,
  };
}

/**
 * The caller's environment (PATH, HOME…) without any Temporal or HRDA setting it had: every process
 * and CLI call gets the topology's settings only.
 */
function cliEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|HRDA_)/.test(k)));
}

/** Readiness of each Procfile line: the port that accepts connections once it serves. */
function readinessPort(name: string, layout: TopologyLayout): number | undefined {
  const p = layout.ports;
  const ports: Record<string, number> = {
    'postgres': p.postgres,
    'identity': p.identity,
    'temporal-history': p.history,
    'temporal-matching': p.matching,
    'temporal-internal-frontend': p.internalFrontend,
    'temporal-frontend': p.frontend,
    'temporal-worker': p.membership.temporalWorker,
    'hrda-api-1': p.api[0],
    'hrda-api-2': p.api[1],
  };
  return ports[name];
}

export async function topologyUp(opts: TopologyOptions): Promise<RunningTopology> {
  const layout = opts.layout ?? topologyLayout();
  const namespace = opts.namespace ?? 'hrda';
  const log = opts.log;
  const f = topologyFiles(layout);
  const [tools, cli] = await Promise.all([ensureTemporalServer({ log }), ensureTemporalCli({ log })]);
  // Private folders beneath (tls, identity, logs: 0700); this one only traversable (0711), because
  // as root PostgreSQL runs as `nobody` (scripts/postgres.ts) and must reach its cluster's folder.
  await mkdir(layout.dir, { recursive: true, mode: 0o711 });
  await chmod(layout.dir, 0o711);
  // .data too, made private by other commands; any other parent is the caller's to open (a test's temporary folder).
  if (path.dirname(layout.dir) === dataDir) await chmod(dataDir, 0o711);
  await ensureCertificates(layout, log);
  await ensureSigningKey(layout);
  const secrets = await ensureSecrets(layout);
  const serviceToken = await temporalToken(layout, 'service', namespace, (opts.serviceTokenHours ?? 24 * 7) * 3600);
  const env: Record<string, string> = { ...environment(layout, tools, secrets, namespace, serviceToken), ...(opts.env ?? {}) };
  const frontendAddress = `127.0.0.1:${layout.ports.frontend}`;

  const cliConnection = async (who: TemporalIdentity): Promise<CliConnection> => ({
    args: ['--address', frontendAddress, '--tls-cert-path', f.opsCert, '--tls-key-path', f.opsKey, '--tls-ca-path', f.caCert, '--tls-server-name', 'localhost'],
    // The token in the environment: a failed command's message (which names its arguments) never holds it.
    env: { ...cliEnvironment(), TEMPORAL_API_KEY: await temporalToken(layout, who, namespace, 3600) },
  });

  const supervisor = new Supervisor({ cwd: repoRoot, env: { ...cliEnvironment(), ...env }, logDir: f.logs, log });
  const lines = await readProcfile(path.join(layout.deployDir, 'Procfile'));
  const afterStep: Record<string, () => Promise<void>> = {
    postgres: async () => {
      const adminUrl = localPostgresAdminUrl(f.postgresPassword, layout.ports.postgres);
      // Its port opens before it takes queries (crash recovery after a kill): wait for an answer.
      await retry(async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        try {
          await client.connect();
          await client.query('SELECT 1');
        } finally {
          await client.end().catch(() => {});
        }
      }, 120, 500);
      await setUpTemporalSchemas({ adminUrl, host: '127.0.0.1', port: layout.ports.postgres, password: secrets.temporalDbPassword, tools, log });
      const databaseUrl = await ensureDatabase(adminUrl, 'hrda');
      env.HRDA_DATABASE_URL = databaseUrl;
      supervisor.setEnv('HRDA_DATABASE_URL', databaseUrl);
      await writeFile(f.env, `${Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n')}\n`, { mode: 0o600 });
      // `mode` applies only to a new file: one left by an earlier `up` keeps whatever mode it had.
      await chmod(f.env, 0o600);
    },
    'temporal-worker': async () => {
      const admin = await cliConnection('admin');
      await retry(() => run(cli, ['operator', 'namespace', 'describe', ...admin.args, '--namespace', namespace], { env: admin.env! }).catch(async (err: Error) => {
        if (!/not found/i.test(err.message)) throw err;
        log(`Creating namespace ${namespace}…`);
        await run(cli, ['operator', 'namespace', 'create', ...admin.args, '--namespace', namespace, '--retention', `${7 * 24}h`], { env: admin.env! });
        throw err; // described again on the next try
      }), 60, 1000);
      await ensureSearchAttributes(cli, frontendAddress, namespace, log, { args: admin.args.slice(2), env: admin.env! });
    },
  };
  const steps: Step[] = lines.map((line) => {
    const port = readinessPort(line.name, layout);
    const after = afterStep[line.name];
    return { line, ...(port ? { ready: () => waitForPort(port, 120_000) } : {}), ...(after ? { after } : {}) };
  });
  log(`Starting the topology (${lines.length} processes; logs in ${f.logs})…`);
  await supervisor.run(steps);
  return {
    layout, namespace, env, supervisor, frontendAddress,
    apiUrls: [`http://127.0.0.1:${layout.ports.api[0]}`, `http://127.0.0.1:${layout.ports.api[1]}`],
    cliConnection,
    stop: () => supervisor.stop(),
  };
}
