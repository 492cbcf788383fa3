import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ProblemError } from './problem';

export interface HardeningOptions {
  /** Requests a principal (or, before authentication, an address) may make per minute. */
  requestsPerMinute: number;
}

/**
 * What every response carries whatever route made it:
 * - security headers (helmet): no sniffing, no framing, a strict CSP, HSTS behind TLS;
 * - `Cache-Control: no-store`, so no browser or proxy keeps a copy of case data (the docs'
 *   static files alone may be cached: they hold none);
 * - a rate limit per principal, so one stolen or runaway token cannot read the whole caseload
 *   at line speed. The count is per API process (in memory): with N processes behind a load
 *   balancer a principal gets at most N times the limit, which still bounds a scrape.
 */
export async function installHardening(app: FastifyInstance, opts: HardeningOptions): Promise<void> {
  await app.register(helmet, {
    // The API serves JSON; only the interactive docs (/docs) are a page, and they load from 'self'.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith('/docs/static/')) reply.header('cache-control', 'no-store');
  });
  await app.register(rateLimit, {
    max: opts.requestsPerMinute,
    timeWindow: 60_000,
    // After authentication (onRequest), so the key is the token's subject where there is one.
    hook: 'preHandler',
    keyGenerator: (req) => (req.principal ? `sub:${req.principal.sub}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, context) => {
      const problem = new ProblemError('rate-limited', `At most ${context.max} requests a minute; retry in ${Math.ceil(context.ttl / 1000)} s.`, undefined, { 'retry-after': String(Math.ceil(context.ttl / 1000)) });
      // Thrown on to the error handler, which answers problem+json with the status of the kind.
      return Object.assign(problem, { statusCode: 429 });
    },
  });
}
