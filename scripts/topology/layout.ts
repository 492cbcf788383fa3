import path from 'node:path';
import { dataDir, repoRoot } from '../../local/paths';

/**
 * Where the local production-shaped topology keeps its state and which ports it listens on. Every
 * port is an offset from one base (HRDA_TOPOLOGY_BASE_PORT), so a second topology (a test, another
 * person on the machine) runs beside the first by choosing another base. Nothing listens beyond loopback.
 */
export interface TopologyLayout {
  /** .data/topology: certificates, keys, the PostgreSQL cluster, the environment file. Never committed. */
  dir: string;
  deployDir: string;
  basePort: number;
  ports: {
    postgres: number;
    frontend: number;
    frontendHttp: number;
    history: number;
    matching: number;
    internalFrontend: number;
    internalFrontendHttp: number;
    temporalWorker: number;
    /** Membership (ringpop) ports, one per service, beside their gRPC ports (see the layout below). */
    membership: { frontend: number; history: number; matching: number; internalFrontend: number; temporalWorker: number };
    /** The deployment's identity endpoint: the JWKS Temporal and the API check tokens against. */
    identity: number;
    api: [number, number];
    /** Where each HRDA worker process serves the SDK's Prometheus metrics (HRDA_WORKER_METRICS_ADDRESS). */
    workerMetrics: [number, number];
    /** Where each API process serves its own metrics (HRDA_API_METRICS_ADDRESS): never the API's port. */
    apiMetrics: [number, number];
  };
}

export const defaultBasePort = 17000;

/**
 * The highest base port: Temporal's SQL schema keeps each service's membership port in a smallint
 * column, so every port of the topology stays below 32768.
 */
export const maxBasePort = 32767 - 246;

export function topologyLayout(opts: { basePort?: number; dir?: string } = {}): TopologyLayout {
  const base = opts.basePort ?? defaultBasePort;
  if (!Number.isInteger(base) || base < 1024 || base > maxBasePort) throw new Error(`The base port must be an integer from 1024 to ${maxBasePort} (Temporal keeps membership ports below 32768), not ${base}`);
  return {
    dir: opts.dir ?? path.join(dataDir, 'topology'),
    deployDir: path.join(repoRoot, 'deploy'),
    basePort: base,
    ports: {
      postgres: base + 32,
      frontend: base + 233,
      frontendHttp: base + 243,
      history: base + 234,
      matching: base + 235,
      internalFrontend: base + 236,
      internalFrontendHttp: base + 246,
      temporalWorker: base + 239,
      membership: { frontend: base + 133, history: base + 134, matching: base + 135, internalFrontend: base + 136, temporalWorker: base + 139 },
      identity: base + 90,
      api: [base + 81, base + 82],
      workerMetrics: [base + 91, base + 92],
      apiMetrics: [base + 93, base + 94],
    },
  };
}

/** The files `topology init` makes under the layout's folder. */
export function topologyFiles(layout: TopologyLayout) {
  const tls = path.join(layout.dir, 'tls');
  return {
    tls,
    /** The cluster's CA: signs the frontend's and the nodes' certificates; clients trust it for the frontend. */
    caCert: path.join(tls, 'ca.pem'),
    caKey: path.join(tls, 'ca.key'),
    /**
     * The clients' CA: signs the service's and ops' client certificates, which the public frontend accepts.
     * A CA of its own because the internal frontend admits any holder of a cluster certificate as an
     * administrator: a client certificate must never open it.
     */
    clientCaCert: path.join(tls, 'client-ca.pem'),
    clientCaKey: path.join(tls, 'client-ca.key'),
    /** The frontend's server certificate (what the service and ops connect to). */
    frontendCert: path.join(tls, 'frontend.pem'),
    frontendKey: path.join(tls, 'frontend.key'),
    /** The cluster's own nodes (history, matching, internal frontend, worker): server and client at once. */
    internodeCert: path.join(tls, 'internode.pem'),
    internodeKey: path.join(tls, 'internode.key'),
    /** The HRDA service's client certificate. */
    serviceCert: path.join(tls, 'hrda-service.pem'),
    serviceKey: path.join(tls, 'hrda-service.key'),
    /** Ops staff's client certificate (the transport; what they may do comes from their token). */
    opsCert: path.join(tls, 'ops.pem'),
    opsKey: path.join(tls, 'ops.key'),
    signingKey: path.join(layout.dir, 'identity', 'signing-key.json'),
    jwks: path.join(layout.dir, 'identity', 'jwks.json'),
    secrets: path.join(layout.dir, 'secrets.json'),
    postgresData: path.join(layout.dir, 'postgres'),
    postgresPassword: path.join(layout.dir, 'postgres.password'),
    env: path.join(layout.dir, 'topology.env'),
    outbox: path.join(layout.dir, 'outbox'),
    logs: path.join(layout.dir, 'logs'),
  };
}
