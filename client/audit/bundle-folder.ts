import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A file of a bundle as its manifest lists it. */
export interface BundleFile {
  name: string;
  description: string;
  sha256: string;
  bytes: number;
}

/**
 * A folder of files that hold personal data (the audit bundle, the DHR pack): the folder is its
 * owner's only (0700), each file 0600, and `manifest.json` closes it with each file's SHA-256.
 */
export async function openBundleFolder(dir: string) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: BundleFile[] = [];
  return {
    async write(name: string, text: string, description: string): Promise<void> {
      await writeFile(path.join(dir, name), text, { mode: 0o600 });
      files.push({ name, description, sha256: createHash('sha256').update(text).digest('hex'), bytes: Buffer.byteLength(text) });
    },
    /** Writes the manifest (the given facts and the files) and answers every file's name, the manifest's last. */
    async close(facts: Record<string, unknown>): Promise<string[]> {
      await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ ...facts, files }, null, 2) + '\n', { mode: 0o600 });
      return [...files.map((f) => f.name), 'manifest.json'];
    },
  };
}
