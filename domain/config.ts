import { z } from 'zod';

/** Known to everyone who reads this file: tokens signed with it prove nothing outside development. */
export const developmentJwtSecret = 'development-only-jwt-secret-do-not-use-in-production';

/**
 * The service's configuration, read from the environment by worker/ and client/.
 * With nothing set, the service runs on its embedded default: a local Temporal dev
 * server started by `hrda start`, on loopback.
 */
const port = z.coerce.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port, e.g. temporal.example.org:7233');

export const configSchema = z
  .object({
    /** A Temporal frontend to use. When unset, `hrda start` runs the embedded dev server. */
    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('hrda'),
    HRDA_TASK_QUEUE: z.string().min(1).default('hrda'),
    /** mTLS client certificate and key (PEM file paths), for self-hosted clusters and Temporal Cloud. */
    TEMPORAL_TLS_CERT: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY: z.string().min(1).optional(),
    /** A CA bundle (PEM file path) when the server's certificate is not publicly trusted. */
    TEMPORAL_TLS_CA: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    /** Temporal Cloud API key; implies TLS. */
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    /** Ports of the embedded dev server (frontend and Web UI). */
    HRDA_DEV_SERVER_PORT: port.default(7233),
    HRDA_DEV_UI_PORT: port.default(8233),
    HRDA_API_HOST: z.string().min(1).default('127.0.0.1'),
    HRDA_API_PORT: port.default(8080),
    /**
     * Secret for the keyed hash that identifies a subject (victim) across referrals.
     * The default is for the embedded development service only.
     */
    HRDA_SUBJECT_KEY: z.string().min(16, 'at least 16 characters').default('development-only-subject-key'),
    /** Where the outbox mail adapter writes messages (the embedded default for secure mail). */
    HRDA_OUTBOX_DIR: z.string().min(1).optional(),
    /** SMTP relay for secure mail; when unset, messages go to the outbox folder. */
    HRDA_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://user:pass@host:port').optional(),
    HRDA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * HMAC-SHA256 key that signs and verifies the API's bearer tokens (JWT, HS256).
     * The default is for the embedded development service only: `hrda start` prints tokens signed with it.
     */
    HRDA_JWT_SECRET: z.string().min(32, 'at least 32 characters').default(developmentJwtSecret),
    /** Folder of the consultation and disclosure log (access-log.jsonl); the project's .data folder by default. */
    HRDA_ACCESS_LOG_DIR: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (Boolean(c.TEMPORAL_TLS_CERT) !== Boolean(c.TEMPORAL_TLS_KEY)) {
      const missing = c.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY are set together (mTLS needs both)' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; every variable at fault is named in the error. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), message: i.message })));
}

/** Whether the service should start and own a local dev server. */
export const usesEmbeddedServer = (c: Config): boolean => c.TEMPORAL_ADDRESS === undefined;

export const temporalAddress = (c: Config): string => c.TEMPORAL_ADDRESS ?? `127.0.0.1:${c.HRDA_DEV_SERVER_PORT}`;

/** Whether the API verifies tokens with the published development secret (then `hrda start` prints tokens). */
export const usesDevelopmentJwtSecret = (c: Config): boolean => c.HRDA_JWT_SECRET === developmentJwtSecret;
