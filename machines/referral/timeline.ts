import { systemActor, type Actor } from '../../domain/actor';
import type { Instant } from '../../domain/time';
import type { TimelineData, TimelineEntry, TimelineType } from '../../domain/timeline';
import type { CaseContext } from './context';

/** Appends one entry to the case's timeline: every transition tells what happened, who did it and why. */
export function withEntry<T extends TimelineType>(
  context: CaseContext,
  type: T,
  at: Instant,
  data: TimelineData<T>,
  opts: { actor?: Actor; rationale?: string } = {},
): TimelineEntry[] {
  const entry = {
    at,
    type,
    caseId: context.caseId,
    actor: opts.actor ?? systemActor,
    data,
    ...(opts.rationale !== undefined ? { rationale: opts.rationale } : {}),
  } as TimelineEntry;
  return [...context.timeline, entry];
}
