import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { holdRoles, legalHoldSchema, liftHoldBodySchema, placeHoldBodySchema } from '../../../domain/legal-hold';
import { HoldRefusedError, type LegalHolds } from '../../../store/holds/legal-holds';
import type { CaseClient } from '../../cases';
import { liftHold, placeHold } from '../../holds/legal-hold';
import { bearerSecurity, principalOf } from '../auth';
import { ProblemError, problemResponses } from '../problem';
import { jsonResponse } from '../schemas';
import { actorOf, caseParamsSchema, noQuery, readCaseFor, readHeadersSchema, writeHeadersSchema } from './shared';

const holdComponent = legalHoldSchema.meta({
  id: 'LegalHold',
  description: 'A legal hold on a case and its subject: while it is in place (no `lifted`), the retention workflow destroys no data key of the subject or any of its cases (docs/data-protection.md, legal hold).',
});
const holdResultSchema = z.object({ hold: holdComponent });
/** Who may read a case's holds: those who may place them, and auditors (who read everything). */
const holdReaders = [...holdRoles, 'auditor'] as const;

export interface HoldRouteDeps {
  cases: CaseClient;
  holds: LegalHolds;
  temporal: Client;
  subjectSecret: string;
  now?: () => Date;
}

/**
 * Legal hold (issue 21 item 7): POST /cases/:caseId/hold places one, POST /cases/:caseId/hold/lift
 * lifts it, GET /cases/:caseId/holds lists them. Placing and lifting are idempotent writes like the
 * case commands; the hold is kept in the store, where the retention's destruction reads it.
 */
export function registerLegalHoldRoutes(fastify: FastifyInstance, deps: HoldRouteDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const refusal = (err: unknown): unknown => {
    if (!(err instanceof HoldRefusedError)) return err;
    return new ProblemError(err.refusal === 'destroyed' ? 'personal-data-destroyed' : 'refused', err.message);
  };

  app.post('/cases/:caseId/hold', {
    config: { access: { roles: holdRoles }, idempotent: true },
    schema: {
      tags: ['cases'],
      summary: 'Place a legal hold on the case and its subject (administrator)',
      description: `Roles: ${holdRoles.join(', ')}. For a domestic homicide review or litigation: the retention clock of the case's subject (every case of the same victim) destroys nothing until the hold is lifted, whenever its period ends. The timeline records \`hold.placed\` with who and why. 409 when the case already has a hold in place; 410 when its personal data was already destroyed.`,
      operationId: 'placeHold',
      security: bearerSecurity,
      headers: writeHeadersSchema,
      querystring: noQuery,
      params: caseParamsSchema,
      body: placeHoldBodySchema,
      response: { 201: jsonResponse(holdResultSchema, 'The hold, in place'), ...problemResponses(400, 401, 403, 404, 409, 410, 415, 422, 503) },
    },
  }, async (req, reply) => {
    const principal = principalOf(req);
    const { caseId } = req.params;
    // The case is read as the caller may see it: one they may not know of is 404, before anything is placed.
    const cases = { assertCaseIdUsable: (id: string) => deps.cases.assertCaseIdUsable(id), state: async (id: string) => (await readCaseFor(deps.cases, id, principal)).view };
    const hold = await placeHold({ ...deps, cases }, caseId, actorOf(principal), req.body.reason).catch((err: unknown) => Promise.reject(refusal(err)));
    req.disclosure = { action: 'write', caseIds: [caseId], view: 'full', defaultPurpose: 'placeHold' };
    return reply.code(201).send({ hold });
  });

  app.post('/cases/:caseId/hold/lift', {
    config: { access: { roles: holdRoles }, idempotent: true },
    schema: {
      tags: ['cases'],
      summary: 'Lift the legal hold in place on the case (administrator)',
      description: `Roles: ${holdRoles.join(', ')}. The timeline records \`hold.lifted\` with who and why. If the retention period of the case's subject has run and no other hold is in place, its personal data is destroyed at once. 409 when no hold is in place.`,
      operationId: 'liftHold',
      security: bearerSecurity,
      headers: writeHeadersSchema,
      querystring: noQuery,
      params: caseParamsSchema,
      body: liftHoldBodySchema,
      response: { 200: jsonResponse(holdResultSchema, 'The hold, lifted'), ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503) },
    },
  }, async (req) => {
    const principal = principalOf(req);
    const { caseId } = req.params;
    await readCaseFor(deps.cases, caseId, principal);
    const hold = await liftHold(deps, caseId, actorOf(principal), req.body.reason).catch((err: unknown) => Promise.reject(refusal(err)));
    req.disclosure = { action: 'write', caseIds: [caseId], view: 'full', defaultPurpose: 'liftHold' };
    return { hold };
  });

  app.get('/cases/:caseId/holds', {
    config: { access: { roles: holdReaders, purpose: 'required' } },
    schema: {
      tags: ['cases'],
      summary: "A case's legal holds, placed and lifted",
      description: `Roles: ${holdReaders.join(', ')}. Oldest first; the one without \`lifted\` is in place.`,
      operationId: 'listHolds',
      security: bearerSecurity,
      headers: readHeadersSchema,
      querystring: noQuery,
      params: caseParamsSchema,
      response: { 200: jsonResponse(z.object({ holds: z.array(holdComponent) }), "The case's holds"), ...problemResponses(400, 401, 403, 404, 503) },
    },
  }, async (req) => {
    const principal = principalOf(req);
    const { caseId } = req.params;
    const { access } = await readCaseFor(deps.cases, caseId, principal);
    const holds = (await deps.holds.ofCase(caseId)).map(({ subjectKey: _subject, ...hold }) => hold);
    req.disclosure = { action: 'read', caseIds: [caseId], view: access };
    return { holds };
  });
}
