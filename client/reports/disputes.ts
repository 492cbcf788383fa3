import type { Client } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import type { Database } from '../../store/database';
import { readDisputeRecords } from '../../store/records/disputes';
import type { DisputeView } from '../../machines/escalation';
import { disputeStateQuery } from '../../workflows/escalation.messages';

/**
 * The escalation report of PROTOCOL.md §1.6 over a period: escalations by stage, area and agency,
 * time to resolution, and the lists that go to the QA Group (reached stage 1 only) and to the
 * Strategy Group's next meeting (stage 2 and above), with what each resolution taught.
 */
export interface DisputesReport {
  from: string;
  to: string;
  total: number;
  open: number;
  resolved: number;
  byHighestStage: Record<string, number>;
  byArea: Record<string, number>;
  byAgency: Record<string, number>;
  timeToResolution: { count: number; medianHours: number | null; meanHours: number | null; maxHours: number | null };
  forQaGroup: ReportLine[];
  forStrategyGroup: ReportLine[];
}

export interface ReportLine {
  caseId: string;
  disputeId: string;
  area: string;
  agencies: string[];
  raisedAt: string;
  highestStage: number;
  highestStep: string;
  status: 'open' | 'resolved';
  hoursToResolution: number | null;
  learning: string | null;
}

const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;

/** What the report reads of a dispute: its view has it, and so has its record (store/records). */
export type DisputeReportItem = Pick<DisputeView, 'caseId' | 'disputeId' | 'area' | 'parties' | 'raisedAt' | 'highestStage' | 'highestStep' | 'status' | 'timeToResolutionMs'> & {
  resolution: { learning?: string | null } | null;
};

/** Disputes raised in [from, to). */
export function buildDisputesReport(views: readonly DisputeReportItem[], from: string, to: string): DisputesReport {
  const inPeriod = views.filter((v) => v.raisedAt >= from && v.raisedAt < to).sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  const lines: ReportLine[] = inPeriod.map((v) => ({
    caseId: v.caseId,
    disputeId: v.disputeId,
    area: v.area,
    agencies: v.parties,
    raisedAt: v.raisedAt,
    highestStage: v.highestStage,
    highestStep: v.highestStep,
    status: v.status,
    hoursToResolution: v.timeToResolutionMs === null ? null : hours(v.timeToResolutionMs),
    learning: v.resolution?.learning ?? null,
  }));
  const durations = lines.flatMap((l) => (l.hoursToResolution === null ? [] : [l.hoursToResolution])).sort((a, b) => a - b);
  const median = durations.length === 0 ? null : durations.length % 2 ? durations[(durations.length - 1) / 2]! : (durations[durations.length / 2 - 1]! + durations[durations.length / 2]!) / 2;
  return {
    from,
    to,
    total: lines.length,
    open: lines.filter((l) => l.status === 'open').length,
    resolved: lines.filter((l) => l.status === 'resolved').length,
    byHighestStage: count(lines.map((l) => `stage ${l.highestStage}`)),
    byArea: count(lines.map((l) => l.area)),
    byAgency: count(lines.flatMap((l) => l.agencies)),
    timeToResolution: {
      count: durations.length,
      medianHours: median,
      meanHours: durations.length ? hours((durations.reduce((a, b) => a + b, 0) / durations.length) * 3_600_000) : null,
      maxHours: durations.length ? durations[durations.length - 1]! : null,
    },
    forQaGroup: lines.filter((l) => l.highestStage === 1),
    forStrategyGroup: lines.filter((l) => l.highestStage >= 2),
  };
}

/** Every dispute raised in the period, from the dispute record (store/records): one query on the store. */
export async function readDisputes(db: Database, converter: LoadedDataConverter, from: string, to: string): Promise<DisputeReportItem[]> {
  return (await readDisputeRecords(db, converter, from, to)).map((r) => ({
    caseId: r.caseId, disputeId: r.disputeId, area: r.area, parties: r.parties, raisedAt: r.raisedAt, highestStage: r.highestStage,
    highestStep: r.highestStep, status: r.status, timeToResolutionMs: r.timeToResolutionMs, resolution: r.status === 'resolved' ? { learning: r.personal.learning } : null,
  }));
}

/** Reads every dispute raised in the period from the server (visibility, then each dispute's state): what the report read before the record. */
export async function collectDisputes(client: Client, from: string, to: string): Promise<DisputeView[]> {
  const views: DisputeView[] = [];
  const query = `HrdaKind = 'dispute' AND StartTime >= '${new Date(from).toISOString()}' AND StartTime < '${new Date(to).toISOString()}'`;
  for await (const wf of client.workflow.list({ query })) {
    views.push(await client.workflow.getHandle(wf.workflowId, wf.runId).query(disputeStateQuery));
  }
  return views;
}

export function renderDisputesReport(r: DisputesReport): string {
  const table = (title: string, rows: Record<string, number>) =>
    [`${title}`, ...Object.entries(rows).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `  ${k.padEnd(28)} ${String(v).padStart(4)}`)].join('\n');
  const list = (title: string, lines: ReportLine[]) =>
    [
      `${title} (${lines.length})`,
      ...lines.map((l) => `  ${l.raisedAt}  case ${l.caseId.slice(0, 8)} ${l.disputeId.padEnd(10)} ${l.area.padEnd(24)} ${l.highestStep.padEnd(24)} ${l.status}${l.hoursToResolution !== null ? ` in ${l.hoursToResolution} h` : ''}${l.learning ? `\n      learning: ${l.learning}` : ''}`),
    ].join('\n');
  const t = r.timeToResolution;
  return [
    `Escalations raised ${r.from} to ${r.to}: ${r.total} (${r.resolved} resolved, ${r.open} open)`,
    '',
    table('By highest stage reached', r.byHighestStage),
    table('By area', r.byArea),
    table('By agency', r.byAgency),
    `Time to resolution: ${t.count ? `median ${t.medianHours} h, mean ${t.meanHours} h, longest ${t.maxHours} h over ${t.count}` : 'none resolved'}`,
    '',
    list('For the QA Group (reached stage 1)', r.forQaGroup),
    list("For the Strategy Group's next meeting (stage 2 and above)", r.forStrategyGroup),
  ].join('\n');
}
