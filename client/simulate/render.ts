import type { TimelineEntry } from '../../domain/timeline';
import type { SimulationResult } from './simulate';

/** A timeline entry as one line a person reads: when, what, the key facts, who and why. */
export function describeEntry(e: TimelineEntry): string {
  const facts = Object.entries(e.data)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)).join(',') : typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' ');
  const who = e.actor.role === 'system' ? '' : ` by ${e.actor.role}${e.actor.agency ? ` (${e.actor.agency})` : ''}`;
  return `${e.at}  ${e.type.padEnd(24)} ${facts}${who}${e.rationale && e.rationale !== (e.data as { rationale?: string }).rationale ? `\n${' '.repeat(26)}  why: ${e.rationale}` : ''}`;
}

export function renderSimulation(result: SimulationResult): string {
  const out: string[] = [`Scenario on ${result.profile}, ${result.startAt} → ${result.until}`];
  for (const [ref, c] of Object.entries(result.cases)) {
    out.push('', `Case ${ref} (${c.caseId || 'not created'})${c.state ? `: ${c.state.stage}, ${c.state.risk} risk, route ${c.state.route}` : ''}`);
    for (const e of c.timeline) out.push(`  ${describeEntry(e)}`);
    for (const d of c.disputes) {
      out.push(`  Dispute ${d.disputeId} (${d.area}, ${d.parties.join(' / ')}): ${d.status} at ${d.step}${d.overdue ? ' (overdue)' : ''}`);
      for (const h of d.history) out.push(`    ${h.step.padEnd(26)} stage ${h.stage}  entered ${h.enteredAt}  deadline ${h.deadline}  ${h.owner}${h.marking ? `  "${h.marking}"` : ''}`);
      for (const doc of d.documents) out.push(`    document at ${doc.step} (${doc.at}): ${doc.text}`);
      if (d.resolution) out.push(`    resolved ${d.resolution.at}: ${d.resolution.agreement}${d.resolution.learning ? ` — learning: ${d.resolution.learning}` : ''}`);
    }
    for (const r of c.rejected) out.push(`  REFUSED ${r.at} ${r.step}: ${r.error}`);
  }
  // Every refused step once more, in the scenario's order, where a reader looks last.
  out.push('', result.refusals.length ? `Refused steps (${result.refusals.length}):` : 'Refused steps: none');
  for (const r of result.refusals) out.push(`  step ${r.index} ${r.at} ${r.step}${r.ref !== undefined ? ` ${r.ref}` : ''}: ${r.error}`);
  return out.join('\n');
}
