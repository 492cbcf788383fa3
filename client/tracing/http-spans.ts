import { context, SpanKind, SpanStatusCode, trace, ROOT_CONTEXT, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unmatchedRoute } from '../metrics/http';

/**
 * A server span for each API request, named by its method and route template (never its URL), and
 * active while the request is handled, so the workflow start or update it sends carries it to the
 * worker (tracingClientInterceptors). A caller's own trace header is not followed: each request
 * starts a trace of its own.
 */
export function installHttpSpans(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url ?? unmatchedRoute;
    const span = tracer.startSpan(`${req.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'http.route': route },
    }, ROOT_CONTEXT);
    spans.set(req, span);
    // The rest of the request's hooks and its handler run inside this call, and their awaits keep its context.
    context.with(trace.setSpan(ROOT_CONTEXT, span), done);
  });
  app.addHook('onResponse', async (req, reply) => {
    const span = spans.get(req);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
