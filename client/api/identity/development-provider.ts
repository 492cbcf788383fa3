import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type AccessTokenLike } from 'oidc-provider';
import type { JWK } from 'jose';
import type { ApiRole } from '../../../domain/auth';

/**
 * The embedded default's identity provider: a certified OpenID provider (oidc-provider) beside the
 * development service, on loopback only, issuing the same kind of token a production provider does —
 * a signed JWT access token for the API's URL (RFC 8707 resource indicators, RFC 9068 `at+jwt`) with
 * the role and agency claims — so development tokens are checked by the very verifier production
 * tokens are. One client per development identity (client credentials grant), each with a secret
 * made at start and never written down; the signing key is made at start too, so a token from one
 * run means nothing to the next.
 */
export const developmentIdentities: readonly DevelopmentIdentity[] = [
  { role: 'administrator', sub: 'dev-administrator', agency: 'police' },
  { role: 'chair', sub: 'dev-chair', agency: 'police' },
  { role: 'agency-practitioner', sub: 'dev-housing-practitioner', agency: 'housing' },
  { role: 'lead-professional', sub: 'dev-daa-lead', agency: 'domestic-abuse-advisor' },
  { role: 'auditor', sub: 'dev-auditor' },
  { role: 'ops', sub: 'dev-ops' },
];

export interface DevelopmentIdentity {
  role: ApiRole;
  /** Also the client ID at the provider, and so the token's `sub`. */
  sub: string;
  agency?: string;
}

export interface DevelopmentToken extends DevelopmentIdentity {
  token: string;
}

/** Shorter than the API's 12-hour cap: a working day. */
export const developmentTokenLifetimeSeconds = 8 * 60 * 60;

export interface DevelopmentProviderOptions {
  /** The API's URL: the resource the tokens are for, and their `aud`. */
  audience: string;
  /** 0 for any free port (the tests). */
  port: number;
  identities?: readonly DevelopmentIdentity[];
  /** The claims each identity's tokens carry besides the standard ones; hrda_role and hrda_agency by default. */
  claimsFor?: (identity: DevelopmentIdentity) => Record<string, unknown>;
  /** The private signing key (a JWK with kid and alg RS256 or ES256); a new ES256 key by default. */
  signingKey?: JWK;
}

export interface DevelopmentProvider {
  /** Its `iss`, http://127.0.0.1:<port>: what HRDA_OIDC_ISSUER would be set to. */
  issuer: string;
  audience: string;
  /** A token for one identity, obtained from the provider's token endpoint as any client would. */
  requestToken(sub: string): Promise<string>;
  /** A token for every identity. */
  tokens(): Promise<DevelopmentToken[]>;
  stop(): Promise<void>;
}

export const defaultDevelopmentClaims = (identity: DevelopmentIdentity): Record<string, unknown> => ({
  hrda_role: identity.role,
  ...(identity.agency ? { hrda_agency: identity.agency } : {}),
});

export function newSigningKey(): JWK {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: `dev-${randomBytes(6).toString('hex')}`, alg: 'ES256', use: 'sig' };
}

/**
 * Where the provider keeps what it issues: this process's memory, for as long as each lives. A
 * restart forgets every token, which suits development (the signing key is new each start anyway);
 * it is also what oidc-provider's own default does, without its warning that production needs more.
 */
function memoryAdapter(): new (model: string) => object {
  const store = new Map<string, Record<string, unknown>>();
  return class {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      store.set(this.key(id), payload);
      if (expiresIn) setTimeout(() => store.delete(this.key(id)), expiresIn * 1000).unref();
    }
    async find(id: string) {
      return store.get(this.key(id));
    }
    async findByUid() {
      return undefined;
    }
    async findByUserCode() {
      return undefined;
    }
    async consume(id: string) {
      const payload = store.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId() {}
  };
}

export async function startDevelopmentProvider(opts: DevelopmentProviderOptions): Promise<DevelopmentProvider> {
  const identities = opts.identities ?? developmentIdentities;
  const claimsFor = opts.claimsFor ?? defaultDevelopmentClaims;
  const signingKey = opts.signingKey ?? newSigningKey();
  const secrets = new Map(identities.map((id) => [id.sub, randomBytes(32).toString('base64url')]));

  // Listening first: the issuer names the port, and the provider is built with its issuer. Nobody
  // knows the port before this function returns, so no request comes before the provider answers.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: identities.map((id) => ({
      client_id: id.sub,
      client_secret: secrets.get(id.sub),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      // The provider's default (RS256) must be a key it holds.
      id_token_signed_response_alg: signingKey.alg,
    })),
    adapter: memoryAdapter(),
    ttl: { ClientCredentials: developmentTokenLifetimeSeconds },
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['api'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => opts.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== opts.audience) throw new errors.InvalidTarget('this provider issues tokens for the HRDA API only');
          return { scope: 'api', audience: opts.audience, accessTokenTTL: developmentTokenLifetimeSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg: signingKey.alg } } };
        },
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: AccessTokenLike) => {
      const identity = identities.find((id) => id.sub === token.clientId);
      return identity ? claimsFor(identity) : undefined;
    },
  });
  // Its own errors (a client with a wrong secret, say) are answered to the client; nothing to log here.
  provider.on('server_error', () => {});
  server.on('request', provider.callback());

  const requestToken = async (sub: string): Promise<string> => {
    const secret = secrets.get(sub);
    if (!secret) throw new Error(`No development identity ${sub}`);
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(sub)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: opts.audience, scope: 'api' }),
    });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`The development identity provider refused a token for ${sub}: ${body.error ?? res.status} ${body.error_description ?? ''}`.trim());
    return body.access_token;
  };

  return {
    issuer,
    audience: opts.audience,
    requestToken,
    tokens: () => Promise.all(identities.map(async (id) => ({ ...id, token: await requestToken(id.sub) }))),
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
