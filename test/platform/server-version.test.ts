import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { olderThanMinimum, serverVersionWarning } from '../../client/server-version';
import { startTestDevServer, type TestDevServer } from '../support/servers';

/** The service warns at start-up on a Temporal server older than the one it is known to replay on. */
it('compares server versions with the minimum', () => {
  expect(olderThanMinimum('1.29.1')).toBe(true);
  expect(olderThanMinimum('1.31.9')).toBe(true);
  expect(olderThanMinimum('1.32.0')).toBe(false);
  expect(olderThanMinimum('v1.33.2')).toBe(false);
  expect(olderThanMinimum('2.0.0')).toBe(false);
  expect(olderThanMinimum('')).toBeUndefined();
});

let server: TestDevServer;
beforeAll(async () => {
  server = await startTestDevServer();
});
afterAll(() => server?.cleanup());

it('says nothing on the dev server the project provisions, and names the version on an older one', async () => {
  const connection = await Connection.connect({ address: server.address });
  try {
    expect(await serverVersionWarning(connection)).toBeUndefined();
    const older = { workflowService: { getSystemInfo: async () => ({ serverVersion: '1.29.1' }) } } as unknown as Connection;
    expect(await serverVersionWarning(older)).toMatch(/^The Temporal server is 1\.29\.1, older than 1\.32\.0/);
  } finally {
    await connection.close();
  }
});
