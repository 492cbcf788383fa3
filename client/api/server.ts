import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../../domain/config';
import type { Database } from '../../store/database';
import { dataKeyStoreFor } from '../../worker/codec';
import { CaseClient } from '../cases';
import { AccessLog, installAccessLogging } from './access-log';
import { installAuthentication } from './auth';
import { caseRestrictionsFrom, registerCodecRoutes } from './codec';
import { installProblemHandling } from './error-handler';
import { IdempotencyStore, installIdempotency } from './idempotency';
import { installOpenApi } from './openapi';
import { registerAccessLogRoutes } from './routes/access-log';
import { registerCaseCommandRoutes } from './routes/case-commands';
import { registerCaseRoutes } from './routes/cases';
import { registerDisclosureRoutes } from './routes/disclosures';
import { registerHealthRoutes } from './routes/health';

export interface ApiDeps {
  config: Config;
  /** The service's store (store/database.ts), shared by every API process. */
  db: Database;
  temporal: Client;
  /** Whether a worker for the task queue is running in this process (undefined: not ours to say). */
  workerRunning?: () => boolean;
  /** Folder of the access log when HRDA_ACCESS_LOG_DIR is not set (the service passes the project's .data). */
  defaultAccessLogDir?: string;
  /** Structured logger (pino); none by default. Request data is never logged. */
  logger?: FastifyBaseLogger;
  idempotency?: IdempotencyStore;
  now?: () => Date;
}

/**
 * The HTTP API: routes and validation from the zod schemas in domain/, OpenAPI 3.1 at
 * /openapi.json and docs at /docs, bearer-token roles, problem+json errors, idempotent writes
 * and the access log; and the codec server for the Temporal Web UI at /codec (./codec.ts).
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // No per-request lines: URLs and headers stay out of the logs; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    // A HEAD of a case would be a read that shows nothing yet is logged: GET only.
    exposeHeadRoutes: false,
    // Request IDs go into the access log: unique across restarts, not a per-process counter.
    genReqId: () => randomUUID(),
  });
  // Bodies are JSON: anything else is 415 rather than a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  // Responses go out as the case reports them (JSON); the response schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const accessLog = new AccessLog(deps.config.HRDA_ACCESS_LOG_DIR ?? deps.defaultAccessLogDir ?? path.join(process.cwd(), '.data'));
  const cases = new CaseClient(deps.temporal, deps.config.HRDA_TASK_QUEUE, { dataKeys: dataKeyStoreFor(deps.config) });

  installProblemHandling(app);
  installAuthentication(app, { secret: deps.config.HRDA_JWT_SECRET, ...(deps.now ? { now: deps.now } : {}) });
  installAccessLogging(app, accessLog, deps.now);
  installIdempotency(app, deps.idempotency ?? new IdempotencyStore());
  await installOpenApi(app);

  registerHealthRoutes(app, deps);
  registerCaseRoutes(app, { cases, temporal: deps.temporal, db: deps.db });
  registerCaseCommandRoutes(app, { cases });
  registerDisclosureRoutes(app, { cases, ...(deps.now ? { now: deps.now } : {}) });
  registerAccessLogRoutes(app, { accessLog });
  registerCodecRoutes(app, { config: deps.config, accessLog, restriction: caseRestrictionsFrom(deps.temporal), ...(deps.now ? { now: deps.now } : {}) });

  return app;
}
