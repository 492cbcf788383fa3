import { z } from 'zod';
import { isAgencyScoped, type Principal } from '../../domain/auth';
import { addDays, atLocal } from '../../domain/calendar';
import { caseFiltersSchema } from '../../domain/case-filters';
import { profiles } from '../../domain/profiles';
import type { Database } from '../../store/database';
import { listCaseRecords, type ListCursor, type ListScope } from '../../store/records/list';
import { caseListQuery } from '../case-list';
import { involvementClause, profilesAsking, restrictionClause } from './permissions';
import { ProblemError } from './problem';

/**
 * Case lists from the case record (store/records): one query on the service's store, whatever the
 * number of cases, and no query to any workflow. Every value reaches the query through a schema that
 * admits only its own vocabulary, and then as a bind parameter.
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

/**
 * The same list as a Temporal visibility query on the search attributes (client/case-list.ts), limited
 * to the caller's cases for an agency role: for ops in the Web UI and `temporal workflow list`, and
 * what lists read before the case record.
 */
export function caseListVisibilityQuery(filters: Omit<CaseListQuery, 'pageSize' | 'pageToken'>, principal: Principal): string {
  const query = caseListQuery(filters);
  const restriction = restrictionClause(principal, literal);
  const involved = isAgencyScoped(principal.role) ? involvementClause(principal.agency ?? '', literal) : null;
  if (!restriction) return involved ? `${query} AND ${involved}` : query;
  // Someone on a restricted case's list sees it whether or not their agency is involved.
  const ordinary = involved ? `(${involved} AND ${restriction.unrestricted})` : restriction.unrestricted;
  return `${query} AND (${ordinary} OR ${restriction.onList})`;
}

/** The rules of client/api/permissions.ts for a list: involvement for agency roles, the need-to-know list for restricted cases. */
export function listScopeOf(principal: Principal): ListScope {
  return {
    ...(isAgencyScoped(principal.role) ? { involvement: { agency: principal.agency ?? '', askedProfiles: profilesAsking(principal.agency ?? '') } } : {}),
    ...(restrictionClause(principal, literal) ? { needToKnowSub: principal.sub } : {}),
  };
}

const cursorSchema = z.tuple([z.string().max(64), z.string().max(256)]);
const tokenOf = (c: ListCursor) => Buffer.from(JSON.stringify([c.startedAt, c.caseId])).toString('base64url');
function cursorOf(token: string): ListCursor {
  let parsed: ReturnType<typeof cursorSchema.safeParse> | undefined;
  try {
    parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new ProblemError('invalid-input', 'The page token is not valid; start again from the first page.', [{ path: 'pageToken', message: 'not a token this list issued', in: 'query' }]);
  }
  return { startedAt: parsed.data[0], caseId: parsed.data[1] };
}

export async function listCases(db: Database, query: CaseListQuery, principal: Principal): Promise<CaseList> {
  const { pageToken, meetingDate, ...filters } = query;
  const after = pageToken ? cursorOf(pageToken) : undefined;
  const meeting = meetingDate ? { from: atLocal(meetingDate, '00:00'), to: atLocal(addDays(meetingDate, 1), '00:00') } : undefined;
  const { rows, next } = await listCaseRecords(db, { ...filters, ...(meeting ? { meeting } : {}) }, listScopeOf(principal), after);
  return {
    items: rows.map((r): CaseListItem => ({
      caseId: r.case_id,
      status: r.status,
      stage: r.stage,
      risk: r.risk,
      route: r.route,
      profile: r.profile,
      agencies: r.agencies,
      nextDeadline: r.next_deadline,
      nextMeeting: r.next_meeting,
      overdueActions: r.overdue_actions,
      openDisputes: r.open_disputes,
      restricted: r.restricted,
    })),
    nextPageToken: next ? tokenOf(next) : null,
  };
}
