import { openBundleFolder } from './bundle-folder';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { AccessLog} from '../api/access-log';
import { type AccessLogEntry } from '../api/access-log';
import { escapeHtml } from '../../domain/text';
import { auditCase, type AuditOptions, type CaseAudit } from './audit-case';
import { auditFindings } from './findings';
import { eventsOf, eventTimeMs } from './history';
import { accessLogTable, londonTime, reportPage, timelineTable, verdict } from './report-html';

export interface ExportOptions extends AuditOptions {
  /** The bundle's folder; created if missing. */
  outDir: string;
  /** The access log in the store, shared by the API and the CLI. */
  accessLog: AccessLog;
  /** Called before the case is read (the CLI logs its own read there). */
  beforeRead?: () => Promise<void>;
  /** Named in the report: where the histories came from. */
  source?: { address: string; namespace: string };
  now?: Date;
}

export interface ExportedBundle {
  dir: string;
  /** File names within `dir`, in the order written. */
  files: string[];
  audit: CaseAudit;
  accessLog: AccessLogEntry[];
}

/**
 * `hrda audit export`: a case's audit bundle, for reading without access to Temporal —
 *   history.json (history-N.json per run when it continued as new)  as Temporal stores it;
 *     payloads stay encrypted, readable with the key ring (codec server) and replayable
 *   timeline.json    the timeline the workflow reports (the rebuilt one when it cannot answer)
 *   access-log.json  every read and disclosure of the case the API logged (empty if none)
 *   audit.json       the replay and timeline checks of `hrda audit replay`
 *   report.html      all of it for people: the checks, the case, its timeline, the access log
 *   manifest.json    what each file is, with its SHA-256
 * The files hold personal data: they are written readable by their owner only.
 */
export async function exportCaseBundle(client: Client, caseId: string, opts: ExportOptions): Promise<ExportedBundle> {
  await opts.beforeRead?.();
  const audit = await auditCase(client, caseId, opts);
  const accessLog = await opts.accessLog.read({ caseId, limit: Number.MAX_SAFE_INTEGER });
  const now = opts.now ?? new Date();
  const bundle = await openBundleFolder(opts.outDir);
  const write = bundle.write;

  const single = audit.histories.length === 1;
  for (const [i, history] of audit.histories.entries()) {
    await write(single ? 'history.json' : `history-${i + 1}.json`, historyToJSON(history) + '\n', `Temporal history${single ? '' : ` of run ${i + 1} of ${audit.histories.length}`}, as ${audit.source === 'archive' ? 'the archive holds it' : 'stored'} (payloads encrypted)`);
  }
  const timeline = audit.reported ?? audit.rebuilt.timeline;
  await write('timeline.json', JSON.stringify(timeline, null, 2) + '\n', audit.reported
    ? 'The timeline as the workflow reports it (query `timeline`)'
    : audit.source === 'archive'
      ? 'The timeline rebuilt from the archived history (Temporal no longer has the workflow)'
      : 'The timeline rebuilt from the history (the workflow did not answer its query)');
  await write('access-log.json', JSON.stringify(accessLog, null, 2) + '\n', 'Reads and disclosures of the case recorded by the API (DPA 2018 s62)');
  const findings = auditFindings(audit);
  await write('audit.json', JSON.stringify(auditRecord(audit, findings), null, 2) + '\n', 'The replay and timeline checks (hrda audit replay)');
  await write('report.html', reportHtml(audit, findings, accessLog, now, opts.source), 'The bundle as a readable report');
  const files = await bundle.close({ caseId, workflowId: audit.workflowId, exportedAt: now.toISOString(), ...(opts.source ? { source: opts.source } : {}) });
  return { dir: opts.outDir, files, audit, accessLog };
}

function auditRecord(a: CaseAudit, findings: string[]) {
  return {
    caseId: a.caseId,
    workflowId: a.workflowId,
    ok: a.ok,
    status: a.status,
    runs: a.runs,
    events: a.events,
    replay: a.replay,
    rebuildProblems: a.rebuildProblems,
    timeline: a.timeline,
    historySource: a.source,
    ...(a.result ? { result: a.result } : {}),
    findings,
  };
}

function reportHtml(a: CaseAudit, findings: string[], accessLog: AccessLogEntry[], now: Date, source?: ExportOptions['source']): string {
  const view = a.rebuilt.view;
  const events = a.histories.flatMap(eventsOf);
  const first = events[0];
  const last = events[events.length - 1];
  const timeline = a.reported ?? a.rebuilt.timeline;
  const from = a.source === 'archive' ? ' from the archive (Temporal no longer has the workflow)' : source ? ` from ${source.address}, namespace ${source.namespace}` : '';
  return reportPage(`Audit bundle: case ${a.caseId}`, `Exported ${londonTime(now.toISOString())}${from}. Times in Europe/London.`, [
    {
      heading: 'Checks',
      html: [
        verdict(a.ok, !a.ok ? 'The audit found problems:' : a.source === 'archive'
          ? 'The archived history replays against the current workflow code, and the case rebuilt from it alone matches the result its workflow returned.'
          : 'The history replays against the current workflow code, and the timeline rebuilt from the history alone matches the one the workflow reports.'),
        findings.length ? `<ul>${findings.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : '',
      ].join('\n'),
    },
    {
      heading: 'The case (rebuilt from its history)',
      facts: view
        ? [
            ['Case', a.caseId], ['Workflow', a.workflowId], ['Profile', view.profile], ['Stage', view.stage], ['Risk', view.risk],
            ['Route', view.route ?? '—'], ['Received', londonTime(view.receivedAt)], ['Meeting', view.meetingAt ? londonTime(view.meetingAt) : '—'], ['Heard', view.heardAt ? londonTime(view.heardAt) : '—'],
            ['Actions', view.actions.map((x) => `${x.id} (${x.owner}): ${x.status}${x.overdue ? ', overdue' : ''}`).join('; ') || '—'],
            ['Disputes', view.disputes.join(', ') || '—'], ['Closed', view.closed ? `${londonTime(view.closed.at)}: ${view.closed.rationale}` : '—'],
          ]
        : [['Case', a.caseId], ['State', 'The history ends before the case was registered.']],
    },
    { heading: `Timeline (${timeline.length} entries${a.reported ? '' : ', rebuilt from the history'})`, html: timelineTable(timeline) },
    { heading: `Access log (${accessLog.length} entr${accessLog.length === 1 ? 'y' : 'ies'})`, html: accessLogTable(accessLog) },
    {
      heading: 'History',
      facts: [
        ['Runs', a.runs], ['Events', a.events], ['Status', a.status],
        ['First event', first ? londonTime(new Date(eventTimeMs(first)).toISOString()) : '—'], ['Last event', last ? londonTime(new Date(eventTimeMs(last)).toISOString()) : '—'],
      ],
    },
  ]);
}
