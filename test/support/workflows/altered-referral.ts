// The case workflow with one deliberate change, for the test that proves replay catches it:
// a timer armed before anything else. Every stored case history must fail to replay against it.
import { sleep } from '@temporalio/workflow';
import { referralWorkflow as currentReferralWorkflow, type ReferralWorkflowInput } from '../../../workflows/referral.workflow';

export async function referralWorkflow(input: ReferralWorkflowInput): ReturnType<typeof currentReferralWorkflow> {
  await sleep('1 second');
  return currentReferralWorkflow(input);
}
