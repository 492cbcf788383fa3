import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toolsDir } from '../local/paths';
import { run, type Log } from './run';

/**
 * The Temporal server for the production-shaped topology (deploy/, docs/deployment.md), built from
 * the Go module proxy. Only `npm run provision:topology` and `hrda topology up` build it: the dev
 * server path (`npm start`, `npm test`) never waits for this build.
 *
 * v1.32.1's go.mod has no `replace` directive, so `go install pkg@version` accepts it; it asks for Go
 * 1.26.8, the Go this machine has (v1.32.2 asks for 1.26.10).
 */
export const temporalServerVersion = 'v1.32.1';
const serverModule = 'go.temporal.io/server';

/** Its own folder (GOBIN), so the `sql` tool's short name does not sit beside the CLI in .tools/bin. */
export const temporalServerBinDir = path.join(toolsDir, 'temporal-server', temporalServerVersion);

export interface TemporalServerTools {
  /** `temporal-server`: one binary for every service (frontend, history, matching, worker). */
  server: string;
  /** `temporal-sql-tool`: creates and upgrades the persistence and visibility schemas. */
  sqlTool: string;
  /** The PostgreSQL v12 schemas of this version (persistence in `temporal/`, visibility in `visibility/`). */
  schemaDir: string;
}

async function works(binary: string, args: string[]): Promise<boolean> {
  try {
    await run(binary, args);
    return true;
  } catch {
    return false;
  }
}

/** The module's source, which `go install` left in the module cache: the schema files are read from there. */
async function moduleDir(): Promise<string> {
  const out = await run('go', ['mod', 'download', '-json', `${serverModule}@${temporalServerVersion}`]);
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download did not name the folder of ${serverModule}@${temporalServerVersion}`);
  return dir;
}

/** Whether the topology's binaries are already built (a quick look, no build): tests are gated on it. */
export function temporalServerProvisioned(): boolean {
  return existsSync(path.join(temporalServerBinDir, 'server')) && existsSync(path.join(temporalServerBinDir, 'sql'));
}

/**
 * Builds `server` and `sql` (cmd/server, cmd/tools/sql) into the tools folder unless they are there
 * and run; idempotent. The Go module and build caches are reused, so a second build is quick.
 */
export async function ensureTemporalServer(opts: { log?: Log } = {}): Promise<TemporalServerTools> {
  const log = opts.log ?? (() => {});
  const server = path.join(temporalServerBinDir, 'server');
  const sqlTool = path.join(temporalServerBinDir, 'sql');
  if (!((await works(server, ['--version'])) && (await works(sqlTool, ['--help'])))) {
    await mkdir(temporalServerBinDir, { recursive: true });
    log(`Building the Temporal server ${temporalServerVersion} and its SQL schema tool with Go into ${temporalServerBinDir} (about 3 minutes on 2 cores with the module cache warm)…`);
    const started = Date.now();
    await run('go', ['install', '-v', `${serverModule}/cmd/server@${temporalServerVersion}`, `${serverModule}/cmd/tools/sql@${temporalServerVersion}`], {
      env: { ...process.env, GOBIN: temporalServerBinDir },
      log: (line) => log(`  go: ${line}`),
    });
    if (!(await works(server, ['--version']))) throw new Error(`The Temporal server was built but ${server} --version does not work.`);
    log(`Temporal server built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const schemaDir = path.join(await moduleDir(), 'schema', 'postgresql', 'v12');
  if (!existsSync(path.join(schemaDir, 'visibility', 'versioned'))) throw new Error(`No PostgreSQL schemas in ${schemaDir}`);
  return { server, sqlTool, schemaDir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTemporalServer({ log: (l) => console.error(l) }).then((t) => console.log(JSON.stringify(t, null, 2)), (e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
