import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError } from '@temporalio/common';
import { QueryNotRegisteredError, ServiceError } from '@temporalio/client';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { CaseIdRetiredError, InvalidInputError, RefusedError, SubmissionNotConfirmedError } from '../cases';
import { isStoreUnavailable } from '../../store/unavailable';
import { isUnimplemented } from '../sandbox/unimplemented';
import { notOnThisServer } from '../sandbox/not-on-this-server';
import { fieldPath, unknownFieldMessage } from '../../domain/strict-input';
import { caseNotFound, problemContentType, ProblemError, type FieldProblem } from './problem';
import { noteProblemSent } from './problem-sent';

/** What a caller is told to wait when the store is down: a restarted PostgreSQL is back within seconds. */
const storeRetryAfterSeconds = 5;

const parts: Record<string, FieldProblem['in']> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * Fastify's router answers a malformed or over-long URL before any handler runs; this gives those
 * answers the same problem+json shape. The URL is not echoed: it could carry anything.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const problem = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? new ProblemError('uri-too-long', 'A path parameter is longer than any identifier this API issues.')
    : new ProblemError('malformed-request', 'The request URL cannot be read.');
  noteProblemSent(reply, problem.kind);
  return reply.code(problem.status).type(problemContentType).send(problem.toProblem(''));
}

/** Every failure leaves as problem+json; a server error is logged by name and stack only, never with the request's data. */
export function installProblemHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => sendProblem(req, reply, toProblemError(err, req)));
  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, new ProblemError('not-found', `There is no route ${req.method} ${req.url.split('?')[0]}.`)));
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, problem: ProblemError) {
  noteProblemSent(reply, problem.kind);
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type(problemContentType)
    .send(problem.toProblem(req.url.split('?')[0] ?? req.url));
}

function toProblemError(err: FastifyError, req: FastifyRequest): ProblemError {
  if (err instanceof ProblemError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = parts[err.validationContext ?? 'body'];
    const located = (path: string, message: string): FieldProblem => ({ path, message, ...(where ? { in: where } : {}) });
    const errors = err.validation.flatMap((v) => {
      const at = v.instancePath.replace(/^\//, '').split('/').filter(Boolean);
      // zod reports an object's unknown fields once, for the object: each is named at its own path.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
      if (Array.isArray(keys)) return keys.map((k) => located(fieldPath([...at, String(k)]), where === 'query' ? 'unknown query parameter: not part of this request (docs/contract.md)' : unknownFieldMessage));
      return [located(at.join('.') || `(${where})`, v.message ?? 'invalid')];
    });
    return new ProblemError(
      'invalid-input',
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in the request ${where === 'query' ? 'query string' : where}; each is listed under errors.`,
      errors,
    );
  }
  if (err instanceof InvalidInputError) {
    const [summary] = err.message.split(':\n');
    return new ProblemError('invalid-input', `${summary}; each problem is listed under errors.`, err.issues.map((i) => ({ path: i.path, message: i.message, in: 'body' })));
  }
  if (err instanceof RefusedError) return new ProblemError('refused', err.message);
  if (err instanceof SubmissionNotConfirmedError) {
    req.log.warn({ route: req.routeOptions.url, method: req.method, requestId: req.id, waitedMs: err.waitedMs }, 'a submission was not confirmed in time: are the workers running?');
    return new ProblemError('not-confirmed', `${err.message}.`, undefined, { 'retry-after': '5' });
  }
  // The API derives a case's ID from the Idempotency-Key (routes/cases.ts asks first; this is the backstop).
  if (err instanceof CaseIdRetiredError) {
    return new ProblemError('case-id-retired', `${err.message}.`, [{ path: 'Idempotency-Key', message: 'made a case whose personal data was destroyed; a new referral needs a new key', in: 'headers' }]);
  }
  if (err instanceof WorkflowNotFoundError) return caseNotFound((req.params as { caseId?: string } | undefined)?.caseId ?? '');
  // Before the generic server-error path: not a fault of this request, and nothing about it to log but the fact.
  if (isStoreUnavailable(err)) {
    req.log.warn({ route: req.routeOptions.url, method: req.method, requestId: req.id }, 'the store is unavailable');
    return new ProblemError('store-unavailable', "The service's store (PostgreSQL) cannot be reached. Retry after the time in Retry-After; a write retried with the same Idempotency-Key is applied once.", undefined, { 'retry-after': String(storeRetryAfterSeconds) });
  }
  // The sandbox's time-skipping test server has no visibility API: say so rather than fail as a fault.
  if (isUnimplemented(err)) return new ProblemError('not-implemented', notOnThisServer);
  if (err instanceof QueryNotRegisteredError) return new ProblemError('not-ready', 'The case is still being registered; retry in a moment.', undefined, { 'retry-after': '1' });
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ProblemError('malformed-request', 'The request body is not valid JSON.', [{ path: '(body)', message: 'not valid JSON', in: 'body' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ProblemError('malformed-request', 'The request body is empty; send a JSON object.', [{ path: '(body)', message: 'required', in: 'body' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError('unsupported-media-type', 'Send the body as application/json.');
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    // Fastify's own client errors (body too large, bad content length, …): their messages name no data.
    return new ProblemError(err.statusCode === 413 ? 'payload-too-large' : 'malformed-request', err.message);
  }
  // The message could quote data; the error's type, code and stack frames (without the message line) cannot.
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).map((line) => line.trim());
  req.log.error({ err: { type: err.name, code: err.code, frames }, route: req.routeOptions.url, method: req.method, requestId: req.id }, 'request failed');
  if (err instanceof ServiceError) return new ProblemError('unavailable', 'Temporal could not be reached; retry later.', undefined, { 'retry-after': '5' });
  return new ProblemError('internal');
}
