import { z } from 'zod';
import type { Actor } from '../../../domain/actor';
import type { Principal } from '../../../domain/auth';
import { restrictedAccess } from '../../../domain/restriction';
import type { CaseView } from '../../../machines/referral';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { CaseClient } from '../../cases';
import { purposeHeader } from '../auth';
import { idempotencyKeyHeader, idempotencyKeySchema } from '../idempotency';
import { caseAccess, type CaseAccess } from '../permissions';
import { caseNotFound } from '../problem';
import { caseIdSchema } from '../schemas';

export const caseParamsSchema = z.object({ caseId: caseIdSchema });

const purposeSchema = z.string().trim().min(3).max(500).meta({
  description: 'Why you are reading the case, in a few words (e.g. "preparing for the meeting of 26 November"). Required for every role, auditors included (e.g. "annual audit"); the access log records it.',
});

/**
 * Headers are validated as a loose object: the rest (Authorization, …) pass through untouched.
 * Every read of a case states its purpose, whoever reads (an auditor too: "annual audit"), so that
 * the OpenAPI document's `required` is what the server enforces (client/api/auth.ts answers first).
 */
export const readHeadersSchema = z.looseObject({ [purposeHeader]: purposeSchema });
/** A route that takes no query string refuses one, naming each parameter, as bodies refuse unknown fields. */
export const noQuery = z.strictObject({});

export const writeHeadersSchema = z.looseObject({ [idempotencyKeyHeader]: idempotencyKeySchema.optional(), [purposeHeader]: purposeSchema.optional() });

/** Who acted, as the timeline records it: the token's role and agency, and its subject as the name. */
export function actorOf(principal: Principal): Actor {
  return { role: principal.role, ...(principal.agency ? { agency: principal.agency } : {}), name: principal.sub };
}

/**
 * The case and how much of it the caller reads, if they may know of it; otherwise the same 404 either way.
 *
 * Restriction is decided before the case's workflow is touched (issue 17 item 6), from the marks the
 * service recorded with the case's submission and each of its commands: a caller kept off a
 * restricted case gets its 404 after one store read, one Temporal lookup by ID and one archive read,
 * which is what a case that does not exist costs (a store read, a query the server refuses without
 * running any code, an archive read), so the time of the answer does not tell them the case exists. Reading the case would cost a
 * workflow task on a worker, three times as long. The live view decides again after (it may have
 * been restricted a moment ago by another API process): a refusal either way is the same 404.
 */
export async function readCaseFor(cases: CaseClient, caseId: string, principal: Principal): Promise<{ view: CaseView; access: Exclude<CaseAccess, 'none'> }> {
  const recorded = await cases.recordedRestriction(caseId);
  if (recorded && restrictedAccess(principal, recorded) === 'hidden') {
    await cases.lookUp(caseId);
    throw caseNotFound(caseId);
  }
  let view: CaseView;
  try {
    view = await cases.state(caseId);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw caseNotFound(caseId);
    throw err;
  }
  const access = caseAccess(principal, view);
  if (access === 'none') throw caseNotFound(caseId);
  return { view, access };
}

