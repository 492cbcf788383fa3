import type { CaseRecord } from '../../domain/case-record';

/** One row of case_records, as pg returns it. */
export interface CaseRecordRow {
  case_id: string;
  workflow_id: string;
  version: number;
  status: CaseRecord['status'];
  profile: string;
  stage: string;
  risk: CaseRecord['risk'];
  received_risk: CaseRecord['risk'];
  route: CaseRecord['route'];
  referrer_agency: string;
  agencies: string[];
  restricted: boolean;
  need_to_know: string[];
  started_at: string;
  received_at: string;
  meeting_at: string | null;
  heard_at: string | null;
  next_deadline: string | null;
  next_meeting: string | null;
  overdue_actions: number;
  open_disputes: number;
  disputes: string[];
  previous_case_id: string | null;
  previous_received_at: string | null;
  children: number;
  reviews_held: string[];
  review_meeting_at: string | null;
  marac: CaseRecord['marac'];
  mash: CaseRecord['mash'];
  closed_at: string | null;
  personal: Buffer;
}

/** The clear columns of a record, in the order of `recordColumns`. */
export function recordValues(r: CaseRecord, workflowId: string, personal: Buffer): unknown[] {
  return [
    r.caseId, workflowId, r.version, r.status, r.profile, r.stage, r.risk, r.receivedRisk, r.route, r.referrerAgency, r.agencies,
    r.restricted, r.needToKnow, r.startedAt, r.receivedAt, r.meetingAt, r.heardAt, r.nextDeadline, r.nextMeeting, r.overdueActions,
    r.openDisputes, r.disputes, r.repeat?.previousCaseId ?? null, r.repeat?.previousReceivedAt ?? null, r.children, r.reviewsHeld,
    r.review?.meetingAt ?? null, r.marac === null ? null : JSON.stringify(r.marac), r.mash === null ? null : JSON.stringify(r.mash), r.closedAt, personal,
  ];
}

export const recordColumns = [
  'case_id', 'workflow_id', 'version', 'status', 'profile', 'stage', 'risk', 'received_risk', 'route', 'referrer_agency', 'agencies',
  'restricted', 'need_to_know', 'started_at', 'received_at', 'meeting_at', 'heard_at', 'next_deadline', 'next_meeting', 'overdue_actions',
  'open_disputes', 'disputes', 'previous_case_id', 'previous_received_at', 'children', 'reviews_held',
  'review_meeting_at', 'marac', 'mash', 'closed_at', 'personal',
] as const;

/** A record from its row; the personal facts are given (decrypted) or left out. */
export function recordOfRow(row: CaseRecordRow, personal: CaseRecord['personal'] | null, actions: CaseRecord['actions'] = []): Omit<CaseRecord, 'personal'> & { personal: CaseRecord['personal'] | null } {
  return {
    caseId: row.case_id,
    version: row.version,
    status: row.status,
    profile: row.profile,
    stage: row.stage,
    risk: row.risk,
    receivedRisk: row.received_risk,
    route: row.route,
    referrerAgency: row.referrer_agency,
    agencies: row.agencies,
    restricted: row.restricted,
    needToKnow: row.need_to_know,
    startedAt: row.started_at,
    receivedAt: row.received_at,
    meetingAt: row.meeting_at,
    heardAt: row.heard_at,
    nextDeadline: row.next_deadline,
    nextMeeting: row.next_meeting,
    overdueActions: row.overdue_actions,
    openDisputes: row.open_disputes,
    disputes: row.disputes,
    repeat: row.previous_case_id ? { previousCaseId: row.previous_case_id, previousReceivedAt: row.previous_received_at ?? '' } : null,
    children: row.children,
    actions,
    reviewsHeld: row.reviews_held,
    review: row.review_meeting_at ? { meetingAt: row.review_meeting_at } : null,
    marac: row.marac,
    mash: row.mash,
    closedAt: row.closed_at,
    personal,
  };
}
