import proxy from '@fastify/http-proxy';
import type { FastifyInstance } from 'fastify';
import { declarePublic } from './route-catalogue';

/** Where the API serves the dev server's Web UI (the dev server is started with this public path). */
export const webUiPath = '/ui';

/**
 * Development mode: the dev server's Temporal Web UI, served through the API's own origin under
 * /ui. Its codec calls to /codec are then same-origin, so the browser sends the codec session
 * cookie with them: sign in once at /codec/login and payloads decode, with none of the Web UI's
 * per-browser codec settings. The UI is the dev server's own page: the API's CSP and rate limit
 * (made for JSON routes) are not applied to it, and it needs no token, as on its own port.
 */
export async function installWebUiProxy(app: FastifyInstance, upstream: string): Promise<void> {
  await app.register(async (scope) => {
    // The UI's requests go through as they are: the API's bounded JSON parser stays with the API's routes.
    scope.removeContentTypeParser('application/json');
    declarePublic(scope);
    await scope.register(proxy, {
      upstream,
      prefix: webUiPath,
      rewritePrefix: webUiPath,
      config: { helmet: { skipRoute: true }, rateLimit: false },
    });
  });
}

/** The namespace's workflow list in the Web UI, as the API serves it. */
export const webUiUrl = (apiUrl: string, namespace: string): string => `${apiUrl}${webUiPath}/namespaces/${encodeURIComponent(namespace)}/workflows`;
