import type { SimulationResult } from '../../../client/simulate/simulate';
import type { DisputeView } from '../../../machines/escalation';
import { awaiting, type CaseView } from '../../../machines/referral';
import type { GeneratedScenario } from './scenario-arbitrary';

/** How long after a step its trace may be written (the workflow's clock runs on while the client waits). */
const traceWindowMs = 2 * 60_000;

/**
 * Steps that were neither refused (with a reason) nor left a trace: a timeline entry of its case
 * written from the step's instant, or a dispute's step, document or resolution. A refusal without a
 * reason counts too.
 */
export function stepsWithoutTrace(scenario: GeneratedScenario, result: SimulationResult): string[] {
  const problems: string[] = [];
  const refused = new Map(result.refusals.map((r) => [r.index, r]));
  for (const r of result.refusals) if (!r.error.trim()) problems.push(`step ${r.index} (${r.step}) was refused without a reason`);
  scenario.steps.forEach((step, index) => {
    if (refused.has(index)) return;
    const from = Date.parse(step.at);
    const within = (at: string | null | undefined) => at !== null && at !== undefined && Date.parse(at) >= from && Date.parse(at) < from + traceWindowMs;
    const cases = step.ref !== undefined ? [result.cases[step.ref]].filter((c) => c !== undefined) : Object.values(result.cases);
    const traced = cases.some((c) => c.timeline.some((e) => within(e.at))
      || c.disputes.some((d) => d.history.some((h) => within(h.enteredAt)) || d.documents.some((doc) => within(doc.at)) || within(d.resolution?.at)));
    if (!traced) problems.push(`step ${index} (${step.do} ${step.ref ?? ''} at ${step.at}) was neither refused nor left a trace`);
  });
  return problems;
}

/**
 * Why a case is left open for ever (nothing that could move it), or undefined when it is closed or
 * something can: before its outcome the case awaits its meeting (which rolls it over if it is not
 * heard; a case still at its meeting weeks on is stuck) or the MASH's steps; after it, whatever `awaiting` names, the machine's own closing
 * condition. An open dispute must be one its own workflow still runs.
 */
export function stuckReason(view: CaseView, disputes: DisputeView[] = [], until?: string): string | undefined {
  if (view.stage === 'closed') return undefined;
  for (const id of view.openDisputes) {
    // An automatic dispute whose cause is gone awaits no one (issue 14).
    const action = id.startsWith('anp-') ? view.actions.find((a) => `anp-${a.id}` === id) : undefined;
    if (action && (action.status === 'completed' || action.status === 'closed')) return `dispute ${id} is open though action ${action.id} is ${action.status}`;
    const ended = disputes.find((d) => d.disputeId === id && d.resolution);
    if (ended) return `the case holds dispute ${id} open though its workflow ended it at ${ended.resolution!.at}`;
  }
  // A meeting sits for hours: a case still at a meeting that sat more than a day before the run
  // ended was neither heard nor rolled over, and nothing is left to move it either.
  const meetingEnded = view.meetingAt !== null && until !== undefined && Date.parse(view.meetingAt) + 24 * 3_600_000 < Date.parse(until);
  if (view.stage === 'at-meeting' && meetingEnded) return `the case is still at its meeting of ${view.meetingAt}, neither heard nor rolled over`;
  if (view.stage !== 'monitoring') return undefined;
  return awaiting(view).length > 0 ? undefined : 'the case is monitoring and awaits nothing (no open action, review, dispute, DVPO, First Response, health or MARAC outcome)';
}

export function stuckCases(result: SimulationResult): string[] {
  return Object.entries(result.cases).flatMap(([ref, c]) => {
    const reason = c.state ? stuckReason(c.state, c.disputes, result.until) : undefined;
    return reason ? [`case ${ref}: ${reason}`] : [];
  });
}
