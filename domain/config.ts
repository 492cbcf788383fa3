import { z } from 'zod';
import { apiRoleSchema } from './auth';

/**
 * The embedded default's payload key ring. Published in this file, so it protects nothing: it lets
 * the development service run with encryption on, and is never for real data (docs/data-protection.md).
 */
/** Published too: it links a victim's referrals in the embedded development service only. */
export const developmentSubjectKey = 'development-only-subject-key';

export const developmentEncryptionKeys = 'dev-2026-01:Z8z/z/lp09lcUaAYqH9avYDhTF/PlGlhP7zgoKal8FE=';

/**
 * The service's configuration, read from the environment by worker/ and client/.
 * With nothing set, the service runs on its embedded default: a local Temporal dev
 * server started by `hrda start`, on loopback.
 */
const port = z.coerce.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port, e.g. temporal.example.org:7233');

/** Whether a URL names this machine (127.0.0.0/8, ::1, localhost): plain HTTP there never leaves it. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/** A claim name, or a dotted path into nested claims (`realm_access.roles`). */
const claimPath = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a claim name, dotted for a nested claim (e.g. realm_access.roles)');

/** JSON given in a variable, parsed; a message names what is wrong without echoing the value. */
const jsonText = z.string().transform((raw, ctx) => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
});

/** Public signing keys (RFC 7517): each an object with a kty; private members are refused, so a private key is never configured by mistake. */
const jwksSchema = jsonText.pipe(
  z.object({
    keys: z
      .array(z.looseObject({ kty: z.string(), kid: z.string().optional() }).refine((k) => !('d' in k), 'holds a private key (the "d" member): give the public key only'))
      .min(1, 'expected at least one key'),
  }),
);

const roleMapSchema = jsonText.pipe(
  z.record(z.string().min(1), apiRoleSchema, {
    error: 'expected a JSON object from the provider\'s values to the service\'s roles, e.g. {"HRDA.Chair":"chair"}',
  }),
);

const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const keyIdRule = 'a key id is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit';
/** 32 bytes in standard base64: 43 characters and one "=" (what `openssl rand -base64 32` prints). */
const aes256KeyBase64 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * `id:base64key,id:base64key`, oldest first. Messages name an entry by position and key id only:
 * key material is never echoed into an error or a log.
 */
const encryptionKeysSchema = z.string().transform((raw, ctx) => {
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  if (entries.length === 0) fail('expected at least one key, as id:base64key (comma-separated, newest last)');
  const keys: { id: string; key: string }[] = [];
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    const key = colon < 0 ? '' : entry.slice(colon + 1).trim();
    const which = `entry ${i + 1}${keyIdPattern.test(id) ? ` (key id "${id}")` : ''}`;
    if (colon < 0) fail(`${which} is not id:base64key`);
    else if (!keyIdPattern.test(id)) fail(`${which}: ${keyIdRule}`);
    else if (!aes256KeyBase64.test(key)) fail(`${which}: the key must be 32 random bytes in base64 (44 characters ending in "="), e.g. from \`openssl rand -base64 32\``);
    else if (keys.some((k) => k.id === id)) fail(`key id "${id}" appears more than once`);
    else keys.push({ id, key });
  });
  return keys;
});

/** Browser origins allowed to call the codec server (the Temporal Web UI's), comma-separated. */
const originsSchema = z.string().transform((raw, ctx) => {
  const origins = raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
  if (origins.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one origin, e.g. http://127.0.0.1:8233' });
  for (const origin of origins) {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      parsed = undefined;
    }
    if (parsed !== origin || !/^https?:/.test(origin)) {
      ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin: expected scheme://host[:port] with no path or trailing slash, e.g. https://temporal-ui.example.org` });
    }
  }
  return origins;
});

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
     * The proxies in front of the API whose X-Forwarded-* headers are believed: "false" (none, the
     * default), "true" (any: only behind a proxy that overwrites them), a hop count, or addresses
     * and CIDRs, comma-separated. It decides the client address (rate limits, logs) and whether a
     * request came over TLS (the codec cookie is then Secure).
     */
    HRDA_TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d{1,2}|[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*)$/, 'expected true, false, a hop count, or comma-separated addresses/CIDRs')
      .default('false')
      .transform((v): boolean | number | string[] => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((a) => a.trim()))),
    /**
     * How long a referral's submission waits for its case to confirm it is registered (its first
     * workflow task, on a worker) before the API answers 503 not-confirmed, to be retried with the same key.
     */
    HRDA_SUBMIT_CONFIRM_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
    /** Requests per minute per principal (per API process), before 429. */
    HRDA_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /**
     * Secret for the keyed hash that identifies a subject (victim) across referrals.
     * The default is for the embedded development service only.
     */
    HRDA_SUBJECT_KEY: z.string().min(16, 'at least 16 characters').default(developmentSubjectKey),
    /** Where the outbox mail adapter writes messages (the embedded default for secure mail). */
    HRDA_OUTBOX_DIR: z.string().min(1).optional(),
    /** SMTP relay for secure mail; when unset, messages go to the outbox folder. */
    HRDA_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://user:pass@host:port').optional(),
    HRDA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * The OpenID provider whose access tokens the API accepts (its `iss`, e.g.
     * https://login.microsoftonline.com/<tenant>/v2.0 or https://keycloak.example.org/realms/hrda).
     * Its signing keys come from the jwks_uri of its discovery document. When unset, `hrda start
     * --development` runs an embedded provider on loopback; anywhere else the service refuses to start.
     */
    HRDA_OIDC_ISSUER: z
      .url({ protocol: /^https?$/, error: 'expected the issuer URL, e.g. https://keycloak.example.org/realms/hrda' })
      // Its keys are fetched from it: over plain HTTP anyone on the way could hand the service keys of their own.
      .refine((url) => url.startsWith('https://') || isLoopbackUrl(url), 'must be https:// (plain http only on loopback, e.g. a provider on this machine)')
      .optional(),
    /** The `aud` the API's tokens must carry: its identifier at the provider (the API's URL, or Entra ID's api://… or client ID). */
    HRDA_OIDC_AUDIENCE: z.string().trim().min(1).optional(),
    /** The provider's public keys as a JWKS (JSON), instead of fetching its jwks_uri: for a provider the service cannot reach, and the tests. */
    HRDA_OIDC_JWKS: jwksSchema.optional(),
    /** The claim holding the role (dotted for nested claims, e.g. `realm_access.roles`); a string or a list of strings. */
    HRDA_OIDC_ROLE_CLAIM: claimPath.default('hrda_role'),
    /** The claim holding the agency an agency practitioner or lead professional acts for. */
    HRDA_OIDC_AGENCY_CLAIM: claimPath.default('hrda_agency'),
    /** The claim naming the person (written as `actor.name`): `sub` by default; `oid` or `preferred_username` are common. */
    HRDA_OIDC_SUBJECT_CLAIM: claimPath.default('sub'),
    /**
     * The provider's role or group values and the service's role each one means, as JSON, e.g.
     * {"HRDA.Chair":"chair","hrda-auditor":"auditor"}. When set, only mapped values count; when unset, the
     * claim holds the service's role names themselves.
     */
    HRDA_OIDC_ROLE_MAP: roleMapSchema.optional(),
    /** The longest lifetime (exp − iat, in seconds) of a token accepted: 12 hours by default. */
    HRDA_OIDC_MAX_TOKEN_LIFETIME: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(12 * 3600),
    /** Port of the embedded development OpenID provider (loopback only, development mode only). */
    HRDA_OIDC_PORT: port.default(8090),
    /**
     * The payload key ring: AES-256 keys as `id:base64key`, comma-separated, newest last. New payloads
     * are encrypted under the active key; payloads under any key in the ring are decrypted.
     * The default is the published development ring, for the embedded development service only.
     */
    HRDA_ENCRYPTION_KEYS: encryptionKeysSchema.prefault(developmentEncryptionKeys),
    /** The key new payloads are encrypted under; the last of HRDA_ENCRYPTION_KEYS when unset. */
    HRDA_ENCRYPTION_KEY_ID: z.string().regex(keyIdPattern, keyIdRule).optional(),
    /**
     * The service's own store (PostgreSQL 14+): the case record, the archive of closed workflows, the
     * access log, idempotency records and the per-case data keys. When unset, `hrda start` runs an
     * embedded PostgreSQL in .data/postgres. TLS is set in the URL (`?sslmode=verify-full&sslrootcert=…`).
     */
    HRDA_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database')
      .optional(),
    /**
     * How long Temporal keeps a closed workflow before removing it (the namespace's retention), in
     * days; applied to the embedded dev server's namespace (a cluster's is set by its operators). The
     * archiver must take every closed run into the store well within it (docs/ops.md).
     */
    HRDA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    /** Seconds between two passes of the archiver (store/archive) in the service's process. */
    HRDA_ARCHIVE_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
    /** Port of the embedded PostgreSQL (when HRDA_DATABASE_URL is unset). */
    HRDA_POSTGRES_PORT: port.default(7432),
    /**
     * Where the worker's Prometheus metrics are served (the SDK core's own exporter, `GET /metrics`):
     * host:port, one port per worker process. Off when unset — in the embedded default too, where a
     * fixed port would clash between services started side by side (tests, a sandbox beside `npm
     * start`). Bind it to an address only the monitoring network reaches: it takes no token.
     */
    HRDA_WORKER_METRICS_ADDRESS: hostPort.optional(),
    /**
     * Where an API process serves its Prometheus metrics (`GET /metrics`): host:port, a listener of its
     * own, never the API's port, so the load balancer that publishes the API cannot publish the
     * metrics. Off when unset. It takes no token: bind it to an address only the monitoring network reaches.
     */
    HRDA_API_METRICS_ADDRESS: hostPort.optional(),
    /**
     * An OpenTelemetry collector's OTLP/HTTP endpoint (e.g. http://otel-collector:4318): traces of API
     * requests, workflow starts and updates, workflow tasks and activities are exported to its /v1/traces.
     * Off when unset: no span is made and no trace header added.
     */
    HRDA_OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'expected the collector\'s OTLP/HTTP endpoint, e.g. http://otel-collector:4318' }).optional(),
    /** Origins of the Temporal Web UI allowed to call the codec server; the embedded UI's by default. */
    HRDA_UI_ORIGIN: originsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.HRDA_ENCRYPTION_KEY_ID && !c.HRDA_ENCRYPTION_KEYS.some((k) => k.id === c.HRDA_ENCRYPTION_KEY_ID)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HRDA_ENCRYPTION_KEY_ID'],
        message: `names no key in HRDA_ENCRYPTION_KEYS (its key ids: ${c.HRDA_ENCRYPTION_KEYS.map((k) => k.id).join(', ')})`,
      });
    }
    if (c.HRDA_OIDC_ISSUER && !c.HRDA_OIDC_AUDIENCE) {
      ctx.addIssue({ code: 'custom', path: ['HRDA_OIDC_AUDIENCE'], message: 'is required with HRDA_OIDC_ISSUER: the audience (aud) the API\'s tokens are issued for' });
    }
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

/** Whether the service should start and own a local PostgreSQL (no HRDA_DATABASE_URL). */
export const usesEmbeddedDatabase = (c: Config): boolean => c.HRDA_DATABASE_URL === undefined;

/** Whether no identity provider is configured: then only development mode may run, on the embedded provider. */
export const usesEmbeddedIdentityProvider = (c: Config): boolean => c.HRDA_OIDC_ISSUER === undefined;

/** Whether subjects are linked with the published development key. */
export const usesDevelopmentSubjectKey = (c: Config): boolean => c.HRDA_SUBJECT_KEY === developmentSubjectKey;

/** The key id new payloads are encrypted under. */
export const activeEncryptionKeyId = (c: Pick<Config, 'HRDA_ENCRYPTION_KEYS' | 'HRDA_ENCRYPTION_KEY_ID'>): string =>
  c.HRDA_ENCRYPTION_KEY_ID ?? c.HRDA_ENCRYPTION_KEYS[c.HRDA_ENCRYPTION_KEYS.length - 1]!.id;

/** Whether the key ring holds the published development key (then payloads are readable by anyone who has this file). */
export const usesDevelopmentEncryptionKeys = (c: Pick<Config, 'HRDA_ENCRYPTION_KEYS'>): boolean => {
  const published = developmentEncryptionKeys.split(',').map((e) => e.slice(e.indexOf(':') + 1));
  return c.HRDA_ENCRYPTION_KEYS.some((k) => published.includes(k.key));
};

/** Browser origins allowed to call the codec server: HRDA_UI_ORIGIN, or the embedded dev server's Web UI. */
export const uiOrigins = (c: Config): string[] =>
  c.HRDA_UI_ORIGIN ?? [`http://127.0.0.1:${c.HRDA_DEV_UI_PORT}`, `http://localhost:${c.HRDA_DEV_UI_PORT}`];
