import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessLog } from '../access-log';
import { bearerSecurity } from '../auth';
import { problemResponses } from '../problem';
import { accessLogComponent, caseIdSchema, jsonResponse } from '../schemas';

export function registerAccessLogRoutes(fastify: FastifyInstance, deps: { accessLog: AccessLog }): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/access-log', {
    config: { access: { roles: ['auditor'] } },
    schema: {
      tags: ['audit'],
      summary: 'The consultation and disclosure log (auditors)',
      description: 'Who read or was shown which case, when, through which route and for what stated purpose (Data Protection Act 2018 s62). The most recent entries, oldest first.',
      security: bearerSecurity,
      querystring: z.strictObject({ caseId: caseIdSchema.optional(), limit: z.coerce.number().int().min(1).max(10_000).default(100) }),
      response: { 200: jsonResponse(accessLogComponent, 'Log entries, oldest first'), ...problemResponses(400, 401, 403) },
    },
  }, async (req) => ({ items: await deps.accessLog.read({ limit: req.query.limit, ...(req.query.caseId ? { caseId: req.query.caseId } : {}) }) }));
}
