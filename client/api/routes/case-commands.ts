import type { FastifyInstance } from 'fastify';
import type { CaseRestrictions } from '../case-restrictions';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { caseCommandFields, caseCommandSchemas, type CaseCommandInput, type CaseCommandName } from '../../../domain/case-commands';
import { inputIssues, strictInput } from '../../../domain/strict-input';
import type { CaseClient } from '../../cases';
import { bearerSecurity, principalOf } from '../auth';
import { caseAccess, commandRules, restrictionCommands, type CommandRule } from '../permissions';
import { caseSkeleton, fullViewFor } from '../redaction';
import { ProblemError, problemResponses } from '../problem';
import { caseWriteResultSchema, jsonResponse } from '../schemas';
import { actorOf, caseParamsSchema, noQuery, readCaseFor, writeHeadersSchema } from './shared';

/**
 * One route per user action on a case: the body is the action's own fields (domain/case-commands.ts)
 * without `actor`, which comes from the token, and nothing else (a field it does not define is
 * refused, by name: domain/strict-input.ts). A route may take a field from its path instead.
 * A new case command is one row here and one in permissions.ts; actions on other workflows
 * (dispute responses, meetings) add a table of the same shape with their own client call.
 */
export interface CommandRoute<N extends CaseCommandName = CaseCommandName> {
  name: N;
  /** Under /cases/:caseId. */
  path: string;
  summary: string;
  params: z.ZodObject;
  body: z.ZodObject;
  toInput: (params: Record<string, string>, body: Record<string, unknown>) => Omit<CaseCommandInput<N>, 'actor'>;
}

const fromBody = <N extends CaseCommandName>(name: N, path: string, summary: string): CommandRoute<N> => ({
  name, path, summary, params: caseParamsSchema, body: strictInput(caseCommandFields[name] as z.ZodObject),
  toInput: (_params, body) => body as Omit<CaseCommandInput<N>, 'actor'>,
});

export const caseCommandRoutes: CommandRoute[] = [
  fromBody('submitSummary', '/summaries', "Submit an agency's summary (the agency itself)"),
  fromBody('recordVictimContact', '/victim-contact', "Record the victim's voice before the meeting"),
  fromBody('recordMeetingOutcome', '/meeting-outcome', 'Record the meeting outcome: the HRDA Matrix (administrator)'),
  {
    name: 'updateAction',
    path: '/actions/:actionId/updates',
    summary: 'Update an action of the HRDA Matrix (its owner)',
    params: caseParamsSchema.extend({ actionId: caseCommandFields.updateAction.shape.actionId }),
    body: strictInput(caseCommandFields.updateAction.omit({ actionId: true })),
    toInput: (params, body) => ({ ...(body as Omit<CaseCommandInput<'updateAction'>, 'actor' | 'actionId'>), actionId: params.actionId! }),
  } satisfies CommandRoute<'updateAction'>,
  fromBody('requestReview', '/review-requests', 'Request a management review (lead professional or administrator)'),
  fromBody('recordQaDecision', '/review-requests/qa', "Record the chairs' quality-assurance decision (chair)"),
  fromBody('recordReviewOutcome', '/review-outcome', 'Record the management review outcome'),
  fromBody('changeRisk', '/risk', 'Raise the risk level by professional judgement'),
  fromBody('raiseDispute', '/disputes', 'Raise a dispute between agencies (docs/protocol.md §1.6); it runs through the escalation protocol'),
  fromBody('closeCase', '/close', 'Close the case (administrator)'),
  fromBody('recordDisclosureConsent', '/disclosure-consents', "Record the chair's consent to disclose the case to a third party ([002] 3.39–3.40; chair)"),
  fromBody('restrictCase', '/restriction', 'Restrict the case to a need-to-know list of staff references (chair; 003 §18.3). Police become the lead agency'),
  fromBody('amendNeedToKnow', '/restriction/need-to-know', "Add people to or remove them from a restricted case's need-to-know list (chair)"),
  fromBody('recordDvds', '/dvds', "Record a DVDS disclosure (Clare's Law) and the wording agreed at the daily meeting"),
  fromBody('signOffDvds', '/dvds/sign-off', 'Sign off the agreed DVDS wording (the Police)'),
  fromBody('recordDvpo', '/dvpos', 'Record a DVPO: date, length, protected premises and terms, circulated to the agencies'),
  fromBody('reportDvpoBreach', '/dvpos/breaches', 'Report a breach of a DVPO in force'),
  fromBody('confirmRisk', '/risk-confirmation', "Record the chair's confirmation of the risk level at the daily meeting ([002] 2.26, 2.37–2.41; chair)"),
  fromBody('referToMarac', '/marac-referral', 'Refer the case on to the MARAC in a category (full discussion, significant update, information only) with a rationale ([002] 2.28, 2.54)'),
  fromBody('recordMaracOutcome', '/marac-outcome', "Record the MARAC's outcome: risks and the actions it set ([002] 3.17-3.23)"),
  fromBody('recordChildrenCheck', '/children-check', "Record the agencies' check that a case listed with no children linked has none, or the children found ([002] 2.22)"),
  fromBody('recordFirstResponseDecision', '/first-response', "Record First Response's decision on a shared incident: the level of need and why (children's social care; [001])"),
  fromBody('recordHealthSharing', '/health-sharing', 'Record that health passed a shared incident to the caseload holders named (health; [001])'),
  fromBody('recordVictimTold', '/victim-told', 'Record that the victim was told of the MARAC referral, and their consent if asked (the agency in contact with them; [001]). `consentToShare: false` needs `sharingWithoutConsent` (the lawful basis and who decided) unless the referral gave one: 400 naming the field otherwise'),
  // The MASH stage of a profile that has one (domain/mash.ts; docs/profiles.md); any other case refuses them.
  fromBody('recordScreening', '/screening', 'Record the screening decision: no further action, shared for support, or referred into the MASH (MASH profiles; 003 §7.3.1(3))'),
  fromBody('setRagRating', '/rag-rating', "Set or re-assess the MASH RAG rating, which sets the referral's timescale (a MASH team manager; 003 §12.1, §14.5)"),
  fromBody('recordTriageResponse', '/triage-responses', "Record an agency's triage response: chronology and summary (the agency itself, or MASH staff loading an emailed \"TRIAGE RESPONSE\"; 003 §14.4)"),
  fromBody('conveneMashMeeting', '/mash-meeting', 'Convene a MASH meeting or strategy discussion; its record is due within 24 hours of the referral (003 §14.8)'),
  fromBody('recordMashDecision', '/mash-decision', 'Record the MASH decision or meeting record: outcomes, lead agency, rationale; it closes the case or refers it to MARAC (a MASH team manager; 003 §14.5–14.8, §17.2)'),
] as CommandRoute[];

async function hasEnded(cases: CaseClient, caseId: string): Promise<boolean> {
  try {
    return (await cases.handle(caseId).describe()).status.name !== 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export function registerCaseCommandRoutes(fastify: FastifyInstance, deps: { cases: CaseClient; restrictions: CaseRestrictions }, routes: CommandRoute[] = caseCommandRoutes): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  for (const route of routes) {
    const rule = commandRules[route.name];
    app.post(`/cases/:caseId${route.path}`, {
      config: { access: { roles: rule.roles }, idempotent: true },
      schema: {
        tags: ['cases'],
        summary: route.summary,
        description: `Roles: ${rule.roles.join(', ')}. An agency role acts only on cases its agency is involved in. The workflow update \`${route.name}\`.`,
        operationId: route.name,
        security: bearerSecurity,
        headers: writeHeadersSchema,
        querystring: noQuery,
        params: route.params,
        body: route.body,
        response: { 200: jsonResponse(caseWriteResultSchema, 'The case after the action'), ...problemResponses(400, 401, 403, 404, 409, 415, 422, 503) },
      },
    }, async (req) => {
      const principal = principalOf(req);
      const { caseId } = req.params as { caseId: string };
      const input = route.toInput(req.params as Record<string, string>, req.body as Record<string, unknown>);
      const actor = actorOf(principal);
      // The full command's own rules (e.g. feedback when QA does not accept) are checked before anything is sent.
      const full = caseCommandSchemas[route.name].safeParse({ ...input, actor });
      if (!full.success) {
        throw new ProblemError('invalid-input', `Invalid ${route.name}; each problem is listed under errors.`, inputIssues(full.error.issues, '(body)').map((i) => ({ ...i, in: 'body' as const })));
      }
      const { checkInput, checkCase } = rule as CommandRule;
      const refuse = (reason: string | undefined) => {
        if (reason) throw new ProblemError('forbidden', `${route.name} is not permitted: ${reason}.`);
      };
      refuse(checkInput?.(principal, input as never));
      // Every write reads the case first: whether the caller may know of it (agency involvement,
      // a restricted case's need-to-know list) decides before anything is sent.
      const { view, access } = await readCaseFor(deps.cases, caseId, principal);
      if (access !== 'full' && !restrictionCommands.includes(route.name)) {
        refuse('the case is restricted and you are not on its need-to-know list; a chair decides who needs to know (amendNeedToKnow)');
      }
      refuse(checkCase?.(principal, input as never, view));
      let updated;
      try {
        // Keyed writes are keyed updates: a retry after the idempotency record was lost (the store went
        // down between the update and the record) is answered by Temporal, not applied again.
        const updateId = req.idempotency ? `idempotency-${req.idempotency.scope}` : undefined;
        updated = await deps.cases.command(caseId, route.name, input as never, actor, updateId ? { updateId } : {});
      } catch (err) {
        // A closed case's workflow has completed: Temporal says "not found" to an update, the case says "closed".
        if (err instanceof WorkflowNotFoundError && (await hasEnded(deps.cases, caseId))) throw new ProblemError('refused', `${route.name} refused: the case is closed`);
        throw err;
      }
      // The codec server places the case's payloads by this once its workflow is gone.
      if (restrictionCommands.includes(route.name) || updated.restricted) await deps.restrictions.record(caseId, updated);
      // A chair who amends a list they are not on (or leaves it) is answered with the skeleton.
      const shown = caseAccess(principal, updated) === 'full' ? 'full' : 'skeleton';
      req.disclosure = { action: 'write', caseIds: [caseId], view: shown, defaultPurpose: route.name, ...(updated.restricted ? { restrictedCaseIds: [caseId] } : {}) };
      return { caseId, case: shown === 'full' ? fullViewFor(principal, updated) : caseSkeleton(updated, { needToKnow: principal.role === 'chair' }) };
    });
  }
}
