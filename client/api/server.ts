import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../../domain/config';
import type { Database } from '../../store/database';
import { CaseEntries } from '../../store/entries/case-entries';
import { dataKeyStoreFor, EncryptionCodec, KeyRing } from '../../worker/codec';
import { ArchivedCases } from '../archive/archived-cases';
import { CaseClient } from '../cases';
import { AccessLog, installAccessLogging, installSecurityEventLogging } from './access-log';
import { installAuthentication } from './auth';
import { createTokenVerifier, identitySettingsFrom, type TokenVerifier } from './identity';
import { CaseRestrictions, caseRestrictionsFrom } from './case-restrictions';
import { registerCodecRoutes } from './codec';
import { installRouteCatalogue } from './route-catalogue';
import { frameworkErrors, installProblemHandling } from './error-handler';
import { installHardening } from './hardening';
import { installJsonBodies, maxBodyBytes } from './json-body';
import { IdempotencyStore, installIdempotency } from './idempotency';
import { installOpenApi } from './openapi';
import { registerAccessLogRoutes } from './routes/access-log';
import { registerCaseCommandRoutes } from './routes/case-commands';
import { registerCaseRoutes } from './routes/cases';
import { registerDisclosureRoutes } from './routes/disclosures';
import { registerHealthRoutes } from './routes/health';
import { registerSandboxRoutes } from './routes/sandbox';
import type { SandboxClock } from '../sandbox/clock';
import { registerLegalHoldRoutes } from './routes/legal-holds';
import { LegalHolds } from '../../store/holds/legal-holds';
import { installWebUiProxy } from './web-ui';
import type { ApiMetrics } from '../metrics/api-metrics';
import { installHttpMetrics } from '../metrics/http';
import type { Tracer } from '@opentelemetry/api';
import { installHttpSpans } from '../tracing/http-spans';

export interface ApiDeps {
  config: Config;
  /** The service's store (store/database.ts), shared by every API process. */
  db: Database;
  temporal: Client;
  /** Whether a worker for the task queue is running in this process (undefined: not ours to say). */
  workerRunning?: () => boolean;
  /** Structured logger (pino); none by default. Request data is never logged. */
  logger?: FastifyBaseLogger;
  idempotency?: IdempotencyStore;
  /** Whether /health reports the archive's backlog (store/archive); on by default. */
  archiveStatus?: boolean;
  /** Accepts the identity provider's tokens; built from the HRDA_OIDC_* configuration when not given. */
  verifier?: TokenVerifier;
  /**
   * The wall clock that tokens, codec sessions and the access log are checked and stamped against
   * (real time even in the sandbox: the identity provider's tokens are).
   */
  now?: () => Date;
  /**
   * Sandbox mode (`hrda start --development --sandbox`): the time-skipping test server's clock, which
   * the case's own "now" follows (a referral's receivedAt, a disclosure's date); adds /sandbox/clock,
   * and says on every response and in /health that the clock is simulated (./routes/sandbox.ts).
   */
  sandbox?: { clock: SandboxClock };
  /** Development mode: the dev server's Web UI to serve under /ui, same-origin with the codec (./web-ui.ts). */
  webUiUpstream?: string;
  /** Counts every answer into these metrics (client/metrics), which a listener of their own serves; none by default. */
  metrics?: ApiMetrics;
  /** A span for each request, active while it is handled (client/tracing); none by default. */
  tracer?: Tracer;
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
    // A HEAD of a case would be a read that shows nothing yet is logged: GET only.
    exposeHeadRoutes: false,
    // Request IDs go into the access log: unique across restarts, not a per-process counter.
    genReqId: () => randomUUID(),
    bodyLimit: maxBodyBytes,
    trustProxy: trustProxyOption(deps.config.HRDA_TRUST_PROXY),
    // Identifiers are at most 128 characters (a case ID): anything longer is answered 414 by the router.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 128 },
    frameworkErrors,
  });
  // First, so that every route, a plugin's too, is in the catalogue with its declared access.
  installRouteCatalogue(app);
  // Before any plugin scope: its hook then sees every answer, a plugin's too.
  if (deps.metrics) installHttpMetrics(app, deps.metrics);
  if (deps.tracer) installHttpSpans(app, deps.tracer);
  // Bodies are JSON: anything else is 415 rather than a string that fails validation.
  app.removeContentTypeParser('text/plain');
  installJsonBodies(app);
  app.setValidatorCompiler(validatorCompiler);
  // Responses go out as the case reports them (JSON); the response schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const accessLog = new AccessLog(deps.db);
  const keyRing = KeyRing.fromConfig(deps.config);
  const dataKeys = dataKeyStoreFor(deps.db, deps.config, keyRing);
  // A case whose workflows Temporal no longer has (retention) is read back from the archive.
  const archive = new ArchivedCases(deps.db, deps.temporal.options.loadedDataConverter);
  // Reasons for legal holds are sealed under the case's key, as idempotent responses are.
  const codec = new EncryptionCodec(keyRing, dataKeys);
  const holds = new LegalHolds(deps.db, codec);
  const restrictions = new CaseRestrictions(deps.db);
  const cases = new CaseClient(deps.temporal, deps.config.HRDA_TASK_QUEUE, {
    dataKeys, archive, holds, entries: new CaseEntries(deps.db), restrictions, confirmWithinMs: deps.config.HRDA_SUBMIT_CONFIRM_SECONDS * 1000,
  });

  installProblemHandling(app);
  await installHardening(app, { requestsPerMinute: deps.config.HRDA_RATE_LIMIT_PER_MINUTE });
  // The codec server's session cookie (./codec.ts) is read and written by @fastify/cookie.
  await app.register(fastifyCookie);
  const verifier = deps.verifier ?? createTokenVerifier(identitySettingsFrom(deps.config));
  installAuthentication(app, { verifier, ...(deps.now ? { now: deps.now } : {}) });
  installAccessLogging(app, accessLog, deps.now);
  installSecurityEventLogging(app, accessLog, deps.now);
  const idempotency = deps.idempotency ?? new IdempotencyStore(deps.db, codec);
  installIdempotency(app, idempotency);
  // Records past their 24 hours are ignored when met; the sweep only keeps the table small.
  const sweep = setInterval(() => void idempotency.sweep().catch(() => {}), 60 * 60 * 1000).unref();
  app.addHook('onClose', async () => clearInterval(sweep));
  await installOpenApi(app);
  // Before the other routes: its hooks read the clock for every request and stamp every response.
  if (deps.sandbox) registerSandboxRoutes(app, { clock: deps.sandbox.clock });
  // The cases' "now": the simulated clock in the sandbox, else the wall clock.
  const caseNow = deps.sandbox ? () => deps.sandbox!.clock.now() : deps.now;

  if (deps.webUiUpstream) await installWebUiProxy(app, deps.webUiUpstream);
  registerHealthRoutes(app, { ...deps, archive: deps.archiveStatus ?? !deps.sandbox, ...(deps.sandbox ? { clock: deps.sandbox.clock } : {}) });
  registerCaseRoutes(app, { cases, temporal: deps.temporal, restrictions, caseIdSecret: deps.config.HRDA_SUBJECT_KEY, db: deps.db, ...(caseNow ? { now: caseNow } : {}) });
  registerCaseCommandRoutes(app, { cases, restrictions });
  registerDisclosureRoutes(app, { cases, ...(caseNow ? { now: caseNow } : {}) });
  registerLegalHoldRoutes(app, { cases, holds, temporal: deps.temporal, subjectSecret: deps.config.HRDA_SUBJECT_KEY, ...(caseNow ? { now: caseNow } : {}) });
  registerAccessLogRoutes(app, { accessLog });
  registerCodecRoutes(app, { config: deps.config, db: deps.db, verifier, dataKeys, accessLog, restriction: caseRestrictionsFrom(deps.temporal, restrictions, archive), ...(deps.now ? { now: deps.now } : {}) });

  return app;
}

/** A hop count trusts that many proxies nearest the server (proxy-addr's meaning, which Fastify's types only take as a function). */
function trustProxyOption(setting: Config['HRDA_TRUST_PROXY']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
