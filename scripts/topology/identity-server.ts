import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { z } from 'zod';

/**
 * The local deployment's identity endpoint: an OpenID discovery document and the JWKS of the
 * deployment's signing key (scripts/topology/identity.ts), read from its file on each request so a
 * rotated key is served at once. The Temporal frontend fetches the JWKS (global.authorization.
 * jwtKeyProvider) and so does the HTTP API (HRDA_OIDC_ISSUER). In production the organisation's
 * identity provider serves both, and this process is not run.
 */
const env = z.object({ HRDA_TOPOLOGY_IDENTITY_PORT: z.coerce.number().int(), HRDA_TOPOLOGY_JWKS_FILE: z.string().min(1) }).parse(process.env);
const issuer = `http://127.0.0.1:${env.HRDA_TOPOLOGY_IDENTITY_PORT}`;

const server = http.createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
  if (req.url === '/.well-known/openid-configuration') return send(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['ES256'] });
  if (req.url === '/.well-known/jwks.json') {
    // A missing or corrupt file is a 503 for the caller, never the end of this process.
    readFile(env.HRDA_TOPOLOGY_JWKS_FILE, 'utf8').then((text) => send(200, JSON.parse(text))).catch(() => send(503, { error: 'no JWKS' }));
    return;
  }
  send(404, { error: 'not found' });
});
server.listen(env.HRDA_TOPOLOGY_IDENTITY_PORT, '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
