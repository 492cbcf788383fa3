import type { BarePlan } from '../bare/bare.workflow';
import type { HistoryShape, workDone } from './history';
import type { LatencyRun } from './latency';
import type { ThroughputRun } from './lifecycle';
import type { MemoryRun } from './memory';
import type { ReplayRun } from './replay';
import type { ReportReadRun } from './reports';
import { ratio } from './stats';

type Work = ReturnType<typeof workDone>;

/** What `npm run bench` writes to bench/results/<timestamp>.json. */
export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  /** Seconds each part of the run took. */
  timings: Record<string, number>;
  command: string;
  options: Record<string, number | boolean>;
  machine: { cpuModel: string; nproc: number; memoryGiB: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  temporal: { cli: string; server: string; sdk: string };
  calendar: { compressed: boolean; profile: string; receivedAt: string; meetingAt: string; note: string; meetings: string };
  lifecycle: {
    hrda: Omit<ThroughputRun, 'workflowIds'> & { history: HistoryShape; work: Work; subjectHistory: HistoryShape; subjectWork: Work };
    bare: Omit<ThroughputRun, 'workflowIds'> & { history: HistoryShape; work: Work; plan: BarePlan };
  };
  latency: { httpApi: { hrda: LatencyRun; bare: LatencyRun }; typedClient: { hrda: LatencyRun; bare: LatencyRun } };
  replay: { corpus: ReplayRun & { note: string }; hrda: ReplayRun; bare: ReplayRun };
  memory: { hrda: MemoryRun; bare: MemoryRun };
  /** Reports over the lifecycle's cases: from the case record in the store, and by workflow queries. */
  reports?: { safeLives: ReportReadRun };
}

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (l: LatencyRun) => `${fixed(l.p50, 0)} / ${fixed(l.p95, 0)} / ${fixed(l.p99, 0)}`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w, c) => (c === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** The table `npm run bench` prints (Markdown, so it can go into docs/performance.md as it is). */
export function renderReport(r: BenchResult): string {
  const { hrda, bare } = r.lifecycle;
  const l = r.latency;
  const rows = [
    ['figure', 'service (HRDA)', 'bare Temporal', 'service ÷ bare'],
    ['full lifecycle, cases per second', fixed(hrda.perSecond, 2), fixed(bare.perSecond, 2), times(ratio(hrda.perSecond, bare.perSecond))],
    ['history events per case', fixed(hrda.history.events), fixed(bare.history.events), times(ratio(hrda.history.events, bare.history.events))],
    ['history bytes per case', kib(hrda.history.bytes), kib(bare.history.bytes), times(ratio(hrda.history.bytes, bare.history.bytes))],
    [`update round trip, HTTP API, ${l.httpApi.hrda.clients} clients, p50 / p95 / p99 ms`, ms(l.httpApi.hrda), ms(l.httpApi.bare), `${times(ratio(l.httpApi.hrda.p50, l.httpApi.bare.p50))} (p50)`],
    [`update round trip, typed client, ${l.typedClient.hrda.clients} clients, p50 / p95 / p99 ms`, ms(l.typedClient.hrda), ms(l.typedClient.bare), `${times(ratio(l.typedClient.hrda.p50, l.typedClient.bare.p50))} (p50)`],
    ['updates per second under that load (HTTP API / typed client)', `${fixed(l.httpApi.hrda.perSecond)} / ${fixed(l.typedClient.hrda.perSecond)}`, `${fixed(l.httpApi.bare.perSecond)} / ${fixed(l.typedClient.bare.perSecond)}`, times(ratio(l.typedClient.hrda.perSecond, l.typedClient.bare.perSecond))],
    ['replay of closed lifecycles, histories per second', fixed(r.replay.hrda.perSecond), fixed(r.replay.bare.perSecond), times(ratio(r.replay.hrda.perSecond, r.replay.bare.perSecond))],
    [
      `replay of the audit corpus, histories per second (events per second)`,
      `${fixed(r.replay.corpus.perSecond)} (${fixed(r.replay.corpus.eventsPerSecond, 0)})`,
      `(${fixed(r.replay.bare.eventsPerSecond, 0)})`,
      `${times(ratio(r.replay.corpus.eventsPerSecond, r.replay.bare.eventsPerSecond))} (events)`,
    ],
    ['worker heap per cached open case', `${fixed(r.memory.hrda.heapPerCaseKiB)} KiB`, `${fixed(r.memory.bare.heapPerCaseKiB)} KiB`, times(ratio(r.memory.hrda.heapPerCaseKiB, r.memory.bare.heapPerCaseKiB))],
    ['worker RSS per cached open case', `${fixed(r.memory.hrda.rssPerCaseKiB)} KiB`, `${fixed(r.memory.bare.rssPerCaseKiB)} KiB`, times(ratio(r.memory.hrda.rssPerCaseKiB, r.memory.bare.rssPerCaseKiB))],
  ];
  const m = r.machine;
  const sl = r.reports?.safeLives;
  const reportRows = sl
    ? [
      ['report', 'from the store (case record)', 'by workflow queries', 'queries ÷ store'],
      [`SafeLives return over ${hrda.count} cases (${sl.cases} heard), seconds`, fixed(sl.storeSeconds, 2), fixed(sl.queriesSeconds, 2), times(ratio(sl.queriesSeconds, sl.storeSeconds))],
    ]
    : undefined;
  const notes = [
    ...(sl ? [`SafeLives return: median of ${sl.rounds} rounds, each the whole return read and built; from the store: one query on case_records and each record's personal facts decrypted under its case's key; by workflow queries: a visibility list and one state query to each case's (closed) workflow, as the report read before the case record. ${sl.same ? 'Both gave the same return.' : 'THE TWO RETURNS DIFFERED.'}`] : []),
    `Calendar: ${r.calendar.compressed ? 'COMPRESSED' : 'not compressed'}. ${r.calendar.note}`,
    `Meetings: ${r.calendar.meetings}`,
    `Per case the service did ${fixed(hrda.work.activities, 0)} activities, ${fixed(hrda.work.timers, 0)} timer(s), ${fixed(hrda.work.updates, 0)} updates and signalled its subject ${fixed(hrda.history.byType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED ?? 0, 0)} time(s); each case also keeps a subject entity workflow (${fixed(hrda.subjectHistory.events)} events, ${kib(hrda.subjectHistory.bytes)}), not counted above.`,
    `The bare workflow (bench/bare/) did ${bare.plan.activities} activities, ${bare.plan.timers} timer(s) and ready + ${bare.plan.steps} updates, with Temporal's default data converter (the service encrypts every payload).`,
    `Lifecycles: ${hrda.count} of the service's and ${bare.count} bare, ${r.options.concurrency} at a time; ${hrda.failed + bare.failed} failed. Latency: user actions on ${r.options.openCases} open cases of each kind (service: an agency summary or the victim's voice, alternately).`,
    `Replay: ${r.replay.hrda.distinct} closed cases' histories replayed ${r.replay.hrda.histories} times (${r.replay.hrda.failed} failed), against ${r.replay.bare.histories} bare; ${r.replay.corpus.note}, ${fixed(r.replay.corpus.eventsPerHistory, 0)} events each on average, replayed ${r.replay.corpus.histories} times (${r.replay.corpus.failed} failed); a replay worker's start-up is included. The corpus has no bare twin: its ratio is per event replayed.`,
    `Memory: ${r.memory.hrda.workflows} open workflows of each kind in a worker of their own (debugMode, GC ${r.memory.hrda.gcForced ? 'forced' : 'NOT forced'}); a case keeps ${r.memory.hrda.cachedPerCase} workflows cached (the case and its subject).`,
    `Machine: ${m.cpuModel}, ${m.nproc} CPUs, ${m.memoryGiB} GiB, Node ${m.node}; load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} at start, ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')} at end. ${r.temporal.cli}; ${r.temporal.server}.`,
    `Time taken (s): ${Object.entries(r.timings).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Command: ${r.command}`,
  ];
  return `\n${table(rows)}\n${reportRows ? `\n${table(reportRows)}\n` : ''}\n${notes.map((n) => `- ${n}`).join('\n')}\n`;
}
