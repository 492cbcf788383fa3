import type { Profile } from '../../domain/profile';
import type { CaseView } from '../../machines/referral';
import { formatInstant } from './output';

/**
 * The MASH section of `hrda case show` (machines/referral/mash.ts): where the referral stands in
 * screening, rating, triage and the MASH meeting, and what is overdue. Agencies, outcomes and
 * instants only; the rationales and responses stay in `--json`.
 */
export function renderMashSummary(view: CaseView, profile: Profile | undefined): string[] {
  const m = view.mash;
  if (!m) return [];
  const out: string[] = ['', `MASH  (lead agency ${view.restriction?.leadAgency ?? m.leadAgency})`];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(15)} ${value}`);
  const s = m.screening.completed;
  const due = m.screening.completeBy ? `due by ${formatInstant(m.screening.completeBy)}` : 'no timescale for its level';
  row('Screening', s
    ? `${s.outcome}, ${formatInstant(s.at)}${s.sharedWith.length ? ` (shared with ${s.sharedWith.join(', ')})` : ''}${s.late ? ' — LATE' : ''}`
    : `${due}${m.screening.overdue ? ' — OVERDUE' : ''}`);
  if (m.referredAt) row('In the MASH', `since ${formatInstant(m.referredAt)}`);
  if (m.rag) row('RAG rating', `${m.rag.rating}, complete by ${formatInstant(m.rag.dueAt)}${m.rag.overdue && !m.decision ? ' — OVERDUE' : ''}${m.rag.history.length > 1 ? ` (re-assessed from ${m.rag.history[m.rag.history.length - 2]!.rating})` : ''}`);
  if (m.triage) {
    const t = m.triage;
    const received = t.agencies.filter((a) => t.responses[a]);
    row('Triage', `${received.length} of ${t.agencies.length} responses, due by ${formatInstant(t.respondBy)}`);
    row('  Awaited', t.agencies.filter((a) => !t.responses[a]).join(', ') || '—');
    if (t.withheldFrom.length) row('  Not asked', `${t.withheldFrom.join(', ')} (restricted case)`);
  }
  if (m.meeting) row('MASH meeting', `${m.meeting.kind} at ${formatInstant(m.meeting.meetingAt)}; record by ${formatInstant(m.meeting.recordBy)}${m.meeting.overdue && !m.decision ? ' — RECORD OVERDUE' : ''}`);
  if (m.decision) {
    const named = (id: string) => profile?.mash?.outcomes.find((o) => o.id === id) ? id : `${id} (unknown to the profile)`;
    row('Decision', `${formatInstant(m.decision.at)}: ${m.decision.outcomes.map(named).join(', ')}; lead agency ${m.decision.leadAgency}${m.decision.late ? ' — LATE' : ''}`);
  }
  if (m.concluded) row('MARAC', m.concluded.maracCriteria.length ? `referred ${formatInstant(m.concluded.at)} (${m.concluded.maracCriteria.join(', ')})` : 'not referred: the criteria of 003 §17.2 are not met');
  return out;
}
