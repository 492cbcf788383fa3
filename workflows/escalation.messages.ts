import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DisputeAction, DisputeActionName } from '../domain/dispute';
import type { TimelineEntry } from '../domain/timeline';
import type { DisputeView } from '../machines/escalation';

/** The dispute workflow's public messages: one update per party action, its query, and what it tells its case. */
export const escalationWorkflowType = 'escalationWorkflow';

type DisputeUpdates = { [N in DisputeActionName]: ReturnType<typeof defineUpdate<DisputeView, [DisputeAction<N>]>> };

export const disputeUpdates: DisputeUpdates = {
  respond: defineUpdate('respond'),
  advance: defineUpdate('advance'),
  resolve: defineUpdate('resolve'),
};

export const disputeStateQuery = defineQuery<DisputeView>('disputeState');

/** Sent to the parent case for every timeline entry the dispute writes, in order; `open` is false once it is resolved. */
export interface DisputeProgress {
  disputeId: string;
  entry: TimelineEntry;
  open: boolean;
}
export const disputeProgressSignal = defineSignal<[DisputeProgress]>('disputeProgress');

/** From the case to a dispute it raised by itself: what made it raise the dispute is gone (the reason says what). */
export const disputeCauseEndedSignal = defineSignal<[{ reason: string }]>('causeEnded');

/** Opaque ids only: no personal data in a workflow id. */
export const disputeWorkflowId = (caseId: string, disputeId: string) => `dispute-${caseId}-${disputeId}`;
