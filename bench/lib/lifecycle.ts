import type { Profile } from '../../domain/profile';
import { caseWorkflowId } from '../../workflows/referral.messages';
import type { BareClient } from '../bare/side';
import type { BarePlan } from '../bare/bare.workflow';
import type { HrdaSide } from './hrda-service';
import { progress } from './progress';
import { actionCompleted, administrator, benchReferral, meetingOutcome, practitioner, type PastDating } from './referrals';
import { pool } from './stats';
import { describeError } from './errors';

export interface ThroughputRun {
  count: number;
  failed: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
  workflowIds: string[];
}

/**
 * One case from referral to closure, as people drive it: the referral (dated in the past, so
 * its meeting is due at once), the HRDA Matrix with one action, the action completed; the case
 * closes by itself (PROTOCOL.md §1.4) and its workflow completes.
 */
export async function hrdaLifecycle(side: HrdaSide, profile: Profile, dating: PastDating, tag: string): Promise<string> {
  const { caseId, case: submitted } = await side.cases.submitReferral(benchReferral(tag, dating.receivedAt));
  if (submitted.stage !== 'at-meeting') throw new Error(`case ${caseId} is ${submitted.stage} after submission, not at its meeting`);
  await side.cases.command(caseId, 'recordMeetingOutcome', meetingOutcome(), administrator(profile));
  await side.cases.command(caseId, 'updateAction', actionCompleted, practitioner('housing'));
  const closed = await side.cases.handle(caseId).result();
  if (closed.stage !== 'closed') throw new Error(`case ${caseId} ended ${closed.stage}`);
  return caseWorkflowId(caseId);
}

/** The bare workflow through the same motions: start-and-wait-ready, its step updates, its result. */
export async function bareLifecycle(bare: BareClient, plan: BarePlan, workflowId: string): Promise<string> {
  await bare.start(workflowId, plan);
  for (let i = 0; i < plan.steps; i++) await bare.step(workflowId, { note: `step ${i}` });
  await bare.handle(workflowId).result();
  return workflowId;
}

/** Runs `count` lifecycles, `concurrency` at a time; failures are counted, not fatal. */
export async function throughput(label: string, count: number, concurrency: number, one: (index: number) => Promise<string>): Promise<ThroughputRun> {
  const bar = progress(label, count);
  const workflowIds: string[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const start = performance.now();
  await pool(count, concurrency, async (i) => {
    try {
      workflowIds.push(await one(i));
    } catch (err) {
      failed++;
      firstError ??= `lifecycle ${i}: ${describeError(err)}`;
    }
    bar.tick();
  });
  const seconds = (performance.now() - start) / 1000;
  bar.done();
  return { count, failed, ...(firstError ? { firstError } : {}), seconds, perSecond: (count - failed) / seconds, workflowIds };
}
