import type { AgendaEntry } from '../../domain/agenda';
import { maracCategories } from '../../domain/marac';
import type { AgendaOrderKey } from '../../domain/profile';
import { riskRank } from '../../domain/referral';

type Compare = (a: AgendaEntry, b: AgendaEntry) => number;

const earlierFirst = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const trueFirst = (a: boolean, b: boolean) => Number(b) - Number(a);

const byKey: Record<AgendaOrderKey, Compare> = {
  'children-first': (a, b) => trueFirst(a.childrenLinked, b.childrenLinked),
  risk: (a, b) => riskRank(b.risk) - riskRank(a.risk),
  received: (a, b) => earlierFirst(a.receivedAt, b.receivedAt),
  'repeat-first': (a, b) => trueFirst(a.repeat, b.repeat),
  'rolled-over-first': (a, b) => trueFirst(a.item === 'rolled-over', b.item === 'rolled-over'),
  // [002] 2.20: the Domestic Violence Disclosure Scheme first; DVPOs after the referrals; MARAC
  // repeats (standard risk) at the very end (2.9); within each children block police incidents
  // (high risk, then medium), then MARAC/3rd party referrals, then MARAC transfers.
  'dvds-first': (a, b) => trueFirst(a.source === 'dvds', b.source === 'dvds'),
  'dvpo-last': (a, b) => trueFirst(b.source === 'dvpo', a.source === 'dvpo'),
  'standard-repeats-last': (a, b) => trueFirst(isStandardRepeat(b), isStandardRepeat(a)),
  source: (a, b) => sourceRank(a) - sourceRank(b),
  'police-by-risk': (a, b) => policeRisk(b) - policeRisk(a),
  // [002] 3.7: information only, then significant update, then full discussion.
  'marac-category': (a, b) => categoryRank(a) - categoryRank(b),
};

const categoryRank = (e: AgendaEntry) => (e.maracCategory ? maracCategories.indexOf(e.maracCategory) : maracCategories.length);

// Police incidents high risk first; other referrals after them (a numeric key stays a total order).
const policeRisk = (e: AgendaEntry) => (e.source === 'police-incident' ? riskRank(e.risk) : -1);
const isStandardRepeat = (e: AgendaEntry) => e.repeat && e.risk === 'standard';
const sourceOrder: readonly (AgendaEntry['source'])[] = ['police-incident', 'third-party', 'marac-transfer'];
const sourceRank = (e: AgendaEntry) => {
  const i = sourceOrder.indexOf(e.source);
  return i < 0 ? sourceOrder.length : i;
};

/**
 * The agenda in the profile's order (Dorset: children linked first, then risk high to standard,
 * then time received). Ties go by time received and then case ID, so the order never depends on
 * when the cases happened to enlist.
 */
export function orderAgenda<E extends AgendaEntry>(entries: readonly E[], keys: readonly AgendaOrderKey[]): E[] {
  const compares = [...keys.map((k) => byKey[k]), byKey.received, (a: AgendaEntry, b: AgendaEntry) => earlierFirst(a.caseId, b.caseId)];
  return [...entries].sort((a, b) => {
    for (const compare of compares) {
      const c = compare(a, b);
      if (c !== 0) return c;
    }
    return 0;
  });
}
