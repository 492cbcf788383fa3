import type { CaseFilters } from '../../domain/case-filters';
import type { Database } from '../database';
import type { CaseRecordRow } from './columns';

/** Who is listing, for the two rules of restriction and involvement (client/api/permissions.ts). */
export interface ListScope {
  /** An agency role sees the cases its agency is involved in, and `hrda`-route cases of profiles that ask it for information. */
  involvement?: { agency: string; askedProfiles: string[] };
  /** Administrators and agency roles see a restricted case only when their `sub` is on its need-to-know list. */
  needToKnowSub?: string;
}

/** A page position: the last row's start instant and case ID (the list is newest first). */
export interface ListCursor {
  startedAt: string;
  caseId: string;
}

/**
 * Cases matching the filters from the record, newest first, one page (and the cursor of the next
 * page when there may be one). Every value is a bind parameter. `meetingFrom`/`meetingTo` are the
 * instants of the meeting date's day (the caller computes them in Europe/London).
 */
export async function listCaseRecords(
  db: Database,
  filters: Omit<CaseFilters, 'meetingDate'> & { meeting?: { from: string; to: string } },
  scope: ListScope = {},
  after?: ListCursor,
): Promise<{ rows: CaseRecordRow[]; next: ListCursor | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const bind = (v: unknown) => `$${values.push(v)}`;
  if (filters.stage) where.push(`stage = ${bind(filters.stage)}`);
  if (filters.risk) where.push(`risk = ${bind(filters.risk)}`);
  if (filters.route) where.push(`route = ${bind(filters.route)}`);
  if (filters.profile) where.push(`profile = ${bind(filters.profile)}`);
  if (filters.restricted !== undefined) where.push(`restricted = ${bind(filters.restricted)}`);
  if (filters.agency) where.push(`${bind(filters.agency)} = ANY (agencies)`);
  if (filters.overdue === true) where.push('overdue_actions > 0');
  if (filters.overdue === false) where.push('overdue_actions = 0');
  if (filters.meeting) where.push(`next_meeting >= ${bind(filters.meeting.from)} AND next_meeting < ${bind(filters.meeting.to)}`);
  let involved: string | undefined;
  if (scope.involvement) {
    const agency = bind(scope.involvement.agency);
    involved = `(${agency} = ANY (agencies) OR (route = 'hrda' AND profile = ANY (${bind(scope.involvement.askedProfiles)})))`;
  }
  if (scope.needToKnowSub !== undefined) {
    // Someone on a restricted case's list sees it whether or not their agency is involved.
    const ordinary = involved ? `(${involved} AND NOT restricted)` : 'NOT restricted';
    where.push(`(${ordinary} OR ${bind(scope.needToKnowSub)} = ANY (need_to_know))`);
  } else if (involved) {
    where.push(involved);
  }
  if (after) where.push(`(started_at, case_id) < (${bind(after.startedAt)}, ${bind(after.caseId)})`);
  const limit = bind(filters.pageSize + 1);
  const { rows } = await db.query<CaseRecordRow>(
    `SELECT * FROM case_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, case_id DESC LIMIT ${limit}`,
    values,
  );
  const page = rows.slice(0, filters.pageSize);
  const last = page.at(-1);
  return { rows: page, next: rows.length > filters.pageSize && last ? { startedAt: last.started_at, caseId: last.case_id } : null };
}
