import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { consentIdSchema } from '../../../domain/disclosure';
import type { CaseClient } from '../../cases';
import { DisclosureRefusedError, thirdPartyExport } from '../../disclosure/third-party-export';
import { bearerSecurity, principalOf } from '../auth';
import { ProblemError, problemResponses } from '../problem';
import { jsonResponse } from '../schemas';
import { caseParamsSchema, noQuery, readCaseFor, readHeadersSchema } from './shared';

/** The roles that may make a third-party export; the chair's consent on the case is needed whoever asks. */
export const disclosureRoles = ['administrator', 'chair'] as const;

const exportSchema = z.looseObject({
  marking: z.string(),
  consent: z.looseObject({ consentId: z.string(), recipient: z.string(), purpose: z.string(), scope: z.array(z.string()) }),
  caseId: z.string(),
  exportedAt: z.string(),
}).meta({ id: 'ThirdPartyExport', description: "A case exported for a third party under the chair's consent: only the parts the consent covers, never the perpetrator's or their associates' contact details." });

/**
 * [002] 3.39–3.40: an export for a court, child protection, adult safeguarding or another process
 * needs the MARAC chair's express consent, recorded on the case (`recordDisclosureConsent`). Each
 * export is logged as a disclosure, with its consent.
 */
export function registerDisclosureRoutes(fastify: FastifyInstance, deps: { cases: CaseClient; now?: () => Date }): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/cases/:caseId/disclosures/:consentId', {
    config: { access: { roles: disclosureRoles, purpose: 'required' } },
    schema: {
      tags: ['cases'],
      summary: "Export a case for a third party under the chair's recorded consent",
      description: `Roles: ${disclosureRoles.join(', ')}. Refused (403) unless the case's timeline holds a disclosure.consented entry with this consentId that has not expired. The export carries the consent's marking and only the parts in its scope; it is logged in the access log as action "disclose".`,
      operationId: 'exportForThirdParty',
      security: bearerSecurity,
      headers: readHeadersSchema,
      querystring: noQuery,
      params: caseParamsSchema.extend({ consentId: consentIdSchema }),
      response: { 200: jsonResponse(exportSchema, 'The export, marked with its consent'), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const principal = principalOf(req);
    const { caseId, consentId } = req.params;
    const { view, access } = await readCaseFor(deps.cases, caseId, principal);
    // A restricted case is disclosed only by someone who reads it in full (its need-to-know list).
    if (access !== 'full') throw new ProblemError('forbidden', `Case ${caseId} is restricted: only its need-to-know list may export it.`);
    const timeline = await deps.cases.timeline(caseId);
    try {
      const exported = thirdPartyExport(view, timeline, consentId, deps.now?.() ?? new Date());
      req.disclosure = {
        action: 'disclose', caseIds: [caseId], view: 'full', consentId, defaultPurpose: `${exported.consent.purpose} disclosure`,
        ...(view.restricted ? { restrictedCaseIds: [caseId] } : {}),
      };
      return exported as unknown as z.infer<typeof exportSchema>;
    } catch (err) {
      if (err instanceof DisclosureRefusedError) throw new ProblemError('forbidden', err.message);
      throw err;
    }
  });
}
