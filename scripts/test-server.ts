import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, waitForPort } from './dev-server';
import { toolsDir } from '../local/paths';
import { isProcessRunning } from '../local/process';
import { run, type Log } from './run';

/** Newest release on Maven Central when this was written (`mvn dependency:get` resolves it). */
export const testServerVersion = '1.38.0';
/** The test server logs through SLF4J 1.7 and ships no binding: this one prints its warnings to stderr. */
const slf4jVersion = '1.7.36';
const dependencyPlugin = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
/** The stock main plus a start time for the clock (scripts/HrdaTestServer.java), compiled at provisioning. */
const mainClass = 'HrdaTestServer';
const starterSource = fileURLToPath(new URL('./HrdaTestServer.java', import.meta.url));
/** Bumped whenever the generated launcher changes, so that existing builds are redone. */
const launcherRevision = 3;

/**
 * Start-up flags chosen by the measurements in docs/test-server.md: C1 only and the serial GC keep
 * even a start without the archive within the SDK's limit under load, no perf-data file is left in
 * /tmp when the SDK SIGKILLs the server, and `-Xshare:auto` makes an unusable archive a silent fallback.
 */
const jvmFlags = [
  '-Xshare:auto',
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
];

const serverDir = path.join(toolsDir, 'test-server');
const libDir = path.join(serverDir, 'lib');
const classesDir = path.join(serverDir, 'classes');
const starterJar = path.join(serverDir, 'hrda-test-server.jar');
const archivePath = path.join(serverDir, 'app-cds.jsa');
const launcherPath = path.join(serverDir, 'temporal-test-server');
const stampPath = path.join(serverDir, 'stamp.json');
const lockDir = path.join(toolsDir, 'test-server.lock');

interface Stamp {
  /** The launcher and the archive name their files by absolute path: a moved tools folder is rebuilt. */
  dir: string;
  launcherRevision: number;
  /** Hash of scripts/HrdaTestServer.java: a change to it rebuilds. */
  starter: string;
  version: string;
  java: string;
  flags: string[];
  jars: string[];
  archiveBytes: number;
}
/** What the stamp must say for the build to be reused; the rest it records about the build. */
type Wanted = Omit<Stamp, 'jars' | 'archiveBytes'>;

/**
 * Provides a launcher for the Temporal Java time-skipping test server, for
 * `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`:
 * the one named by TEMPORAL_TEST_SERVER, else the one already built in the tools folder, else builds it:
 * the jars with Maven (reusing ~/.m2), an AppCDS archive that cuts the JVM's start-up, and the launcher script.
 */
export async function ensureTestServer(opts: { log?: Log } = {}): Promise<string> {
  const log = opts.log ?? (() => {});
  const named = process.env.TEMPORAL_TEST_SERVER;
  if (named) {
    if (await isExecutable(named)) return path.resolve(named);
    throw new Error(`TEMPORAL_TEST_SERVER=${named} is not an executable file. Unset it to build the launcher in ${serverDir}.`);
  }
  const java = await findJava();
  const wanted: Wanted = {
    dir: serverDir,
    launcherRevision,
    version: testServerVersion,
    java: await javaFingerprint(java),
    flags: jvmFlags,
    starter: createHash('sha256').update(await readFile(starterSource)).digest('hex'),
  };
  if (await isProvisioned(wanted)) return launcherPath;

  return withLock(log, async () => {
    // Another process may have finished provisioning while this one waited for the lock.
    if (await isProvisioned(wanted)) return launcherPath;
    await provision(java, wanted, log);
    return launcherPath;
  });
}

async function provision(java: string, wanted: Wanted, log: Log): Promise<void> {
  const started = Date.now();
  log(`Provisioning the Temporal test server ${testServerVersion} in ${serverDir}`);
  await rm(stampPath, { force: true });
  await Promise.all([launcherPath, archivePath, libDir].map((p) => rm(p, { recursive: true, force: true })));
  await mkdir(serverDir, { recursive: true });

  const jars = await fetchJars(log);
  await compileStarter(java, jars, log);
  const archiveBytes = await createArchive(java, jars, log);
  await writeLauncher(java, jars, archiveBytes);
  const startMs = await checkLauncher();
  log(`Launcher accepted connections ${startMs} ms after start (the SDK allows about 5 s)`);

  const stamp: Stamp = { ...wanted, jars, archiveBytes };
  await writeFile(`${stampPath}.tmp`, `${JSON.stringify(stamp, null, 2)}\n`);
  await rename(`${stampPath}.tmp`, stampPath);
  log(`Temporal test server ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${launcherPath}`);
}

async function isProvisioned(wanted: Wanted): Promise<boolean> {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(await readFile(stampPath, 'utf8')) as Stamp;
  } catch {
    return false;
  }
  const { jars: _jars, archiveBytes: _bytes, ...recorded } = stamp;
  if (JSON.stringify(recorded) !== JSON.stringify(wanted)) return false;
  if (!(await isExecutable(launcherPath)) || (await fileSize(archivePath)) !== stamp.archiveBytes) return false;
  const present = await Promise.all([...stamp.jars.map((jar) => path.join(libDir, jar)), starterJar].map((file) => fileSize(file)));
  return stamp.jars.length > 0 && present.every((size) => size !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Maven

function pom(): string {
  const dependency = (groupId: string, artifactId: string, version: string) =>
    `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/test-server.ts: only used to fetch the test server's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.hrda</groupId>
  <artifactId>temporal-test-server-launcher</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependency('io.temporal', 'temporal-test-server', testServerVersion)}
${dependency('org.slf4j', 'slf4j-simple', slf4jVersion)}
  </dependencies>
</project>
`;
}

async function fetchJars(log: Log): Promise<string[]> {
  await writeFile(path.join(serverDir, 'pom.xml'), pom());
  log('Fetching the jars with Maven (the first time about 60 MB into ~/.m2, half a minute; then seconds)…');
  const heartbeat = setInterval(() => log('  …Maven still resolving'), 15_000);
  try {
    // The plugin is named in full so that Maven needs no metadata lookup and works offline from ~/.m2.
    await run('mvn', ['-B', '-q', '-Dstyle.color=never', `${dependencyPlugin}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${libDir}`], {
      cwd: serverDir,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('Maven (`mvn`) is needed to fetch the Temporal test server; install it (e.g. apt-get install maven).');
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
  const jars = (await readdir(libDir)).filter((f) => f.endsWith('.jar')).sort();
  if (!jars.includes(`temporal-test-server-${testServerVersion}.jar`)) throw new Error(`Maven did not deliver temporal-test-server-${testServerVersion}.jar into ${libDir}`);
  log(`  ${jars.length} jars in ${libDir}`);
  return jars;
}

// ---------------------------------------------------------------------------------------------
// Java, the AppCDS archive and the launcher

async function findJava(): Promise<string> {
  const candidates = [
    ...(process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'java')),
  ];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return realpath(candidate);
  }
  throw new Error('A Java runtime (17 or newer) is needed for the Temporal test server: set JAVA_HOME or put `java` on PATH.');
}

/** Identifies the exact JVM build, which the archive is only valid for, without starting a JVM. */
async function javaFingerprint(java: string): Promise<string> {
  const libjvm = path.join(path.dirname(path.dirname(java)), 'lib', 'server', 'libjvm.so');
  const info = (await stat(libjvm).catch(() => undefined)) ?? (await stat(java));
  return `${java} ${info.size} ${Math.round(info.mtimeMs)}`;
}

async function compileStarter(java: string, jars: string[], log: Log): Promise<void> {
  const javac = path.join(path.dirname(java), 'javac');
  if (!(await isExecutable(javac))) throw new Error(`A JDK is needed to compile ${starterSource}: no javac beside ${java} (set JAVA_HOME to a JDK).`);
  log('Compiling the launcher main (HrdaTestServer: the stock server with a settable start time)…');
  await rm(classesDir, { recursive: true, force: true });
  await run(javac, ['-d', classesDir, '-cp', jars.map((jar) => path.join(libDir, jar)).join(path.delimiter), starterSource]);
  // AppCDS accepts only jars on the class path, not directories.
  await rm(starterJar, { force: true });
  await run(path.join(path.dirname(java), 'jar'), ['cf', starterJar, '-C', classesDir, '.']);
  await rm(classesDir, { recursive: true, force: true });
}

function jvmOptions(jars: string[], extra: string[] = []): string[] {
  // The compiled main goes last, so the archive's class path is the same at dump and at run time.
  const classpath = [...jars.map((jar) => path.join(libDir, jar)), starterJar].join(path.delimiter);
  return [...jvmFlags, ...extra, '-cp', classpath];
}

/**
 * Records the classes the server loads up to its first answers into a dynamic AppCDS archive.
 * The JVM writes it only when it exits, so the server is stopped with SIGTERM and awaited.
 * Written under a temporary name, checked with -Xshare:on (which fails rather than falling back),
 * then renamed: a truncated archive crashes the JVM instead of being ignored.
 */
async function createArchive(java: string, jars: string[], log: Log): Promise<number> {
  log('Recording an AppCDS archive of the server start-up…');
  const pending = `${archivePath}.tmp`;
  await rm(pending, { force: true });
  const port = await freePort();
  const server = startProcess(java, [...jvmOptions(jars, [`-XX:ArchiveClassesAtExit=${pending}`]), mainClass, String(port)]);
  try {
    await acceptingConnections(server, port);
    await exerciseServer(port);
  } finally {
    await server.stop('SIGTERM', 60_000);
  }
  const bytes = await fileSize(pending);
  if (!bytes) throw new Error(`The JVM wrote no AppCDS archive at ${pending}:\n${server.output()}`);
  await run(java, [...jvmOptions(jars, [`-XX:SharedArchiveFile=${pending}`, '-Xshare:on']), '-version']).catch((err: Error) => {
    throw new Error(`The AppCDS archive ${pending} does not load: ${err.message}`);
  });
  await rename(pending, archivePath);
  log(`  ${(bytes / 1e6).toFixed(1)} MB archive at ${archivePath}`);
  return bytes;
}

/** The call the SDK's readiness check makes, so that the classes answering it land in the archive too. */
async function exerciseServer(port: number): Promise<void> {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

async function writeLauncher(java: string, jars: string[], archiveBytes: number): Promise<void> {
  const options = jvmOptions(jars).map(shQuote).join(' ');
  const script = `#!/bin/sh
# Generated by scripts/test-server.ts: the Temporal Java test server ${testServerVersion}.
# Usage: temporal-test-server <port> [--enable-time-skipping]
# HRDA_TEST_SERVER_START_TIME=<ISO instant> starts the server's clock there (see scripts/HrdaTestServer.java).
archive=${shQuote(archivePath)}
# A truncated archive crashes the JVM instead of being ignored: use it only at the size it was written.
cds=
if [ -f "$archive" ] && [ "$(wc -c < "$archive")" -eq ${archiveBytes} ]; then cds="-XX:SharedArchiveFile=$archive"; fi
# The SDK kills the server only from a live test process; one that exits without tearing down (a failed
# or timed-out test) would leave the JVM running, so a watchdog ends it once this script's parent is gone.
# The JVM keeps this shell's pid (exec), and its start time tells it apart from a later owner of the pid.
if [ -r /proc/$$/stat ]; then
  jvm=$$ parent=$PPID started=$(cut -d' ' -f22 /proc/$$/stat)
  (
    while sleep 1; do
      [ "$(cut -d' ' -f22 /proc/$jvm/stat 2>/dev/null)" = "$started" ] || exit 0
      kill -0 "$parent" 2>/dev/null || exec kill -KILL "$jvm"
    done
  ) </dev/null >/dev/null 2>&1 &
fi
# exec: the SDK stops the server by killing this process, which must therefore be the JVM itself.
exec ${shQuote(java)} \${cds:+"$cds"} ${options} ${mainClass} "$@"
`;
  await writeFile(launcherPath, script);
  await chmod(launcherPath, 0o755);
}

/** Starts the launcher as the SDK does and returns how long it took to accept connections. */
async function checkLauncher(): Promise<number> {
  const port = await freePort();
  const started = Date.now();
  const server = startProcess(launcherPath, [String(port)]);
  try {
    await acceptingConnections(server, port);
    return Date.now() - started;
  } finally {
    await server.stop('SIGKILL', 10_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

interface StartedProcess {
  exited: Promise<void>;
  output(): string;
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void>;
}

function startProcess(command: string, args: string[]): StartedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', capture);
  child.stderr.on('data', capture);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      output += String(err);
      resolve();
    });
  });
  const stop = async (signal: NodeJS.Signals, timeoutMs: number) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
  return { exited, output: () => output, stop };
}

/** Generous: this is about whether the server starts at all, not how fast. */
async function acceptingConnections(server: StartedProcess, port: number): Promise<void> {
  const exitedFirst = server.exited.then(() => Promise.reject(new Error(`The test server exited before accepting connections:\n${server.output()}`)));
  await Promise.race([waitForPort(port, 60_000), exitedFirst]);
}

/** One provisioning at a time per tools folder (parallel test runs, or `npm run provision` beside a test run). */
async function withLock<T>(log: Log, fn: () => Promise<T>): Promise<T> {
  await mkdir(toolsDir, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(await readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => ''));
    const lockAgeMs = Date.now() - ((await stat(lockDir).catch(() => undefined))?.mtimeMs ?? Date.now());
    // A holder that died before writing its pid leaves the lock without one.
    if (holder ? !isProcessRunning(holder) : lockAgeMs > 60_000) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockDir}; remove it if no provisioning is running.`);
    if (!announced) log(`Waiting for another process${holder ? ` (pid ${holder})` : ''} that is provisioning the test server…`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  try {
    await writeFile(path.join(lockDir, 'pid'), String(process.pid));
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}


async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function fileSize(file: string): Promise<number | undefined> {
  return stat(file).then((s) => s.size, () => undefined);
}

function shQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureTestServer({ log: (line) => console.error(line) }).then(
    (launcher) => console.log(launcher),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
