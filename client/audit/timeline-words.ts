import type { Role } from '../../domain/actor';
import type { TimelineEntry } from '../../domain/timeline';

/**
 * The timeline in words, for the pages people read (the HTML timeline, the audit report). The
 * entry types stay the contract's codes everywhere else (JSON, CLI text); here each is said as a
 * coordinator would say it. A type added to the contract and not yet worded here is still shown,
 * its code turned into words.
 */
const eventWords: Record<TimelineEntry['type'], string> = {
  'referral.received': 'Referral received',
  'risk.changed': 'Risk level changed',
  'referral.routed': 'Referral routed',
  'checks.completed': 'Police checks completed',
  'checks.failed': 'Police check failed',
  'info-request.sent': 'Information requested from agencies',
  'summary.received': 'Agency summary received',
  'reminder.sent': 'Reminder sent',
  'victim-contact.recorded': "Victim's voice recorded",
  'meeting.scheduled': 'Meeting scheduled',
  'meeting.rolled-over': 'Moved to a later meeting',
  'meeting.heard': 'Heard at the meeting',
  'matrix.recorded': 'Risks and actions recorded (Matrix)',
  'lead.assigned': 'Lead professional assigned',
  'action.updated': 'Action updated',
  'action.overdue': 'Action overdue',
  'review.requested': 'Management review requested',
  'review.qa': 'Review request quality-assured',
  'review.completed': 'Management review held',
  'dispute.raised': 'Dispute raised',
  'dispute.stage': 'Dispute escalated',
  'dispute.resolved': 'Dispute resolved',
  'case.closed': 'Case closed',
  'disclosure.consented': 'Consent to disclose recorded',
  'notification.withheld': 'Message withheld from a recipient',
  'case.restricted': 'Case restricted',
  'need-to-know.amended': 'Need-to-know list amended',
  'dvds.agreed': 'Disclosure (DVDS) agreed',
  'dvds.signed-off': 'Disclosure (DVDS) signed off',
  'dvpo.recorded': 'Protection order (DVPO) recorded',
  'dvpo.breached': 'Protection order (DVPO) breached',
  'dvpo.expired': 'Protection order (DVPO) expired',
  'risk.confirmed': 'Risk confirmed by the chair',
  'children.checked': 'Children checked',
  'marac.completed': 'MARAC outcome recorded',
  'referral.late': 'Referral made late',
  'information-sharing.decided': 'Information sharing decided',
  'first-response.decided': 'First response decided',
  'first-response.overdue': 'First response overdue',
  'health-sharing.recorded': 'Shared with health',
  'health-sharing.overdue': 'Sharing with health overdue',
  'marac.referred': 'Referred to MARAC',
  'victim.told': 'Victim told of the outcome',
  'screening.started': 'MASH screening started',
  'screening.completed': 'MASH screening completed',
  'screening.overdue': 'MASH screening overdue',
  'rag.rated': 'RAG rating given',
  'rag.overdue': 'RAG rating overdue',
  'triage.requested': 'Triage requested',
  'triage.response-received': 'Triage response received',
  'mash-meeting.convened': 'MASH meeting convened',
  'mash-meeting.record-overdue': 'MASH meeting record overdue',
  'mash.decided': 'MASH decision recorded',
  'sharing.without-consent': 'Shared without the victim\'s consent (lawful basis recorded)',
  'repeat.window-ended': 'Repeat window ended: the agencies that took part told',
  'hold.placed': 'Legal hold placed (personal data kept past its retention)',
  'hold.lifted': 'Legal hold lifted',
};

const roleWords: Record<Role, string> = {
  administrator: 'administrator',
  chair: 'chair',
  'agency-practitioner': 'agency practitioner',
  'lead-professional': 'lead professional',
  auditor: 'auditor',
  ops: 'operations',
  system: 'the service',
};

/** `camelCase`, `kebab-case` and `dotted.codes` as lower-case words. */
export const codeInWords = (code: string): string =>
  code.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_.]+/g, ' ').toLowerCase().trim();

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const eventInWords = (type: string): string =>
  (eventWords as Record<string, string | undefined>)[type] ?? capitalised(codeInWords(type));

export const roleInWords = (role: string): string => (roleWords as Record<string, string | undefined>)[role] ?? codeInWords(role);

/** Who acted: the person when the timeline names one, then their role and agency. */
export function actorInWords(actor: TimelineEntry['actor']): string {
  if (actor.role === 'system') return roleWords.system;
  const role = `${roleInWords(actor.role)}${actor.agency ? `, ${codeInWords(actor.agency)}` : ''}`;
  return actor.name ? `${actor.name} (${role})` : capitalised(role);
}

/**
 * Why, where the timeline says: the entry's rationale, else the reason its data carries (a review's
 * reason, a closure's rationale, a lead's basis, a dispute's agreement, a roll-over's reason).
 */
export function reasonOf(entry: TimelineEntry): { text: string; field?: string } | undefined {
  if (entry.rationale) return { text: entry.rationale };
  const data = entry.data as Record<string, unknown>;
  for (const field of ['rationale', 'reason', 'basis', 'agreement', 'feedback', 'error']) {
    const value = data[field];
    // A coded reason (`out-of-time`) is said in words; free text as written.
    if (typeof value === 'string' && value.length > 0) return { text: /^[a-z]+(-[a-z]+)+$/.test(value) ? codeInWords(value) : value, field };
  }
  return undefined;
}
