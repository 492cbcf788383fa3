import type { SimulationResult } from '../../../client/simulate/simulate';
import type { CaseView } from '../../../machines/referral';
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

/** Why a case is left open for ever (nothing that could move it), or undefined when it is closed or something can. */
export function stuckReason(view: CaseView): string | undefined {
  if (view.stage === 'closed') return undefined;
  // An automatic dispute whose cause is gone awaits no one (issue 14).
  for (const id of view.openDisputes) {
    const action = id.startsWith('anp-') ? view.actions.find((a) => `anp-${a.id}` === id) : undefined;
    if (action && (action.status === 'completed' || action.status === 'closed')) return `dispute ${id} is open though action ${action.id} is ${action.status}`;
  }
  const awaited = view.nextDeadline !== null
    || view.actions.some((a) => a.status === 'open' || a.status === 'in-progress')
    || view.openDisputes.length > 0
    || view.review !== null
    // Before its outcome, the case awaits its meeting's chair (the meeting rolls it over if not heard).
    || view.stage !== 'monitoring';
  return awaited ? undefined : `the case is ${view.stage} with no deadline, no open action, no dispute and no review`;
}

export function stuckCases(result: SimulationResult): string[] {
  return Object.entries(result.cases).flatMap(([ref, c]) => {
    const reason = c.state ? stuckReason(c.state) : undefined;
    return reason ? [`case ${ref}: ${reason}`] : [];
  });
}
