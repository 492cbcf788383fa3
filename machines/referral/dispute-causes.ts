import type { CaseContext } from './context';
import { actionsNotProgressedId } from './referral.machine';

/** A dispute the case raised by itself whose cause has gone, and why: its host tells the dispute, which ends. */
export interface EndedCause {
  disputeId: string;
  reason: string;
}

/**
 * The open disputes the case raised by itself whose cause is gone (issue 14). An "actions not
 * progressed" dispute is raised for one overdue action; once its owner has completed or closed it,
 * or recorded progress (which starts a new update period), nothing is left to escalate, and a
 * dispute left open would keep the case from closing for ever (PROTOCOL.md §1.4).
 */
export function endedDisputeCauses(context: CaseContext): EndedCause[] {
  const ended: EndedCause[] = [];
  for (const start of context.disputes) {
    if (start.area !== 'actions-not-progressed' || start.raisedByActor.role !== 'system' || !context.openDisputes.includes(start.disputeId)) continue;
    const action = context.actions.find((a) => actionsNotProgressedId(a.id) === start.disputeId);
    const update = action?.updates.at(-1);
    if (!action || !update || update.at < start.raisedAt) continue;
    if (action.status === 'completed' || action.status === 'closed') {
      ended.push({ disputeId: start.disputeId, reason: `Action ${action.id} (owner ${action.owner}) was marked ${action.status} at ${update.at}: it is no longer not progressed.` });
    } else if (!action.overdue) {
      ended.push({ disputeId: start.disputeId, reason: `Action ${action.id} (owner ${action.owner}) was updated as in progress at ${update.at}, its next update due ${action.dueAt}: it is no longer not progressed.` });
    }
  }
  return ended;
}
