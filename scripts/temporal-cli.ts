import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toolsDir } from './paths';
import { run, type Log } from './run';

/**
 * v1.5.1 is the newest tag of temporalio/cli that `go install` accepts:
 * later tags carry a `replace` directive in go.mod, which `go install pkg@version` refuses.
 */
export const temporalCliVersion = 'v1.5.1';
const binDir = path.join(toolsDir, 'bin');
const builtCli = path.join(binDir, 'temporal');

async function works(cli: string): Promise<boolean> {
  try {
    const out = await run(cli, ['--version']);
    return out.includes('temporal version');
  } catch {
    return false;
  }
}

/**
 * Provides the `temporal` CLI (which embeds the dev server): the one named by TEMPORAL_CLI,
 * else the one already built in the tools folder, else builds it with the Go toolchain.
 * The Go module and build caches are reused, so a second machine run is quick.
 */
export async function ensureTemporalCli(opts: { log?: Log } = {}): Promise<string> {
  const log = opts.log ?? (() => {});
  const named = process.env.TEMPORAL_CLI;
  if (named) {
    if (await works(named)) return named;
    throw new Error(`TEMPORAL_CLI=${named} is not a working temporal CLI (\`${named} --version\` failed). Unset it to build one in ${binDir}.`);
  }
  if (existsSync(builtCli) && (await works(builtCli))) return builtCli;

  await mkdir(binDir, { recursive: true });
  log(`Building the Temporal CLI ${temporalCliVersion} with Go into ${binDir} (the first build takes several minutes)…`);
  await run('go', ['install', '-v', `github.com/temporalio/cli/cmd/temporal@${temporalCliVersion}`], {
    env: { ...process.env, GOBIN: binDir },
    log: (line) => log(`  go: ${line}`),
  });
  if (!(await works(builtCli))) throw new Error(`The Temporal CLI was built but ${builtCli} --version does not work.`);
  log(`Temporal CLI ready: ${builtCli}`);
  return builtCli;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTemporalCli({ log: (l) => console.error(l) }).then((p) => console.log(p), (e) => { console.error(e.message); process.exit(1); });
}
