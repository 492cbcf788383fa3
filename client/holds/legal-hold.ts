import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { subjectKey } from '../../activities/subject-registry';
import type { Actor } from '../../domain/actor';
import type { LegalHold } from '../../domain/legal-hold';
import { HoldRefusedError, type LegalHolds, type StoredHold } from '../../store/holds/legal-holds';
import { holdsChangedSignal, retentionWorkflowId } from '../../workflows/retention.workflow';
import { CaseIdRetiredError, type CaseClient } from '../cases';

/** What placing and lifting a hold needs: the case (to find its subject), the store, and Temporal to tell the retention clock. */
export interface HoldDeps {
  temporal: Client;
  /** The case, read to find its subject (the API reads it as the caller may see it); a destroyed case is refused first. */
  cases: Pick<CaseClient, 'assertCaseIdUsable' | 'state'>;
  holds: LegalHolds;
  /** HRDA_SUBJECT_KEY: a case's subject is the keyed hash of its victim's identifiers, as at registration. */
  subjectSecret: string;
  now?: () => Date;
}

/**
 * Places a legal hold on a case and its subject (every case of the same victim): the retention
 * workflow destroys none of their data keys until it is lifted. Refused (HoldRefusedError) when the
 * case already has one, or its personal data is already destroyed. The case is read to find its
 * subject — a running case, a closed one, or one only the archive still has.
 */
export async function placeHold(deps: HoldDeps, caseId: string, actor: Actor, reason: string): Promise<LegalHold> {
  await assertNotDestroyed(deps.cases, caseId);
  const view = await deps.cases.state(caseId);
  const subject = subjectKey(deps.subjectSecret, view.referral.victim);
  const hold = await deps.holds.place({ caseId, subjectKey: subject, at: (deps.now?.() ?? new Date()).toISOString(), by: actor, reason });
  await tellRetention(deps.temporal, subject);
  return publicHold(hold);
}

/** Lifts the hold in place on a case; the retention workflow destroys at its next opportunity if the period has run. */
export async function liftHold(deps: Omit<HoldDeps, 'cases' | 'subjectSecret'>, caseId: string, actor: Actor, reason: string): Promise<LegalHold> {
  const hold = await deps.holds.lift({ caseId, at: (deps.now?.() ?? new Date()).toISOString(), by: actor, reason });
  await tellRetention(deps.temporal, hold.subjectKey);
  return publicHold(hold);
}

const publicHold = ({ subjectKey: _subject, ...hold }: StoredHold): LegalHold => hold;

async function assertNotDestroyed(cases: HoldDeps['cases'], caseId: string): Promise<void> {
  try {
    await cases.assertCaseIdUsable(caseId);
  } catch (err) {
    if (err instanceof CaseIdRetiredError) throw new HoldRefusedError('destroyed', `case ${caseId}: its personal data was destroyed on ${err.destroyedAt}; there is nothing left to hold`);
    throw err;
  }
}

/**
 * The subject's retention workflow looks again now (a lift lets a destruction that was waiting go on).
 * Best effort: the hold is in the store, which the destruction reads, and a workflow waiting on a
 * hold looks again after thirty days without this.
 */
async function tellRetention(temporal: Client, subject: string): Promise<void> {
  // Not found: no retention clock yet, or it already ended. Anything else (Temporal unreachable) must
  // not undo or fail a hold that is already recorded: the thirty-day look covers it.
  await temporal.workflow.getHandle(retentionWorkflowId(subject)).signal(holdsChangedSignal).catch((err: unknown) => void (err instanceof WorkflowNotFoundError));
}
