import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import type { ApiRole, Principal } from '../../domain/auth';
import { uiOrigins, type Config } from '../../domain/config';
import { canRead, type RestrictionMarks } from '../../domain/restriction';
import { type DataKeyStore, EncryptionCodec, KeyRing, PayloadDecryptionError, PersonalDataDestroyedError, UnknownDataKeyError, UnknownEncryptionKeyError } from '../../worker/codec';
import type { AccessLog } from './access-log';
import { allRoles, authenticateToken, bearerSecurity, bearerToken, purposeHeader, purposeOf } from './auth';
import { CodecSessions } from './codec-sessions';
import type { TokenVerifier } from './identity';
import type { Database } from '../../store/database';
import { ProblemError, problemResponses, type FieldProblem } from './problem';
import { jsonResponse } from './schemas';

/**
 * The codec server for the Temporal Web UI (docs/data-protection.md): POST /codec/decode and
 * /codec/encode in the remote-codec protocol's shape, behind the API's bearer tokens and roles.
 * Decoding discloses a case's personal data: only roles that see every case in full decode, and
 * every decode is written to the access log before the answer leaves. The Web UI cannot attach an
 * API token of its own, so a browser signs in once at /codec/login with a token and gets an HttpOnly
 * cookie scoped to /codec holding a session reference (./codec-sessions.ts) — never the token —
 * sent by a UI served from this origin (./web-ui.ts), or by one elsewhere with "Include cross-origin credentials".
 * The routes speak Temporal's remote-codec protocol rather than the case API's contract (no
 * Idempotency-Key, no case resource), so they are left out of the OpenAPI document.
 */
export const codecLoginPath = '/codec/login';

/** Roles that read every case in full: administrators, chairs, auditors. Agency roles see only their cases, and a payload does not say whose it is. */
export const decodingRoles = ['administrator', 'chair', 'auditor'] as const satisfies readonly ApiRole[];
/** Encoding is how the Web UI writes (signals, starts): administrators only. */
export const encodingRoles = ['administrator'] as const satisfies readonly ApiRole[];

export const codecSessionCookie = 'hrda_codec';
/** Sent back only to the codec routes, never readable by a script, never on a request another site starts. */
const sessionCookieScope = { path: '/codec', httpOnly: true, sameSite: 'strict' } as const;
/** The access log's caseId for payloads that name no case (the Web UI does not say which workflow it reads). */
export const unidentifiedCase = 'unidentified';

/** What the Web UI sends (besides Content-Type and Authorization). */
const allowedRequestHeaders = ['content-type', 'x-namespace', 'authorization', 'authorization-extras', purposeHeader];
/** A whole history's payloads can come in one request. */
const codecBodyLimit = 16 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');
const payloadJsonSchema = z.looseObject({
  metadata: z.record(z.string(), base64).nullish(),
  data: base64.nullish(),
}).meta({ description: 'A Temporal Payload in protobuf JSON: metadata values and data in base64.' });
type PayloadJson = z.infer<typeof payloadJsonSchema>;
// Protobuf JSON leaves an empty list out: `{}` is no payloads (the Temporal CLI sends it).
const payloadsSchema = z.object({ payloads: z.array(payloadJsonSchema).default([]) });
const codecHeadersSchema = z.looseObject({
  'x-namespace': z.string().optional().meta({ description: 'The namespace the payloads belong to (the Web UI sends it).' }),
  [purposeHeader]: z.string().trim().max(500).optional().meta({ description: 'Why the payloads are decoded; "web-ui" when not stated.' }),
});
const sessionSchema = z.object({
  sub: z.string(),
  role: z.string(),
  decodes: z.boolean().meta({ description: 'Whether this role is shown payloads decoded.' }),
  expiresAt: z.string(),
});

const fromJson = (p: PayloadJson): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): PayloadJson => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export interface CodecRouteDeps {
  config: Config;
  /** The store of the browser sessions. */
  db: Database;
  verifier: TokenVerifier;
  /** The data keys in the service's store. */
  dataKeys: DataKeyStore;
  accessLog: AccessLog;
  /**
   * Whether a case is restricted, and to whom (./case-restrictions.ts), read per decode request;
   * undefined when the case cannot be placed (its workflow gone and nothing recorded).
   */
  restriction: (caseId: string) => Promise<RestrictionMarks | undefined>;
  now?: () => Date;
}

export function registerCodecRoutes(fastify: FastifyInstance, deps: CodecRouteDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const keyRing = KeyRing.fromConfig(deps.config);
  const codec = new EncryptionCodec(keyRing, deps.dataKeys);
  const origins = new Set(uiOrigins(deps.config));
  const now = deps.now ?? (() => new Date());
  const namespace = deps.config.TEMPORAL_NAMESPACE;
  const sessions = new CodecSessions(deps.db);

  /** As the API authenticates (client/api/auth.ts), with a session opened at the login page as the alternative to a token. */
  const authenticate = async (req: FastifyRequest): Promise<Principal> => {
    const token = bearerToken(req.headers.authorization);
    const reference = token ? undefined : sessionReference(req);
    if (reference === undefined) {
      return (await authenticateToken(token, deps.verifier, now(), `Send a bearer token (Authorization: Bearer <JWT>), or sign in at ${codecLoginPath}.`)).principal;
    }
    const principal = await sessions.find(reference, now());
    if (!principal) {
      throw new ProblemError('unauthenticated', `The codec session has ended (signed out or expired): sign in again at ${codecLoginPath}.`, undefined, { 'www-authenticate': 'Bearer realm="hrda", error="invalid_token"' });
    }
    return principal;
  };

  /** CORS for the Web UI's origins; any other browser origin is refused before anything is read. */
  const allowUiOrigin = async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    // The Web UI served through this API (development mode, ./web-ui.ts) calls from this origin: no CORS needed.
    if (origin === undefined || origin === `${req.protocol}://${req.host}`) return;
    if (!origins.has(origin)) throw new ProblemError('forbidden', `The codec server answers the Temporal Web UI at ${[...origins].join(' or ')}, not ${origin} (HRDA_UI_ORIGIN).`);
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
  };
  // The roles are the route's declared access: what the declaration says is what is enforced.
  const authorise = (what: string) => async (req: FastifyRequest) => {
    const principal = await authenticate(req);
    req.principal = principal;
    const roles = req.routeOptions.config.access?.roles ?? [];
    if (!roles.includes(principal.role)) {
      throw new ProblemError('forbidden', `The ${principal.role} role is not shown payloads ${what}: only ${roles.join(', ')} may. The Web UI shows them encoded.`);
    }
    const asked = req.headers['x-namespace'];
    if (typeof asked === 'string' && asked !== '' && asked !== namespace) {
      throw new ProblemError('forbidden', `This codec server serves the ${namespace} namespace, not ${asked}.`);
    }
  };

  for (const url of ['/codec/decode', '/codec/encode']) {
    app.options(url, { config: { access: { public: true } }, schema: { hide: true }, onRequest: allowUiOrigin }, async (req, reply) => {
      reply.header('access-control-allow-methods', 'POST').header('access-control-allow-headers', allowedRequestHeaders.join(', ')).header('access-control-max-age', '600');
      // Chrome's Private Network Access preflight, for a UI served from a public address.
      if (req.headers['access-control-request-private-network'] === 'true') reply.header('access-control-allow-private-network', 'true');
      return reply.code(204).send();
    });
  }

  app.post('/codec/decode', {
    bodyLimit: codecBodyLimit,
    config: { access: { roles: decodingRoles, authenticatedBy: 'route' } },
    onRequest: [allowUiOrigin, authorise('decoded')],
    schema: {
      hide: true,
      tags: ['codec'],
      summary: 'Decrypt payloads for the Temporal Web UI (administrators, chairs, auditors)',
      description: 'The remote-codec protocol\'s decode. Payloads that are not encrypted come back as they are. Every decode is written to the access log (action "decode", the number of payloads, the case they name, the purpose from X-Purpose or "web-ui"). A bearer token or the session cookie set at /codec/login authenticates.',
      security: bearerSecurity,
      headers: codecHeadersSchema,
      body: payloadsSchema,
      response: { 200: jsonResponse(payloadsSchema, 'The payloads, decrypted'), ...problemResponses(400, 401, 403, 413, 415) },
    },
  }, async (req, reply) => {
    const principal = req.principal!;
    const problems: FieldProblem[] = [];
    const decoded: PayloadJson[] = [];
    const caseIds = new Set<string>();
    let decrypted = 0;
    let withheld = 0;
    // One lookup per case named in the request, not per payload.
    const marks = new Map<string, Promise<RestrictionMarks | undefined>>();
    const mayReadCase = async (caseId: string): Promise<boolean> => {
      if (!marks.has(caseId)) marks.set(caseId, deps.restriction(caseId));
      const found = await marks.get(caseId)!;
      // A case that cannot be placed might be restricted: it fails closed, to auditors only.
      return found ? canRead(principal, found) : principal.role === 'auditor';
    };
    const mayRead = async (payload: Payload): Promise<boolean> => {
      const scope = EncryptionCodec.dataKeyOf(payload)?.scope;
      // A subject links a victim's cases, restricted ones among them: only auditors read it.
      if (scope?.startsWith('subject:')) return principal.role === 'auditor';
      const caseId = caseOfDataKey(payload);
      return caseId ? mayReadCase(caseId) : true;
    };
    for (const [i, raw] of req.body.payloads.entries()) {
      const payload = fromJson(raw);
      if (!EncryptionCodec.isEncrypted(payload)) {
        decoded.push(raw);
        continue;
      }
      // A restricted case's payloads stay encoded for anyone off its need-to-know list (003 §18.3).
      if (!(await mayRead(payload))) {
        decoded.push(raw);
        withheld += 1;
        continue;
      }
      try {
        const [plain] = await codec.decode([payload]);
        // Under the ring (histories written before per-case keys), only the value can name its case:
        // a restricted case's stays encoded for anyone off its list all the same.
        const named = caseOfDataKey(payload) ? undefined : caseIdNamedBy(plain!);
        if (named && !(await mayReadCase(named))) {
          decoded.push(raw);
          withheld += 1;
          continue;
        }
        decoded.push(toJson(plain!));
        decrypted += 1;
        // Under a case's data key, the key names the case; otherwise the value may.
        const caseId = caseOfDataKey(payload) ?? named;
        if (caseId) caseIds.add(caseId);
      } catch (err) {
        // Destroyed at the end of its retention: the Web UI shows that, not an error.
        if (err instanceof PersonalDataDestroyedError) {
          decoded.push(toJson(destroyedPlaceholder(err)));
          continue;
        }
        // A key this service does not hold, or a payload that is not what it says: the request's fault, not the server's.
        if (!(err instanceof UnknownEncryptionKeyError || err instanceof UnknownDataKeyError || err instanceof PayloadDecryptionError)) throw err;
        problems.push({ path: `payloads.${i}`, message: err.message, in: 'body' });
      }
    }
    if (problems.length) throw new ProblemError('invalid-input', `${problems.length} payload${problems.length === 1 ? '' : 's'} could not be decrypted; each is listed under errors.`, problems);
    if (decrypted > 0) {
      const at = now().toISOString();
      const purpose = purposeOf(req) ?? 'web-ui';
      const restricted = new Set<string>();
      for (const caseId of caseIds) if ((await marks.get(caseId))?.restricted) restricted.add(caseId);
      await deps.accessLog.record((caseIds.size ? [...caseIds] : [unidentifiedCase]).map((caseId) => ({
        at, sub: principal.sub, role: principal.role, ...(principal.agency ? { agency: principal.agency } : {}), caseId,
        action: 'decode' as const, route: 'POST /codec/decode', view: 'full' as const, purpose, requestId: req.id, payloads: decrypted,
        // For auditors reviewing who read restricted cases (as the API's own entries say).
        ...(restricted.has(caseId) ? { restricted: true as const } : {}),
      })));
    }
    if (withheld) reply.header('x-hrda-withheld', String(withheld));
    return { payloads: decoded };
  });

  app.post('/codec/encode', {
    bodyLimit: codecBodyLimit,
    config: { access: { roles: encodingRoles, authenticatedBy: 'route' } },
    onRequest: [allowUiOrigin, authorise('encoded')],
    schema: {
      hide: true,
      tags: ['codec'],
      summary: 'Encrypt payloads for the Temporal Web UI (administrators)',
      description: 'The remote-codec protocol\'s encode, under the active key: what the Web UI sends when someone signals or starts a workflow from it.',
      security: bearerSecurity,
      headers: codecHeadersSchema,
      body: payloadsSchema,
      response: { 200: jsonResponse(payloadsSchema, 'The payloads, encrypted'), ...problemResponses(400, 401, 403, 413, 415) },
    },
  }, async (req) => ({ payloads: (await codec.encode(req.body.payloads.map(fromJson))).map(toJson) }));

  app.post('/codec/session', {
    // Any role opens a session (it decides what the session is shown), with a token only.
    config: { access: { roles: allRoles, authenticatedBy: 'route' } },
    onRequest: sameOriginOnly,
    schema: {
      hide: true,
      tags: ['codec'],
      summary: 'Open a session for the Web UI\'s codec requests',
      description: 'Sets an HttpOnly, SameSite=Strict cookie scoped to /codec holding a random session reference (never the token), until the token expires or 8 hours, whichever is first. The login page at /codec/login calls it.',
      security: bearerSecurity,
      response: { 200: jsonResponse(sessionSchema, 'Signed in'), ...problemResponses(401, 403) },
    },
  }, async (req, reply) => {
    // Only a token opens a session: a session cannot extend itself.
    const { principal, exp } = await authenticateToken(bearerToken(req.headers.authorization), deps.verifier, now());
    const at = now();
    const session = await sessions.open(principal, new Date(exp * 1000), at);
    const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - at.getTime()) / 1000));
    reply.setCookie(codecSessionCookie, session.reference, { ...sessionCookieScope, maxAge, secure: 'auto' });
    return { sub: principal.sub, role: principal.role, decodes: (decodingRoles as readonly string[]).includes(principal.role), expiresAt: session.expiresAt.toISOString() };
  });

  // Ends the session its cookie names, if any: nothing to protect.
  app.delete('/codec/session', { config: { access: { public: true } }, onRequest: sameOriginOnly, schema: { hide: true, tags: ['codec'], summary: 'End the codec session' } }, async (req, reply) => {
    const reference = sessionReference(req);
    if (reference !== undefined) await sessions.close(reference);
    reply.clearCookie(codecSessionCookie, sessionCookieScope);
    return reply.code(204).send();
  });

  app.get(codecLoginPath, { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('content-security-policy', `default-src 'none'; script-src '${loginScriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; form-action 'none'`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(loginPage),
  );
}

/** The session routes are for the login page on this origin, never for another site's script. */
async function sameOriginOnly(req: FastifyRequest): Promise<void> {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `${req.protocol}://${req.host}`) throw new ProblemError('forbidden', 'The codec session is set from the login page of this server only.');
}

/** The session reference of the codec cookie (parsed by @fastify/cookie), if the request carries one. */
const sessionReference = (req: FastifyRequest): string | undefined => req.cookies[codecSessionCookie] || undefined;

/** What the Web UI shows for a payload whose personal data was destroyed: when, and nothing else. */
function destroyedPlaceholder(err: PersonalDataDestroyedError): Payload {
  const note = { personalDataDestroyed: { scope: err.scope, destroyedAt: err.destroyedAt } };
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(note)) };
}

/** The case whose data key a payload is under (`case:<caseId>#<n>`), if it is under one. */
function caseOfDataKey(payload: Payload): string | undefined {
  const scope = EncryptionCodec.dataKeyOf(payload)?.scope;
  return scope?.startsWith('case:') ? scope.slice('case:'.length) : undefined;
}

/** The case a decoded payload names: a top-level caseId of a JSON object (workflow and activity inputs carry one). */
function caseIdNamedBy(payload: Payload): string | undefined {
  const encoding = Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array()).toString('utf8');
  if (encoding !== 'json/plain' || !payload.data) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload.data).toString('utf8')) as unknown;
    const caseId = value && typeof value === 'object' && !Array.isArray(value) ? (value as { caseId?: unknown }).caseId : undefined;
    return typeof caseId === 'string' && caseId.length <= 200 ? caseId : undefined;
  } catch {
    return undefined;
  }
}

const loginScript = `
const status = document.getElementById('status');
const show = (text) => { status.textContent = text; };
document.getElementById('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('token').value.trim();
  const res = await fetch('session', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
  const body = await res.json().catch(() => ({}));
  document.getElementById('token').value = '';
  if (!res.ok) return show(body.detail || body.title || ('Refused (' + res.status + ')'));
  show('Signed in as ' + body.sub + ' (' + body.role + ') until ' + body.expiresAt + '. ' +
    (body.decodes ? 'The Web UI will show payloads decoded.' : 'This role is not shown payloads decoded: the Web UI will show them encoded.'));
});
document.getElementById('signout').addEventListener('click', async () => {
  await fetch('session', { method: 'DELETE' });
  show('Signed out: the Web UI will show payloads encoded.');
});
`;
const loginScriptHash = `sha256-${createHash('sha256').update(loginScript).digest('base64')}`;

const loginPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>HRDA codec server: sign in</title>
<style>body { font-family: sans-serif; max-width: 42rem; margin: 2rem auto; line-height: 1.5 } input { width: 100% }</style></head>
<body>
<h1>Read payloads in the Temporal Web UI</h1>
<p>Paste a bearer token. Administrators, chairs and auditors are shown the payloads of case workflows decoded;
every decode is recorded in the access log under the token's name. The token itself is not kept: this server
opens a session for its <code>/codec</code> routes (an HttpOnly cookie holding a random reference) that ends
when the token would have expired, after 8 hours, or when you sign out.</p>
<p>Then open the Web UI at <a href="/ui/"><code>/ui/</code> on this server</a> (development mode), where
payloads decode with no further setting. A Web UI on another origin needs, in its Codec Server
settings, your browser setting with this endpoint (<code>…/codec</code> on this server) and
<em>Include cross-origin credentials</em> ticked.</p>
<form id="signin"><label>Token <input id="token" type="password" autocomplete="off" required></label>
<p><button type="submit">Sign in</button> <button type="button" id="signout">Sign out</button></p></form>
<p id="status" role="status"></p>
<script>${loginScript}</script>
</body>
</html>
`;
