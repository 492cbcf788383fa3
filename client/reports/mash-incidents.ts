import type { Client } from '@temporalio/client';
import type { Risk } from '../../domain/referral';
import type { ScreeningOutcome } from '../../domain/mash';
import { getProfile, profiles } from '../../domain/profiles';
import type { Profile } from '../../domain/profile';
import type { CaseView } from '../../machines/referral';
import { caseStateQuery } from '../../workflows/referral.messages';
import type { Database } from '../../store/database';
import { readMashRecords } from '../../store/records/read';

/**
 * A case of a profile with a MASH stage, as the MASH's reports count it (client/reports/mash-weekly.ts,
 * mash-audit-sample.ts): identifiers, levels, outcomes and instants only — no name, date of birth or
 * free text leaves the case.
 */
export interface MashIncident {
  caseId: string;
  profile: string;
  receivedAt: string;
  /** The risk level the incident was received at. */
  risk: Risk;
  referrer: string;
  /** 003 §7.3.1(9): when it was to be screened by; null when its level has no timescale. */
  completeBy: string | null;
  screening: { at: string; outcome: ScreeningOutcome; risk: Risk; late: boolean } | null;
  closedAt: string | null;
  restricted: boolean;
}

/** What a report reads of a case view: null for a case that has no MASH stage. */
export function mashIncidentOf(view: Pick<CaseView, 'caseId' | 'profile' | 'receivedAt' | 'referral' | 'closed' | 'restricted'> & { mash?: CaseView['mash'] }): MashIncident | null {
  const m = view.mash;
  if (!m) return null;
  const s = m.screening.completed;
  return {
    caseId: view.caseId,
    profile: view.profile,
    receivedAt: view.receivedAt,
    risk: view.referral.assessment.risk,
    referrer: view.referral.referrer.agency,
    completeBy: m.screening.completeBy,
    screening: s ? { at: s.at, outcome: s.outcome, risk: s.risk, late: s.late } : null,
    closedAt: view.closed?.at ?? null,
    restricted: Boolean(view.restricted),
  };
}

/** The profile a MASH report is for: the one named, or the only profile with a MASH stage. */
export function mashProfile(id?: string): Profile & { mash: NonNullable<Profile['mash']> } {
  if (id !== undefined) {
    const profile = getProfile(id);
    if (!profile.mash) throw new Error(`Profile "${id}" has no MASH stage; profiles with one: ${mashProfileIds().join(', ') || 'none'}`);
    return profile as Profile & { mash: NonNullable<Profile['mash']> };
  }
  const ids = mashProfileIds();
  if (ids.length !== 1) throw new Error(`Name the profile (--profile): ${ids.length ? `profiles with a MASH stage are ${ids.join(', ')}` : 'no profile has a MASH stage'}`);
  return mashProfile(ids[0]);
}

export const mashProfileIds = (): string[] => Object.values(profiles).filter((p) => p.mash).map((p) => p.id);

/**
 * Every case of the profile still open at `from` or received since, read from the case record
 * (store/records): one query on the store, nothing personal read.
 */
export async function readMashIncidents(db: Database, profileId: string, from: string): Promise<MashIncident[]> {
  const records = await readMashRecords(db, profileId, from);
  return records
    .flatMap((r): MashIncident[] => (r.mash ? [{
      caseId: r.caseId,
      profile: r.profile,
      receivedAt: r.receivedAt,
      risk: r.receivedRisk,
      referrer: r.referrerAgency,
      completeBy: r.mash.completeBy,
      screening: r.mash.screening,
      closedAt: r.closedAt,
      restricted: r.restricted,
    }] : []))
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.caseId.localeCompare(b.caseId));
}

/** Quotes escaped (as client/case-list.ts does), so no value can alter the query. */
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The visibility query for a profile's cases that were open at some time since `from`: search attributes only. */
export function mashIncidentsQuery(profileId: string, from: string): string {
  return [`HrdaKind = 'case'`, `HrdaProfile = ${quote(profileId)}`, `(ExecutionStatus = 'Running' OR CloseTime >= '${new Date(from).toISOString()}')`].join(' AND ');
}

/**
 * The same incidents read the way the reports read them before the case record: listed by visibility,
 * then each case's state, a few at a time. A case that continued as new is listed once per run and read once.
 */
export async function collectMashIncidents(client: Client, profileId: string, from: string, opts: { concurrency?: number } = {}): Promise<MashIncident[]> {
  const ids = new Set<string>();
  for await (const wf of client.workflow.list({ query: mashIncidentsQuery(profileId, from) })) ids.add(wf.workflowId);
  const queue = [...ids].sort();
  const incidents: MashIncident[] = [];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const incident = mashIncidentOf(await client.workflow.getHandle(id).query(caseStateQuery));
      if (incident) incidents.push(incident);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 8) }, worker));
  return incidents.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.caseId.localeCompare(b.caseId));
}
