import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { OutboxMail } from '../../activities/mail.outbox';
import { freePort, startDevServer } from '../../scripts/dev-server';
import { startLocalPostgres } from '../../scripts/postgres';

/**
 * Finding (low): files with personal data were world-readable — outbox messages 0644, the dev
 * server's SQLite 0644, folders 0755. Each store the service writes on local disk is the
 * service's alone: files 0600, folders 0700 (0711 for a folder the PostgreSQL account, `nobody`
 * when we are root, has to pass through).
 */
const mode = async (file: string) => (await stat(file)).mode & 0o777;
const scratch = await mkdtemp(path.join(os.tmpdir(), 'hrda-permissions-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('files holding personal data are private', () => {
  it('outbox messages are 0600 in a 0700 folder', async () => {
    const dir = path.join(scratch, 'outbox');
    const outbox = new OutboxMail(dir);
    await outbox.send({ id: 'n-1', to: ['idva@example.org'], subject: 'Case referred', text: 'Alex Example', html: '<p>Alex Example</p>' });
    expect(await mode(dir)).toBe(0o700);
    const files = await readdir(dir);
    expect(files.some((f) => f.endsWith('.eml'))).toBe(true);
    for (const file of files) expect([file, await mode(path.join(dir, file))]).toEqual([file, 0o600]);
  });

  it("the dev server's SQLite file and its folder are the service's alone", async () => {
    const dir = path.join(scratch, 'dev-server');
    const dbFile = path.join(dir, 'temporal.sqlite');
    const server = await startDevServer({ cli: inject('temporalCli'), namespace: 'hrda-permissions', port: await freePort(), uiPort: await freePort(), dbFile, headless: true });
    try {
      expect(await mode(dir)).toBe(0o700);
      const files = (await readdir(dir)).filter((f) => f.startsWith('temporal.sqlite'));
      expect(files).toContain('temporal.sqlite');
      // SQLite's journal comes and goes between the listing and the stat: a file gone is no file to protect.
      const modes = await Promise.all(files.map(async (file) => [file, await mode(path.join(dir, file)).catch(() => 0o600)] as const));
      for (const [file, m] of modes) expect([file, m]).toEqual([file, 0o600]);
    } finally {
      await server.stop();
    }
  });

  it("PostgreSQL's data folder is 0700, its password file 0600, their parent closed to listing", async () => {
    const parent = path.join(scratch, 'store');
    // mkdtemp made the scratch folder 0700; `nobody` must pass through it as through a project folder.
    await chmod(scratch, 0o711);
    const postgres = await startLocalPostgres({ dataDir: path.join(parent, 'postgres'), passwordFile: path.join(parent, 'postgres.password'), port: await freePort(), ephemeral: true });
    try {
      expect(await mode(path.join(parent, 'postgres'))).toBe(0o700);
      expect(await mode(path.join(parent, 'postgres.password'))).toBe(0o600);
      // Root runs the server as `nobody`, which may traverse the parent but never list or read it.
      expect(await mode(parent)).toBe(process.getuid?.() === 0 ? 0o711 : 0o700);
    } finally {
      await postgres.stop();
    }
  });
});
