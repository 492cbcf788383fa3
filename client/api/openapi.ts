import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { declarePublic } from './route-catalogue';

/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas, at /openapi.json, and the
 * interactive docs at /docs. Registered before the routes, which it then collects.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HRDA case service',
        version: '0.1.0',
        description: [
          'Case-lifecycle orchestration for multi-agency high-risk domestic abuse arrangements.',
          '',
          'Every call except /health and the docs carries a bearer token: an access token from the configured OpenID provider (a JWT signed RS256 or ES256) naming a role and an agency.',
          'Reads of a case state their purpose in `X-Purpose`; every read and disclosure is logged.',
          'Writes accept `Idempotency-Key`; errors are `application/problem+json` (RFC 9457).',
        ].join('\n'),
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OpenID provider\'s access token: iss and aud required, exp − iat at most 12 hours by default; the role and agency claims as the operator maps them (docs/security.md). `hrda start --development` prints tokens from the embedded provider.' },
        },
      },
      tags: [
        { name: 'cases', description: 'Referrals and the case lifecycle' },
        { name: 'audit', description: 'The consultation and disclosure log' },
        { name: 'service', description: 'Health' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // The document and the docs describe the API and hold no data: public.
  await app.register(async (scope) => {
    declarePublic(scope);
    await scope.register(fastifySwaggerUi, { routePrefix: '/docs' });
  });
  app.get('/openapi.json', { config: { access: { public: true } }, schema: { hide: true } }, async () => app.swagger());
}
