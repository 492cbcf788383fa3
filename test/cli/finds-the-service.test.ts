import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { withTemporal } from '../../client/cli/context';
import { CliError, type CliIo } from '../../client/cli/output';
import { readServiceState, serviceStateFile, withServiceState, writeServiceState, type ServiceState } from '../../client/service-state';
import { freePort } from '../../scripts/dev-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runCli } from './support/run-cli';

/**
 * Issue 18 item 4: `hrda start` records where it listens in .data/service.json, and the CLI uses
 * that when TEMPORAL_ADDRESS is unset; an unreachable server is reported within 3 s naming the
 * variables to set; an agenda for a day without a meeting says so, with no stack trace.
 */
let dir: string;
let database: TestDatabase;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hrda-finds-service-'));
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const state = (over: Partial<ServiceState> = {}): ServiceState => ({
  pid: process.pid,
  startedAt: '2026-11-23T08:00:00.000Z',
  temporal: { address: '127.0.0.1:17233', namespace: 'hrda-elsewhere', embedded: true },
  postgresPort: 17432,
  apiUrl: 'http://127.0.0.1:18080',
  ...over,
});

/** The id of a process that has ended. */
const endedPid = () => new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['-e', '']);
  child.on('exit', () => resolve(child.pid!));
});

/** The CLI's environment with no Temporal address, data folder or store of the machine's own. */
const cliEnv = (extra: Record<string, string>) => {
  const env: NodeJS.ProcessEnv = { ...process.env, HRDA_DATABASE_URL: database.url, ...extra };
  for (const name of ['TEMPORAL_ADDRESS', 'HRDA_DEV_SERVER_PORT', 'TEMPORAL_NAMESPACE']) if (!(name in extra)) delete env[name];
  return env;
};

describe('the service state file', () => {
  it('is written 0600 and fills in the addresses while TEMPORAL_ADDRESS is unset', async () => {
    const folder = path.join(dir, 'state-0600');
    writeServiceState(state(), folder);
    expect((await stat(serviceStateFile(folder))).mode & 0o777).toBe(0o600);
    expect(readServiceState(folder)).toEqual(state());

    const filled = withServiceState({ HRDA_DATA_DIR: folder }).env;
    expect(filled).toMatchObject({ HRDA_DEV_SERVER_PORT: '17233', TEMPORAL_NAMESPACE: 'hrda-elsewhere', HRDA_POSTGRES_PORT: '17432' });
    expect(filled.TEMPORAL_ADDRESS).toBeUndefined();
    // What the person set wins; TEMPORAL_ADDRESS set means the file is not read at all.
    expect(withServiceState({ HRDA_DATA_DIR: folder, HRDA_DEV_SERVER_PORT: '7300' }).env.HRDA_DEV_SERVER_PORT).toBe('7300');
    expect(withServiceState({ HRDA_DATA_DIR: folder, TEMPORAL_ADDRESS: 'temporal.example:7233' }).env).toEqual({ HRDA_DATA_DIR: folder, TEMPORAL_ADDRESS: 'temporal.example:7233' });
    // A service on a cluster: its address, as TEMPORAL_ADDRESS; a store named by URL keeps it.
    writeServiceState(state({ temporal: { address: 'temporal.example:7233', namespace: 'hrda', embedded: false } }), folder);
    expect(withServiceState({ HRDA_DATA_DIR: folder, HRDA_DATABASE_URL: 'postgres://x@db/hrda' }).env).toMatchObject({ TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'hrda' });
    expect(withServiceState({ HRDA_DATA_DIR: folder, HRDA_DATABASE_URL: 'postgres://x@db/hrda' }).env.HRDA_POSTGRES_PORT).toBeUndefined();
  });

  it('is ignored when the service that wrote it has gone', async () => {
    const folder = path.join(dir, 'state-stale');
    writeServiceState(state({ pid: await endedPid() }), folder);
    expect(readServiceState(folder)).toBeUndefined();
    expect(withServiceState({ HRDA_DATA_DIR: folder }).env).toEqual({ HRDA_DATA_DIR: folder });
  });
});

describe('an unreachable Temporal server', () => {
  it('is reported within 3 s, naming TEMPORAL_ADDRESS and HRDA_DEV_SERVER_PORT', async () => {
    const port = await freePort();
    const io: CliIo = { out: () => {}, err: () => {} };
    const started = Date.now();
    const failure = await withTemporal(io, async () => 0, cliEnv({ HRDA_DATA_DIR: path.join(dir, 'none'), HRDA_DEV_SERVER_PORT: String(port) })).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(failure).toBeInstanceOf(CliError);
    const message = (failure as CliError).message;
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('TEMPORAL_ADDRESS');
    expect(message).toContain('HRDA_DEV_SERVER_PORT');
  });

  it('ends the CLI with the message and no stack trace', async () => {
    const run = await runCli(['meeting', 'agenda', '2026-11-26'], cliEnv({ HRDA_DATA_DIR: path.join(dir, 'none'), HRDA_DEV_SERVER_PORT: String(await freePort()) }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot reach the Temporal server');
    expect(run.stderr).toContain('HRDA_DEV_SERVER_PORT');
    expect(run.stderr).not.toMatch(/Unexpected error|\n\s+at /);
    expect(run.stdout.length).toBe(0);
  });
});

describe('the CLI against a service on other ports, found through its state file', () => {
  let env: TestWorkflowEnvironment;
  let folder: string;
  beforeAll(async () => {
    const port = await freePort();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: inject('testServer') }, port } });
    folder = path.join(dir, 'state-live');
    writeServiceState(state({ temporal: { address: `127.0.0.1:${port}`, namespace: 'default', embedded: true } }), folder);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('says there is no meeting on a meeting day nothing is listed for, and on a day none sits', async () => {
    const thursday = await runCli(['meeting', 'agenda', '2026-11-26'], cliEnv({ HRDA_DATA_DIR: folder }));
    expect(thursday.stderr).not.toMatch(/Unexpected error|MeetingNotFoundError|Cannot reach|\n\s+at /);
    expect(thursday.stderr).toContain('No daily HRDA meeting of dorset-hrda on 2026-11-26 yet: no case is listed for it');
    expect(thursday.code).toBe(1);

    const saturday = await runCli(['meeting', 'agenda', '2026-11-28'], cliEnv({ HRDA_DATA_DIR: folder }));
    expect(saturday.stderr).toContain('There is no daily HRDA meeting of dorset-hrda on 2026-11-28: it does not sit that day');
    expect(saturday.stderr).not.toMatch(/\n\s+at /);
  });
});
