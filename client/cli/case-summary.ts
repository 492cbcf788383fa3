import type { Profile } from '../../domain/profile';
import type { CaseView } from '../../machines/referral';
import { informationSharingLines } from './information-sharing-summary';
import { renderMashSummary } from './mash-summary';
import { formatInstant, fromNow, renderTable } from './output';

/**
 * `hrda case show`: a case as ops staff read it — where it stands, what is due and what is
 * missing. Identifiers, stages and instants only: names, dates of birth, summaries and views
 * stay in `--json` (and the API's redaction rules decide who sees those).
 */
export function renderCaseSummary(view: CaseView, profile: Profile | undefined, now: Date = new Date()): string {
  const agencyName = (id: string) => profile?.agencies.find((a) => a.id === id)?.name ?? id;
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(15)} ${value}`);
  const section = (title: string) => out.push('', title);

  out.push(`Case ${view.caseId}  (${view.profile})`);
  row('Stage', view.stage);
  row('Risk', `${view.risk} (${view.referral.assessment.tool}${view.referral.assessment.score !== undefined ? `, score ${view.referral.assessment.score}` : ''})`);
  const route = view.route ?? 'not yet routed';
  const offeredTo = view.route && view.route !== 'hrda' ? profile?.routing.offers[view.route] : undefined;
  row('Route', `${route}${offeredTo ? ` (referred to ${agencyName(offeredTo)})` : ''}${view.repeat ? ` — repeat of case ${view.repeat.previousCaseId}` : ''}`);
  row('Referred by', view.referral.referrer.agency);
  row('Received', formatInstant(view.receivedAt));
  if (view.meetingAt || view.heardAt) row('Meeting', `daily, ${formatInstant(view.meetingAt)}${view.heardAt ? ` — heard ${formatInstant(view.heardAt)}` : ''}`);
  if (view.review) row('Review meeting', `monthly, ${formatInstant(view.review.meetingAt)}`);
  if (view.riskConfirmation) row('Risk confirmed', `${view.riskConfirmation.risk} by the chair, ${formatInstant(view.riskConfirmation.at)}${view.riskConfirmation.from !== view.riskConfirmation.risk ? ` (referred as ${view.riskConfirmation.from})` : ''}`);
  if (view.marac) row('MARAC', `${view.marac.category}, ${formatInstant(view.marac.meetingAt)} (papers by ${formatInstant(view.marac.papersBy)})${view.marac.outcome ? ' — outcome recorded' : view.marac.heardAt ? ' — heard, outcome to record' : ''}`);
  if (view.nextDeadline) row('Next deadline', `${formatInstant(view.nextDeadline)} (${fromNow(view.nextDeadline, now)})`);
  // A restricted case (domain/restriction.ts) shows its skeleton only: no free text (risks, rationales).
  const restricted = Boolean(view.restricted);
  if (restricted) {
    row('Restricted', `yes, since ${formatInstant(view.restriction?.since)}: ${view.restriction?.basis === 'chair' ? 'by a chair' : `flagged ${view.restriction?.flags.join(', ')}`}`);
    const needToKnow = view.needToKnow ?? [];
    row('Need to know', `${needToKnow.length} named (${needToKnow.join(', ') || 'nobody yet: a chair names them'})`);
    row('Details', 'to the need-to-know list only: they read the case through the API (GET /cases/<id>), where each read is logged');
  }

  out.push(...renderMashSummary(view, profile));

  if (view.route === 'hrda') {
    section('Deadlines');
    row('Info request', `due out by ${formatInstant(view.circulateBy)}${view.infoRequestSentAt ? `, sent ${formatInstant(view.infoRequestSentAt)}` : ', not sent yet'}`);
    row('Summaries', `due by the meeting, ${formatInstant(view.meetingAt)}`);
    if (view.review) row('Review QA', `by ${formatInstant(view.review.qaBy)}`);

    section('Police checks');
    for (const c of view.checks) row(c.system, c.status === 'completed' ? `completed, ${c.hits ?? 0} hit${c.hits === 1 ? '' : 's'}` : c.status === 'unavailable' ? `unavailable: ${c.error ?? 'no reason given'}` : 'running');

    const expected = profile?.infoRequest.agencies ?? view.summariesReceived;
    const received = new Set(view.summariesReceived);
    section(`Agency summaries  (${received.size} of ${expected.length} received)`);
    row('Received', view.summariesReceived.map((a) => `${a} (${formatInstant(view.summaries[a as keyof typeof view.summaries]?.receivedAt)})`).join(', ') || '—');
    row('Missing', expected.filter((a) => !received.has(a)).join(', ') || '—');
    row('Victim contact', view.victimContact ? `${view.victimContact.outcome}, ${formatInstant(view.victimContact.at)}${view.victimContact.by.agency ? ` (${view.victimContact.by.agency})` : ''}` : 'not recorded');
  }

  out.push(...informationSharingLines(view));

  if (view.heardAt || view.actions.length) {
    section(`HRDA Matrix  (risks: ${restricted ? `${view.risks.length} recorded` : view.risks.join('; ') || '—'})`);
    if (view.actions.length === 0) {
      out.push('  No actions were agreed.');
    } else {
      const table = renderTable(
        ['Action', 'Owner', 'Status', 'Update due', 'Overdue', 'Last update'],
        view.actions.map((a) => {
          const open = a.status === 'open' || a.status === 'in-progress';
          const last = a.updates[a.updates.length - 1];
          return [a.id, a.owner, a.status, open ? formatInstant(a.dueAt) : '', a.overdue && open ? 'OVERDUE' : '', last ? formatInstant(last.at) : ''];
        }),
      );
      out.push(...table.split('\n').map((l) => `  ${l}`));
    }
  }

  const leads = Object.entries(view.leads);
  if (leads.length) {
    section('Lead professionals');
    for (const [forWhom, lead] of leads) row(forWhom, `${lead!.agency} — ${lead!.basis}`);
  }

  if (view.review || view.reviewsHeld.length) {
    section('Management review');
    if (view.review) {
      const r = view.review;
      const qa = r.qa === null ? `QA by ${formatInstant(r.qaBy)} pending` : 'notQualityAssured' in r.qa ? 'not quality-assured (no decision by the QA point)' : r.qa.accepted ? `accepted by the chairs ${formatInstant(r.qa.at)}` : 'returned by the chairs';
      row('Requested', `${formatInstant(r.requestedAt)} by ${r.requestedBy.role}${r.requestedBy.agency ? ` (${r.requestedBy.agency})` : ''}, reason ${r.reason}`);
      row('Meeting', `${formatInstant(r.meetingAt)}; ${qa}`);
    }
    for (const h of view.reviewsHeld) row('Held', `${formatInstant(h.meetingAt)} (${h.reason})`);
  }

  if (view.disputes.length) {
    section('Disputes');
    const open = new Set(view.openDisputes);
    for (const d of view.disputes) row(d, open.has(d) ? 'open' : 'resolved');
  }

  section('Closure');
  out.push(view.closed ? `  Closed ${formatInstant(view.closed.at)} by ${view.closed.by.role}${view.closed.by.agency ? ` (${view.closed.by.agency})` : ''}${restricted ? '' : `: ${view.closed.rationale}`}` : '  Open.');
  return out.join('\n');
}
