import type { LegalHold } from '../../domain/legal-hold';
import type { TimelineEntry } from '../../domain/timeline';

/** The case's timeline entries of its holds, oldest first: `hold.placed`, and `hold.lifted` once lifted. */
export function holdTimeline(holds: readonly LegalHold[]): TimelineEntry[] {
  return holds.flatMap((h): TimelineEntry[] => [
    { at: h.placedAt, type: 'hold.placed', caseId: h.caseId, actor: h.placedBy, data: { holdId: h.holdId }, rationale: h.reason },
    ...(h.lifted ? [{ at: h.lifted.at, type: 'hold.lifted' as const, caseId: h.caseId, actor: h.lifted.by, data: { holdId: h.holdId, placedAt: h.placedAt }, rationale: h.lifted.reason }] : []),
  ]);
}

/** A timeline with the holds' entries in their place by time (a stable merge: entries at one instant keep their order). */
export function withHolds(timeline: readonly TimelineEntry[], holds: readonly LegalHold[]): TimelineEntry[] {
  return withEntries(timeline, holdTimeline(holds));
}

/** A timeline with entries kept outside its history (holds, store/entries) in their place by time; the history's first at one instant. */
export function withEntries(timeline: readonly TimelineEntry[], extra: readonly TimelineEntry[]): TimelineEntry[] {
  if (!extra.length) return [...timeline];
  return [...timeline.map((e, i) => ({ e, i, k: 0 })), ...extra.map((e, i) => ({ e, i, k: 1 }))]
    .sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.k - b.k || a.i - b.i))
    .map((x) => x.e);
}
