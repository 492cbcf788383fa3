import type { WorkflowExecutionInfo } from '@temporalio/client';
import { atLocal, addDays } from '../domain/calendar';
import type { CaseFilters } from '../domain/case-filters';
import type { Database } from '../store/database';
import { listCaseRecords } from '../store/records/list';

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

/**
 * Cases matching the filters, newest first, read from the case record (store/records): one query on
 * the store, no case payload decoded. Status names are Temporal's (RUNNING, COMPLETED), as before.
 */
export async function listCases(db: Database, filters: CaseFilters): Promise<CaseListItem[]> {
  const { meetingDate, ...rest } = filters;
  const meeting = meetingDate ? { from: atLocal(meetingDate, '00:00'), to: atLocal(addDays(meetingDate, 1), '00:00') } : undefined;
  const { rows } = await listCaseRecords(db, { ...rest, ...(meeting ? { meeting } : {}) });
  return rows.map((r) => ({
    caseId: r.case_id,
    workflowId: r.workflow_id,
    stage: r.stage,
    risk: r.risk,
    ...(r.route ? { route: r.route } : {}),
    profile: r.profile,
    agencies: r.agencies,
    ...(r.next_deadline ? { nextDeadline: r.next_deadline } : {}),
    ...(r.next_meeting ? { nextMeeting: r.next_meeting } : {}),
    overdueActions: r.overdue_actions,
    openDisputes: r.open_disputes,
    restricted: r.restricted,
    startedAt: r.started_at,
    status: r.status.toUpperCase(),
  }));
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
