// The workflows the escalation tests bundle: the dispute workflow itself, and a minimal parent
// standing in for the case workflow, which records what its child dispute tells it.
import { defineQuery, executeChild, setHandler } from '@temporalio/workflow';
import type { DisputeStart } from '../../../domain/dispute';
import { noBlockedContacts } from '../../../domain/perpetrator-safety';
import { caseBlockedContactsQuery } from '../../../workflows/referral.messages';
import type { DisputeView } from '../../../machines/escalation';
import { disputeProgressSignal, disputeWorkflowId, type DisputeProgress } from '../../../workflows/escalation.messages';
import { escalationWorkflow } from '../../../workflows/escalation.workflow';

export { escalationWorkflow };

export const progressQuery = defineQuery<DisputeProgress[]>('progress');

export async function disputeParentProbe(start: DisputeStart): Promise<{ progress: DisputeProgress[]; result: DisputeView }> {
  const progress: DisputeProgress[] = [];
  setHandler(disputeProgressSignal, (p) => void progress.push(p));
  setHandler(progressQuery, () => progress);
  // The mail guard asks the case for its blocked contacts before any of the dispute's messages go.
  setHandler(caseBlockedContactsQuery, () => noBlockedContacts);
  const result = await executeChild(escalationWorkflow, { args: [start], workflowId: disputeWorkflowId(start.caseId, start.disputeId) });
  return { progress, result };
}
