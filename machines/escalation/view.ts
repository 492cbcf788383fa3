import { parties } from './parties';
import type { DisputeSnapshot } from './deadlines';
import { pendingDeadlines } from './deadlines';

/** The dispute's public status: `open` at a step (the step id says which) or `resolved`. */
export function disputeStage(snapshot: DisputeSnapshot): string {
  const c = snapshot.context;
  return snapshot.status === 'done' || c.resolution ? 'resolved' : c.history[c.history.length - 1]!.step;
}

/**
 * What a dispute looks like to its readers (query `disputeState`), and what the escalation report
 * needs (PROTOCOL.md §1.6, [000 Appendix 1 §6]): the highest stage reached decides whether it goes
 * to the QA Group (stage 1) or the Strategy Group (stage 2 and above); learning and time to
 * resolution come with each resolution.
 */
export function disputeView(snapshot: DisputeSnapshot) {
  const c = snapshot.context;
  const current = c.history[c.history.length - 1]!;
  const highest = c.history.reduce((top, s) => (s.stage > top.stage ? s : top), current);
  const resolvedAt = c.resolution?.at ?? null;
  return {
    disputeId: c.disputeId,
    caseId: c.caseId,
    profileId: c.profileId,
    area: c.area,
    raisedBy: c.raisedBy,
    with: c.with,
    parties: parties(c),
    matter: c.matter,
    raisedAt: c.raisedAt,
    raisedByActor: c.raisedByActor,
    status: c.resolution ? ('resolved' as const) : ('open' as const),
    publicStage: disputeStage(snapshot),
    step: current.step,
    stage: current.stage,
    owner: current.owner,
    requires: current.requires,
    marking: current.marking,
    deadline: c.deadline,
    reminderAt: c.reminderAt,
    overdue: c.overdue,
    nextDeadline: pendingDeadlines(snapshot)[0] ?? null,
    documents: c.documents,
    history: c.history,
    highestStage: highest.stage,
    highestStep: highest.step,
    resolution: c.resolution,
    resolvedAt,
    timeToResolutionMs: resolvedAt ? Date.parse(resolvedAt) - Date.parse(c.raisedAt) : null,
    timeline: c.timeline,
  };
}

export type DisputeView = ReturnType<typeof disputeView>;
