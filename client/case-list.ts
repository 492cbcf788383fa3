import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { atLocal, addDays } from '../domain/calendar';
import type { CaseFilters } from '../domain/case-filters';

export interface CaseListItem {
  caseId: string;
  workflowId: string;
  stage?: string;
  risk?: string;
  route?: string;
  profile?: string;
  agencies: string[];
  nextDeadline?: string;
  nextMeeting?: string;
  overdueActions: number;
  openDisputes: number;
  /** Restricted to a need-to-know list (domain/restriction.ts): its details are not for everyone who lists it. */
  restricted: boolean;
  startedAt: string;
  status: string;
}

/** Values are validated by caseFiltersSchema; quotes are still escaped so no filter can alter the query. */
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query for the filters: search attributes only, so listing reads no case payloads. */
export function caseListQuery(f: Omit<CaseFilters, 'pageSize'>): string {
  const clauses = [`HrdaKind = 'case'`];
  if (f.stage) clauses.push(`HrdaStage = ${quote(f.stage)}`);
  if (f.risk) clauses.push(`HrdaRisk = ${quote(f.risk)}`);
  if (f.route) clauses.push(`HrdaRoute = ${quote(f.route)}`);
  if (f.profile) clauses.push(`HrdaProfile = ${quote(f.profile)}`);
  if (f.restricted === true) clauses.push('HrdaRestricted = true');
  if (f.restricted === false) clauses.push('(HrdaRestricted IS NULL OR HrdaRestricted = false)');
  if (f.agency) clauses.push(`HrdaAgencies = ${quote(f.agency)}`);
  if (f.overdue === true) clauses.push('HrdaOverdueActions > 0');
  if (f.overdue === false) clauses.push('HrdaOverdueActions = 0');
  if (f.meetingDate) {
    clauses.push(`HrdaNextMeeting >= ${quote(atLocal(f.meetingDate, '00:00'))}`);
    clauses.push(`HrdaNextMeeting < ${quote(atLocal(addDays(f.meetingDate, 1), '00:00'))}`);
  }
  return clauses.join(' AND ');
}

/** Cases matching the filters, newest first, read from search attributes (no case payload is decoded). */
export async function listCases(client: Client, filters: CaseFilters): Promise<CaseListItem[]> {
  const items: CaseListItem[] = [];
  for await (const wf of client.workflow.list({ query: caseListQuery(filters), pageSize: filters.pageSize })) {
    items.push(caseListItemOf(wf));
    if (items.length >= filters.pageSize) break;
  }
  return items;
}

/** What visibility says of a case: its search attributes and times, nothing personal. */
export function caseListItemOf(wf: Pick<WorkflowExecutionInfo, 'workflowId' | 'searchAttributes' | 'startTime' | 'status'>): CaseListItem {
  const sa = wf.searchAttributes as Record<string, unknown[] | undefined>;
  const one = <T>(name: string) => sa[name]?.[0] as T | undefined;
  const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : undefined);
  return {
    caseId: wf.workflowId.replace(/^case-/, ''),
    workflowId: wf.workflowId,
    stage: one<string>('HrdaStage'),
    risk: one<string>('HrdaRisk'),
    route: one<string>('HrdaRoute'),
    profile: one<string>('HrdaProfile'),
    agencies: (sa.HrdaAgencies as string[] | undefined) ?? [],
    nextDeadline: iso(one('HrdaNextDeadline')),
    nextMeeting: iso(one('HrdaNextMeeting')),
    overdueActions: one<number>('HrdaOverdueActions') ?? 0,
    openDisputes: one<number>('HrdaOpenDisputes') ?? 0,
    restricted: one<boolean>('HrdaRestricted') === true,
    startedAt: wf.startTime.toISOString(),
    status: wf.status.name,
  };
}
