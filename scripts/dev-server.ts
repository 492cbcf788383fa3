import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { searchAttributeTypes } from '../domain/search-attributes';
import { dataDir } from '../local/paths';
import { run, type Log } from './run';

export interface DevServerOptions {
  cli: string;
  namespace: string;
  port: number;
  uiPort: number;
  /** SQLite file that makes the server's state survive restarts. */
  dbFile?: string;
  /** Where the Web UI asks to decode payloads (the codec server). */
  codecEndpoint?: string;
  /** The path the Web UI is served under (the API serves it there, same-origin with the codec). */
  uiPublicPath?: string;
  /** No Web UI (tests). */
  headless?: boolean;
  /**
   * How long the namespace keeps closed workflows (HRDA_RETENTION_DAYS). `start-dev` creates its
   * namespaces with 24 hours and has no flag for it, so it is set once the server is up.
   */
  retentionDays?: number;
  log?: Log;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  namespace: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const defaultDbFile = () => path.join(dataDir, 'temporal.sqlite');

/**
 * Starts `temporal server start-dev` on a persistent SQLite file, with the Web UI,
 * the project's namespace and search attributes. `--search-attribute` only registers
 * attributes on a new database, so any missing on an existing file are created after start.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const log = opts.log ?? (() => {});
  const dbFile = opts.dbFile ?? defaultDbFile();
  await mkdir(path.dirname(dbFile), { recursive: true, mode: 0o700 });
  const address = `127.0.0.1:${opts.port}`;
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--db-filename', dbFile,
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...Object.entries(searchAttributeTypes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ...(opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
    ...(opts.uiPublicPath ? ['--ui-public-path', opts.uiPublicPath] : []),
    ...(opts.headless ? ['--headless'] : []),
  ];
  // The SQLite file holds every case's (encrypted) history: umask 077 makes it, its journal and
  // its WAL 0600 whoever else shares the machine. An existing file from before is tightened too.
  const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', opts.cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitForPort(opts.port, 60_000),
      exited.then((code) => {
        throw new Error(`temporal server start-dev exited with ${code} before accepting connections:\n${output}`);
      }),
    ]);
    await Promise.all(['', '-wal', '-shm', '-journal'].map((suffix) => chmod(`${dbFile}${suffix}`, 0o600).catch(() => {})));
    await ensureSearchAttributes(opts.cli, address, opts.namespace, log);
    if (opts.retentionDays !== undefined) await ensureRetention(opts.cli, address, opts.namespace, opts.retentionDays, log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: `http://127.0.0.1:${opts.uiPort}${opts.uiPublicPath ?? ''}/namespaces/${opts.namespace}/workflows`, namespace: opts.namespace, process: child, stop };
}

/** How the CLI reaches a secured cluster: flags (mTLS paths) and environment (an API key, kept off the command line). */
export interface CliConnection {
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export async function ensureSearchAttributes(cli: string, address: string, namespace: string, log: Log = () => {}, connection: CliConnection = { args: [] }): Promise<void> {
  const opts = connection.env ? { env: connection.env } : {};
  const listed = await retry(() => run(cli, ['operator', 'search-attribute', 'list', '--address', address, ...connection.args, '--namespace', namespace, '--output', 'json'], opts));
  const existing = new Set(Object.keys(JSON.parse(listed).customAttributes ?? {}));
  for (const [name, type] of Object.entries(searchAttributeTypes)) {
    if (existing.has(name)) continue;
    log(`Registering search attribute ${name} (${type}) on namespace ${namespace}`);
    // Tried again: a cluster limits these calls per namespace (about one a second after a burst of ten).
    await retry(() => run(cli, ['operator', 'search-attribute', 'create', '--address', address, ...connection.args, '--namespace', namespace, '--name', name, '--type', type], opts));
  }
}

/** Sets the namespace's retention of closed workflows (idempotent: the same value again changes nothing). */
export async function ensureRetention(cli: string, address: string, namespace: string, days: number, log: Log = () => {}): Promise<void> {
  const described = JSON.parse(await retry(() => run(cli, ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace, '--output', 'json']))) as {
    config?: { workflowExecutionRetentionTtl?: string };
  };
  const wanted = days * 86_400;
  if (parseFloat(described.config?.workflowExecutionRetentionTtl ?? '0') === wanted) return;
  log(`Setting the retention of namespace ${namespace} to ${days} day${days === 1 ? '' : 's'} (HRDA_RETENTION_DAYS)`);
  await run(cli, ['operator', 'namespace', 'update', '--address', address, '--namespace', namespace, '--retention', `${days * 24}h`]);
}

export async function retry<T>(fn: () => Promise<T>, attempts = 20, delayMs = 500): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** Whether something accepts connections on the port now. */
export function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await acceptsConnections(port, host))) {
    if (Date.now() > deadline) throw new Error(`Nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port the OS says is free now (for tests that run their own servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
