import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import type { ZodType } from 'zod';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { isAgencyScoped, writingRoles } from '../../../domain/auth';
import { defaultProfileId, getProfile, isProfileId, profiles } from '../../../domain/profiles';
import { validateReferral } from '../../../domain/referral-validation';
import { strictInput } from '../../../domain/strict-input';
import { restrictingFlags } from '../../../domain/restriction';
import type { CaseView } from '../../../machines/referral';
import { CaseIdRetiredError, InvalidInputError, SubmissionNotConfirmedError, type CaseClient } from '../../cases';
import { allRoles, bearerSecurity, principalOf } from '../auth';
import { caseListQuerySchema, listCases } from '../case-list';
import { caseAccess } from '../permissions';
import { canonicalJson, caseIdForKey, idempotencyKeyOf } from '../idempotency';
import { caseNotFound, ProblemError, problemResponses } from '../problem';
import { caseSkeleton, fullViewFor, redactTimeline } from '../redaction';
import { caseListComponent, caseReadSchema, caseWriteResultSchema, jsonResponse, referralSubmissionSchema, timelineSchema } from '../schemas';
import { actorOf, caseParamsSchema, noQuery, readCaseFor, readHeadersSchema, writeHeadersSchema } from './shared';
import type { Client } from '@temporalio/client';
import type { CaseRestrictions } from '../case-restrictions';
import type { Database } from '../../../store/database';

export interface CaseRouteDeps {
  cases: CaseClient;
  temporal: Client;
  /** Where a case restricted at intake is recorded, for the codec server once its workflow is gone. */
  restrictions: CaseRestrictions;
  /** The service's secret for case IDs derived from idempotency keys (HRDA_SUBJECT_KEY). */
  caseIdSecret: string;
  /** The store: case lists read the case record (store/records). */
  db: Database;
  /** "Now" for a referral (its receivedAt when absent, and no later than now): the sandbox's simulated clock there. */
  now?: () => Date;
}

/**
 * The referral body is documented by its schema but checked by validateReferral (through the
 * case client), which lists the schema's problems and the profile's (unknown agencies, the DASH
 * threshold) together, so that every problem is reported at once.
 */
const bodyCheckedByHandler: FastifySchemaCompiler<ZodType> = (route) =>
  route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler(route);

export function registerCaseRoutes(fastify: FastifyInstance, deps: CaseRouteDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/cases', {
    config: { access: { roles: writingRoles }, idempotent: true },
    validatorCompiler: bodyCheckedByHandler as never,
    schema: {
      tags: ['cases'],
      summary: 'Submit a referral',
      description: 'Starts a case. With an Idempotency-Key, the case ID is derived from the key and the caller, so a retry returns the same case (200, Idempotent-Replayed: true) and never a second one.',
      security: bearerSecurity,
      headers: writeHeadersSchema,
      querystring: z.strictObject({ profile: referralSubmissionSchema.shape.profile }),
      body: referralSubmissionSchema,
      response: {
        201: jsonResponse(caseWriteResultSchema, 'The case is registered and routed; Location names it'),
        200: jsonResponse(caseWriteResultSchema, 'A replay: this Idempotency-Key already made this case (Idempotent-Replayed: true)'),
        ...problemResponses(400, 401, 403, 409, 410, 415, 422, 503),
      },
    },
  }, async (req, reply) => {
    const principal = principalOf(req);
    const raw: unknown = req.body;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ProblemError('invalid-input', 'The body is a referral: a JSON object (docs/contract.md §1).', [{ path: '(body)', message: 'expected an object', in: 'body' }]);
    }
    const { profile: bodyProfile, ...referral } = raw as Record<string, unknown>;
    const profileId = req.query.profile ?? bodyProfile ?? defaultProfileId;
    if (!isProfileId(profileId)) {
      throw new ProblemError('invalid-input', 'Unknown profile.', [{ path: 'profile', message: `one of ${Object.keys(profiles).join(', ')}`, in: req.query.profile ? 'query' : 'body' }]);
    }
    const referrer = (referral.referrer as { agency?: unknown } | undefined)?.agency;
    if (isAgencyScoped(principal.role) && typeof referrer === 'string' && referrer !== principal.agency) {
      throw new ProblemError('forbidden', `A ${principal.role} refers for their own agency (${principal.agency}), not ${referrer}.`);
    }

    // Validated before anything reaches Temporal: a refused referral costs no round trip, and the
    // answer is the same whether or not a case exists under this key.
    const now = deps.now?.() ?? new Date();
    const checked = validateReferral(referral, getProfile(profileId), now.toISOString());
    if (!checked.ok) throw new InvalidInputError('Invalid referral', checked.issues);

    const key = idempotencyKeyOf(req);
    const caseId = key ? caseIdForKey(deps.caseIdSecret, principal.sub, key) : randomUUID();
    req.disclosure = { action: 'write', caseIds: [caseId], view: 'full', defaultPurpose: 'submitReferral' };
    reply.header('location', `/cases/${caseId}`);

    if (key) await refuseRetiredKey(deps.cases, caseId);
    const earlier = key ? await existingCase(deps.cases, caseId) : undefined;
    if (earlier) {
      // The same key after this process forgot it (a restart): the case itself is the record.
      if (earlier.profile !== profileId || !sameReferral(checked.referral, earlier.referral, 'receivedAt' in referral)) {
        throw new ProblemError('idempotency-key-reused', 'This Idempotency-Key already made a case from a different referral; use a new key for a new referral.');
      }
      // The case as the caller may read it now: a chair may have restricted it since, without them.
      const access = caseAccess(principal, earlier);
      if (access === 'none') throw caseNotFound(caseId);
      req.disclosure.view = access;
      if (earlier.restricted) req.disclosure.restrictedCaseIds = [caseId];
      const shown = access === 'skeleton' ? caseSkeleton(earlier, { needToKnow: principal.role === 'chair' }) : earlier;
      await deps.restrictions.record(caseId, earlier);
      return reply.code(200).header('idempotent-replayed', 'true').send({ caseId, case: shown });
    }
    // The case's restriction is known from its flags before it starts (the workflow restricts it at
    // intake the same way): recorded first, a case that is never confirmed still has its marks.
    const restricted = restrictingFlags(checked.referral.incident.flags, getProfile(profileId).restriction.flags).length > 0;
    await deps.restrictions.recordIfAbsent(caseId, { restricted, needToKnow: restricted ? [principal.sub] : [] });
    let submitted;
    try {
      submitted = await deps.cases.submitReferral(referral, { profileId, caseId, now, submittedBy: principal.sub, submitter: actorOf(principal) });
    } catch (err) {
      // Without a key a second POST is a second case: the caller is told to read this one, not to resend.
      if (err instanceof SubmissionNotConfirmedError && !key) {
        throw new ProblemError('not-confirmed', `The referral was taken in as case ${caseId}, but the service did not confirm it within ${Math.round(err.waitedMs / 1000)} s (its workers may be stopped or overloaded); it is registered when a worker takes it. Do not send it again: without an Idempotency-Key that would make a second case. Read it at /cases/${caseId}.`, undefined, { 'retry-after': '5' });
      }
      throw err;
    }
    if (submitted.case.restricted) req.disclosure.restrictedCaseIds = [caseId];
    await deps.restrictions.record(caseId, submitted.case);
    return reply.code(201).send({ caseId, case: submitted.case });
  });

  app.get('/cases', {
    config: { access: { roles: allRoles, purpose: 'required' } },
    schema: {
      tags: ['cases'],
      summary: 'List cases by stage, risk, route, overdue actions, meeting date, agency or profile',
      description: 'Read from the case record in the service\'s store, which each case\'s workflow keeps up to date as the case moves (a moment behind it). Newest first. Agency roles see only the cases their agency is involved in.',
      security: bearerSecurity,
      headers: readHeadersSchema,
      querystring: strictInput(caseListQuerySchema),
      response: { 200: jsonResponse(caseListComponent, 'One page of cases; pass nextPageToken as pageToken for the next'), ...problemResponses(400, 401, 403) },
    },
  }, async (req) => {
    const principal = principalOf(req);
    const list = await listCases(deps.db, req.query, principal);
    req.disclosure = { action: 'list', caseIds: list.items.map((i) => i.caseId), view: 'skeleton', restrictedCaseIds: list.items.filter((i) => i.restricted).map((i) => i.caseId) };
    return list;
  });

  app.get('/cases/:caseId', {
    config: { access: { roles: allRoles, purpose: 'required' } },
    schema: {
      tags: ['cases'],
      summary: "A case's state",
      description: 'The full case for administrators, chairs, auditors and involved agencies; a skeleton without personal data for ops. A restricted case (honour-based violence, forced marriage, or restricted by a chair) is read in full only by the people on its need-to-know list and by auditors; chairs not on the list get its skeleton (with the list), ops the skeleton, and anyone else 404 as if it did not exist.',
      security: bearerSecurity,
      headers: readHeadersSchema,
      querystring: noQuery,
      params: caseParamsSchema,
      response: { 200: jsonResponse(caseReadSchema, 'The case (CaseView), or for ops its skeleton (CaseSkeleton)'), ...problemResponses(400, 401, 403, 404, 503) },
    },
  }, async (req) => {
    const principal = principalOf(req);
    const { view, access } = await readCaseFor(deps.cases, req.params.caseId, principal);
    req.disclosure = { action: 'read', caseIds: [view.caseId], view: access, ...(view.restricted ? { restrictedCaseIds: [view.caseId] } : {}) };
    return access === 'skeleton' ? caseSkeleton(view, { needToKnow: principal.role === 'chair' }) : fullViewFor(principal, view);
  });

  app.get('/cases/:caseId/timeline', {
    config: { access: { roles: allRoles, purpose: 'required' } },
    schema: {
      tags: ['cases'],
      summary: "A case's timeline",
      description: 'The same access as the case: full, redacted (ops; chairs not on a restricted case\'s need-to-know list), or 404.',
      security: bearerSecurity,
      headers: readHeadersSchema,
      querystring: noQuery,
      params: caseParamsSchema,
      response: { 200: jsonResponse(timelineSchema, 'The timeline, oldest entry first'), ...problemResponses(400, 401, 403, 404, 503) },
    },
  }, async (req) => {
    const principal = principalOf(req);
    const { caseId } = req.params;
    const { view, access } = await readCaseFor(deps.cases, caseId, principal);
    let timeline;
    try {
      timeline = await deps.cases.timeline(caseId);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw caseNotFound(caseId);
      throw err;
    }
    req.disclosure = { action: 'read', caseIds: [caseId], view: access, ...(view.restricted ? { restrictedCaseIds: [caseId] } : {}) };
    return access === 'skeleton' ? redactTimeline(timeline) : timeline;
  });
}

/**
 * The key made a case whose personal data has since been destroyed: 410, naming the header. Asked
 * before the case is read, because a destroyed case can no longer be read (and after Temporal has
 * purged it, a start would make a new case under a retired ID).
 */
async function refuseRetiredKey(cases: CaseClient, caseId: string): Promise<void> {
  try {
    await cases.assertCaseIdUsable(caseId);
  } catch (err) {
    if (!(err instanceof CaseIdRetiredError)) throw err;
    throw new ProblemError('case-id-retired', `This Idempotency-Key made case ${caseId}, whose personal data was destroyed on ${err.destroyedAt} (${err.reason}); use a new key for a new referral.`, [
      { path: 'Idempotency-Key', message: 'made a case whose personal data was destroyed; a new referral needs a new key', in: 'headers' },
    ]);
  }
}

async function existingCase(cases: CaseClient, caseId: string): Promise<CaseView | undefined> {
  try {
    return await cases.stateOfSubmitted(caseId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

function sameReferral(submitted: object, recorded: object, compareReceivedAt: boolean): boolean {
  const strip = (r: object) => {
    const { receivedAt, ...rest } = r as { receivedAt?: string };
    return compareReceivedAt ? { receivedAt, ...rest } : rest;
  };
  return canonicalJson(strip(submitted)) === canonicalJson(strip(recorded));
}
