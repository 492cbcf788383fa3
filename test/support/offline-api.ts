import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { buildApi } from '../../client/api/server';
import { parseConfig } from '../../domain/config';
import { createTestDatabase, type TestDatabase } from './database';
import { testIdentityEnv } from './identity';

/**
 * The HTTP API on a real store but with a Temporal that fails every call, as an unreachable
 * cluster would: for what must hold before anything reaches Temporal (validation, problem
 * details, authentication). A request that gets as far as Temporal answers 500 here, which is
 * how the security tests tell "refused at the door" from "let through".
 */
export interface OfflineApi {
  app: FastifyInstance;
  stop(): Promise<void>;
}

const failing = (): never => {
  throw new Error('Temporal call failed while handling Alex Example (a message that must not leave the service)');
};
export const unreachableTemporal = {
  options: { namespace: 'hrda-test' },
  workflow: { executeUpdateWithStart: failing, getHandle: () => ({ query: failing, executeUpdate: failing, describe: failing }) },
  workflowService: { listWorkflowExecutions: failing },
  connection: { workflowService: { getSystemInfo: async () => failing() } },
} as unknown as Client;

export async function startOfflineApi(opts: { env?: Record<string, string>; logger?: FastifyBaseLogger } = {}): Promise<OfflineApi> {
  let database: TestDatabase | undefined;
  try {
    database = await createTestDatabase();
    const config = parseConfig({ ...testIdentityEnv, HRDA_RATE_LIMIT_PER_MINUTE: '1000000', ...opts.env });
    const app = await buildApi({ config, db: database.db, temporal: unreachableTemporal, ...(opts.logger ? { logger: opts.logger } : {}) });
    await app.ready();
    const db = database;
    return {
      app,
      async stop() {
        await app.close();
        await db.drop();
      },
    };
  } catch (err) {
    await database?.drop();
    throw err;
  }
}
