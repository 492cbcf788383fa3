import type { TimelineEntry } from '../../domain/timeline';
import type { CaseAudit } from './audit-case';

const brief = (e: TimelineEntry | undefined) => (e ? `${e.type} at ${e.at}` : 'nothing (its timeline ends before)');

/** What an audit found wrong, one plain sentence each; empty when the case passed. */
export function auditFindings(a: CaseAudit): string[] {
  const found: string[] = [];
  if (!a.replay.ok) {
    found.push(a.replay.nondeterministic
      ? `The current workflow code does not reproduce this history (${a.replay.message}). The change needs patched() or a new workflow type; see docs/ops.md.`
      : `The history could not be replayed: ${a.replay.message}`);
  }
  for (const p of a.rebuildProblems) found.push(`Rebuilding from the history: ${p}`);
  if ('unavailable' in a.timeline) {
    found.push(`The timeline could not be compared: ${a.timeline.unavailable}.`);
  } else if ('difference' in a.timeline) {
    const d = a.timeline.difference;
    found.push(`The timeline rebuilt from the history differs from the workflow's at entry ${d.index + 1}${d.field ? ` (field ${d.field})` : ''}: the workflow reports ${brief(d.reported)}; the history gives ${brief(d.rebuilt)}.`);
  }
  if (a.result && !a.result.ok) found.push(`The case rebuilt from the history differs from the result the workflow returned, at ${a.result.field || 'the top level'}.`);
  return found;
}

/** One line per case for `hrda audit replay`. */
export function auditSummaryLine(a: CaseAudit): string {
  const what = `${a.runs} run${a.runs === 1 ? '' : 's'}, ${a.events} events, ${a.rebuilt.timeline.length} timeline entries`;
  return `${a.ok ? 'OK  ' : 'FAIL'} ${a.caseId} (${a.status}; ${what})`;
}
