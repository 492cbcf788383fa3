import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { isAgencyScoped, type Principal } from '../../domain/auth';
import { caseFiltersSchema } from '../../domain/case-filters';
import { profiles } from '../../domain/profiles';
import { caseListQuery } from '../case-list';
import { involvementClause, restrictionClause } from './permissions';
import { ProblemError } from './problem';

/**
 * Case lists from Temporal visibility: a query on the search attributes the case workflow
 * upserts, read from the list itself (no query to each workflow). Every value reaches the
 * query through a schema that admits only its own vocabulary, and then as an escaped literal.
 */
export const profileIdSchema = z.enum(Object.keys(profiles) as [string, ...string[]]);

/** The filters of `hrda case list` (domain/case-filters.ts), and a page token to go on from. */
export const caseListQuerySchema = caseFiltersSchema.extend({
  pageToken: z.string().max(4096).regex(/^[A-Za-z0-9_-]+$/, 'a nextPageToken from the previous page').optional(),
});
export type CaseListQuery = z.output<typeof caseListQuerySchema>;

export const caseListItemSchema = z.object({
  caseId: z.string(),
  status: z.string().meta({ description: 'The workflow status: running, completed, …' }),
  stage: z.string().nullable(),
  risk: z.string().nullable(),
  route: z.string().nullable(),
  profile: z.string().nullable(),
  agencies: z.array(z.string()),
  nextDeadline: z.string().nullable(),
  nextMeeting: z.string().nullable(),
  overdueActions: z.number().int(),
  openDisputes: z.number().int(),
  restricted: z.boolean().meta({ description: 'Restricted to a need-to-know list (honour-based violence, forced marriage, or a chair\'s decision).' }),
});
export type CaseListItem = z.infer<typeof caseListItemSchema>;
export const caseListSchema = z.object({ items: z.array(caseListItemSchema), nextPageToken: z.string().nullable() });
export type CaseList = z.infer<typeof caseListSchema>;

/** A visibility-query string literal; quotes and backslashes are escaped as the query grammar requires. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The CLI's query on the search attributes (client/case-list.ts), limited to the caller's cases for an agency role. */
export function caseListVisibilityQuery(filters: Omit<CaseListQuery, 'pageSize' | 'pageToken'>, principal: Principal): string {
  const query = caseListQuery(filters);
  const restriction = restrictionClause(principal, literal);
  const involved = isAgencyScoped(principal.role) ? involvementClause(principal.agency ?? '', literal) : null;
  if (!restriction) return involved ? `${query} AND ${involved}` : query;
  // Someone on a restricted case's list sees it whether or not their agency is involved.
  const ordinary = involved ? `(${involved} AND ${restriction.unrestricted})` : restriction.unrestricted;
  return `${query} AND (${ordinary} OR ${restriction.onList})`;
}

const statusNames = proto.temporal.api.enums.v1.WorkflowExecutionStatus;

export async function listCases(temporal: Client, query: CaseListQuery, principal: Principal): Promise<CaseList> {
  const { pageSize, pageToken, ...filters } = query;
  let response;
  try {
    response = await temporal.workflowService.listWorkflowExecutions({
      namespace: temporal.options.namespace,
      query: caseListVisibilityQuery(filters, principal),
      pageSize,
      ...(pageToken ? { nextPageToken: Buffer.from(pageToken, 'base64url') } : {}),
    });
  } catch (err) {
    // gRPC INVALID_ARGUMENT on a page token the server did not issue (or that has expired).
    if (pageToken && (err as { code?: number }).code === 3) {
      throw new ProblemError('invalid-input', 'The page token is not valid; start again from the first page.', [{ path: 'pageToken', message: 'not a token this list issued', in: 'query' }]);
    }
    throw err;
  }
  const items = response.executions.map((raw): CaseListItem => {
    const fields = raw.searchAttributes?.indexedFields ?? {};
    const value = (name: string): unknown => {
      const payload = fields[name];
      return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
    };
    const one = (name: string): string | null => {
      const v = value(name);
      const first = Array.isArray(v) ? v[0] : v;
      return first === undefined || first === null ? null : String(first);
    };
    const count = (name: string) => Number(one(name) ?? 0);
    const agencies = value('HrdaAgencies');
    const workflowId = raw.execution?.workflowId ?? '';
    return {
      caseId: workflowId.replace(/^case-/, ''),
      status: (statusNames[raw.status ?? 0] ?? 'UNSPECIFIED').replace('WORKFLOW_EXECUTION_STATUS_', '').toLowerCase(),
      stage: one('HrdaStage'),
      risk: one('HrdaRisk'),
      route: one('HrdaRoute'),
      profile: one('HrdaProfile'),
      agencies: Array.isArray(agencies) ? agencies.map(String) : typeof agencies === 'string' ? [agencies] : [],
      nextDeadline: isoOrNull(one('HrdaNextDeadline')),
      nextMeeting: isoOrNull(one('HrdaNextMeeting')),
      overdueActions: count('HrdaOverdueActions'),
      openDisputes: count('HrdaOpenDisputes'),
      restricted: one('HrdaRestricted') === 'true',
    };
  });
  const next = response.nextPageToken;
  return { items, nextPageToken: next && next.length ? Buffer.from(next).toString('base64url') : null };
}

function isoOrNull(v: string | null): string | null {
  if (v === null) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}
