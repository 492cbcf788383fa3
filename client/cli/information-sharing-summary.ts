import type { CaseView } from '../../machines/referral';
import { formatInstant } from './output';

/**
 * The Trafford steps of a case for `hrda case show` (docs/profiles.md): what the police shared and
 * with whom, First Response's and health's deadlines and whether they were met, and whether the
 * victim was told of the MARAC referral. Identifiers, levels and instants only. Nothing for a case
 * of a profile without these steps.
 */
export function informationSharingLines(view: CaseView): string[] {
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(15)} ${value}`);
  const s = view.informationSharing;
  if (s) {
    out.push('', 'Information sharing  (police criteria)');
    row('Referral', `due by ${formatInstant(s.referralDueBy)}${s.late ? ' — LATE' : ''}`);
    row('Criteria met', s.criteria.join(', ') || 'none: not shared');
    if (s.shareWith.length) row('Shared with', s.shareWith.join(', '));
    const fr = s.firstResponse;
    if (fr) {
      const done = fr.decision ? `level ${fr.decision.level} (${fr.decision.levelName}), ${formatInstant(fr.decision.at)}${fr.decision.at > fr.dueBy ? ' — late' : ''}` : fr.overdue ? 'OVERDUE' : 'pending';
      row('First Response', `due by ${formatInstant(fr.dueBy)}: ${done}`);
    }
    const hs = s.healthSharing;
    if (hs) {
      const done = hs.record ? `shared with ${hs.record.sharedWith.join(', ')}, ${formatInstant(hs.record.at)}${hs.record.at > hs.dueBy ? ' — late' : ''}` : hs.overdue ? 'OVERDUE' : 'pending';
      row('Health sharing', `due by ${formatInstant(hs.dueBy)}: ${done}`);
    }
  }
  const m = view.maracReferral;
  if (m) {
    if (!s) out.push('', 'MARAC referral');
    const told = m.told.find((t) => t.outcome === 'told');
    const last = m.told[m.told.length - 1];
    row('Victim told', `${told ? `yes, ${formatInstant(told.at)}` : last ? `not yet (${last.outcome}, ${formatInstant(last.at)})` : 'not yet'} — by ${m.victimToldBy}; consent to share ${m.consent ? 'given' : 'not given: referred regardless'}`);
  }
  return out;
}
