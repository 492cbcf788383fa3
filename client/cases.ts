import { randomUUID } from 'node:crypto';
import {
  ServiceError, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { Actor } from '../domain/actor';
import type { CaseCommandInput, CaseCommandName } from '../domain/case-commands';
import { getProfile, defaultProfileId } from '../domain/profiles';
import { validateReferral, type FieldIssue } from '../domain/referral-validation';
import { restrictingFlags, type RestrictionMarks } from '../domain/restriction';
import type { DisputeAction, DisputeActionName } from '../domain/dispute';
import type { TimelineEntry } from '../domain/timeline';
import type { DisputeView } from '../machines/escalation';
import { disputeStateQuery, disputeUpdates, disputeWorkflowId } from '../workflows/escalation.messages';
import type { CaseView } from '../machines/referral';
import { caseReadyUpdate, caseStateQuery, caseTimelineQuery, caseUpdates, caseWorkflowId } from '../workflows/referral.messages';
import type { referralWorkflow } from '../workflows/referral.workflow';
import { isScope, type DataKeyStore } from '../worker/codec/data-keys';
import type { ArchivedCases } from './archive/archived-cases';
import type { LegalHolds } from '../store/holds/legal-holds';
import { withEntries, withHolds } from './holds/timeline';
import type { CaseEntries } from '../store/entries/case-entries';

/** Input that fails validation: nothing was started or changed. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(message: string, readonly issues: FieldIssue[]) {
    super(`${message}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/**
 * The referral reached Temporal, but its case did not confirm it was registered in time: no worker
 * took its first task (all stopped, or overloaded). The case was started if the start was accepted;
 * a resubmission under the same case ID (the API's Idempotency-Key) finds it and is never applied
 * twice, so the caller retries.
 */
export class SubmissionNotConfirmedError extends Error {
  override name = 'SubmissionNotConfirmedError';
  constructor(readonly caseId: string, readonly waitedMs: number) {
    super(`the referral for case ${caseId} was sent, but the service did not confirm it within ${Math.round(waitedMs / 1000)} s (its workers may be stopped or overloaded); send it again with the same Idempotency-Key: it is never applied twice`);
  }
}

/** gRPC status codes a submission's answer turns on. */
const grpcStatus = { deadlineExceeded: 4, failedPrecondition: 9 } as const;

/** Whether the error, or a cause of it, carries the gRPC status `code`. */
function hasGrpcStatus(err: unknown, code: number): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === code) return true;
  }
  return false;
}

/** The case refused the action in its current state; the reason says why. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

/**
 * A referral submitted under the ID of a case whose personal data was destroyed at the end of its
 * retention. A destroyed case's data key is never renewed, so a case started again under that ID
 * would write its referral under the key ring, out of reach of crypto-shredding; and it would not
 * be the same case. Each surface names its own field (the API the Idempotency-Key it derives the ID
 * from, the CLI `--case-id`).
 */
export class CaseIdRetiredError extends Error {
  override name = 'CaseIdRetiredError';
  constructor(readonly caseId: string, readonly destroyedAt: string, readonly reason: string) {
    super(`case ID ${caseId} belonged to a case whose personal data was destroyed on ${destroyedAt} (${reason}); an ID is never used again once its case is destroyed: submit the referral under a new one`);
  }
}

/**
 * The typed client: what the HTTP API, the CLI and `hrda simulate` use to drive cases.
 * It validates before it starts anything and turns workflow refusals into typed errors.
 */
export class CaseClient {
  constructor(
    private readonly temporal: Client,
    readonly taskQueue: string,
    /** The data-key store: with it, a referral under a destroyed case's ID is refused (the API and the CLI pass theirs). */
    private readonly opts: {
      dataKeys?: Pick<DataKeyStore, 'status'>;
      /** The archive (client/archive): reads of a case Temporal no longer has fall back to it. */
      archive?: Pick<ArchivedCases, 'read' | 'has'>;
      /** The legal holds (store/holds): their `hold.placed` and `hold.lifted` entries are read into the timeline. */
      holds?: Pick<LegalHolds, 'ofCase'>;
      /**
       * Each case's restriction as the service last wrote it (the API's case_restrictions table, written
       * with every submission and command): lets the API decide who may know of a case before it reads it.
       */
      restrictions?: { recorded(caseId: string): Promise<RestrictionMarks | undefined> };
      /**
       * How long a submission waits for its case to confirm it is registered (the update-with-start's
       * answer) before it answers SubmissionNotConfirmedError; without it, it waits as long as it takes.
       */
      confirmWithinMs?: number;
      /** Entries kept in the store (store/entries): the subject's `repeat.window-ended`, read into the timeline. */
      entries?: Pick<CaseEntries, 'ofCase'>;
    } = {},
  ) {}

  /** Refuses (CaseIdRetiredError) a case ID whose case's personal data was destroyed; any other passes. */
  async assertCaseIdUsable(caseId: string): Promise<void> {
    const scope = `case:${caseId}`;
    if (!this.opts.dataKeys || !isScope(scope)) return;
    const key = await this.opts.dataKeys.status(scope);
    if (key?.state === 'destroyed') throw new CaseIdRetiredError(caseId, key.destroyedAt, key.reason);
  }

  /**
   * `submittedBy` is the submitter's token `sub`: when the referral's flags restrict the case
   * (domain/restriction.ts), they are the first person on its need-to-know list.
   */
  async submitReferral(input: unknown, opts: { profileId?: string; caseId?: string; now?: Date; submittedBy?: string; submitter?: Actor } = {}): Promise<{ caseId: string; workflowId: string; case: CaseView }> {
    const profileId = opts.profileId ?? defaultProfileId;
    const profile = getProfile(profileId);
    const checked = validateReferral(input, profile, (opts.now ?? new Date()).toISOString());
    if (!checked.ok) throw new InvalidInputError('Invalid referral', checked.issues);
    // A random ID is new by construction; a given one (an idempotency key, `--case-id`) may be a destroyed case's.
    if (opts.caseId) await this.assertCaseIdUsable(opts.caseId);
    // After retention Temporal no longer rejects a duplicate ID: the archive still knows the case.
    if (opts.caseId && (await this.opts.archive?.has(opts.caseId))) throw new RefusedError(`case ID ${opts.caseId} belongs to a closed case (in the archive); a new referral needs a new ID`);
    const caseId = opts.caseId ?? randomUUID();
    const workflowId = caseWorkflowId(caseId);
    const restricted = restrictingFlags(checked.referral.incident.flags, profile.restriction.flags).length > 0;
    // Update-with-start: the submission returns once the case is registered and routed, and a
    // resubmission with the same case ID (an idempotency key) finds the case already running.
    const submit = () => this.temporal.workflow.executeUpdateWithStart(caseReadyUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof referralWorkflow>('referralWorkflow', {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ caseId, profileId, referral: checked.referral, ...(opts.submittedBy ? { submittedBy: opts.submittedBy } : {}), ...(opts.submitter ? { submitter: opts.submitter } : {}) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A closed case is never started again under the same ID.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Restricted from the first moment it is listed, before the workflow's own upsert.
        searchAttributes: {
          HrdaKind: ['case'], HrdaProfile: [profileId], HrdaStage: ['received'], HrdaRisk: [checked.referral.assessment.risk],
          HrdaRestricted: [restricted], HrdaNeedToKnow: restricted && opts.submittedBy ? [opts.submittedBy] : [],
        },
      }),
    });
    const within = this.opts.confirmWithinMs;
    if (within === undefined) return { caseId, workflowId, case: await submit() };
    try {
      // A deadline on every call the submission makes: with no worker polling (all stopped, or a
      // deployment's workers on another task queue) the case is started but nothing confirms it.
      return { caseId, workflowId, case: await this.temporal.connection.withDeadline(Date.now() + within, submit) };
    } catch (err) {
      // The deadline surfaces as the update's timeout, or, when it ends the start-and-update call
      // itself, as that call's DEADLINE_EXCEEDED: either way nothing confirmed the case in time.
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || hasGrpcStatus(err, grpcStatus.deadlineExceeded)) throw new SubmissionNotConfirmedError(caseId, within);
      throw err;
    }
  }

  handle(caseId: string): WorkflowHandle<typeof referralWorkflow> {
    return this.temporal.workflow.getHandle<typeof referralWorkflow>(caseWorkflowId(caseId));
  }

  /**
   * One command on a case. `updateId` names the update (a new one by default; the API derives it from
   * the Idempotency-Key): the same ID sent again is the same update to Temporal, which answers it with
   * the first one's result rather than applying it twice, and the attempts `withSameUpdateId` makes all use it.
   */
  async command<N extends CaseCommandName>(caseId: string, name: N, input: Omit<CaseCommandInput<N>, 'actor'>, actor: Actor, opts: { updateId?: string } = {}): Promise<CaseView> {
    try {
      await withSameUpdateId(opts.updateId, (updateId) =>
        this.handle(caseId).executeUpdate(caseUpdates[name], { args: [{ ...input, actor } as CaseCommandInput<N>], updateId }));
    } catch (err) {
      const translated = translateUpdateFailure(err);
      if (translated !== err) throw translated;
      // A closed case's workflow has completed; servers word that answer differently, so ask.
      const status = await this.handle(caseId).describe().then((d) => d.status.name, () => undefined);
      if (status && status !== 'RUNNING') throw new RefusedError(`${name} refused: the case is closed`);
      if (err instanceof WorkflowNotFoundError && (await this.opts.archive?.has(caseId))) throw new RefusedError(`${name} refused: the case is closed (in the archive)`);
      throw err;
    }
    // The update answers with an acknowledgement (workflows/referral.messages.ts); the case as it now stands is a query.
    return this.state(caseId);
  }

  /** An action on one of the case's disputes: each dispute is a workflow of its own. */
  async disputeAction<N extends DisputeActionName>(caseId: string, disputeId: string, name: N, input: Omit<DisputeAction<N>, 'actor'>, actor: Actor): Promise<DisputeView> {
    try {
      return await withSameUpdateId(undefined, (updateId) =>
        this.temporal.workflow.getHandle(disputeWorkflowId(caseId, disputeId)).executeUpdate(disputeUpdates[name], { args: [{ ...input, actor } as DisputeAction<N>], updateId }));
    } catch (err) {
      throw translateUpdateFailure(err);
    }
  }

  dispute(caseId: string, disputeId: string): Promise<DisputeView> {
    return this.temporal.workflow.getHandle(disputeWorkflowId(caseId, disputeId)).query(disputeStateQuery);
  }

  /** The case's restriction as last recorded, without touching its workflow; undefined when none was. */
  async recordedRestriction(caseId: string): Promise<RestrictionMarks | undefined> {
    return this.opts.restrictions?.recorded(caseId);
  }

  /**
   * Whether Temporal or the archive has the case: one lookup by ID, answered by the server without the
   * workflow's code, and one archive read. The API spends it on a case the caller may not know of, so
   * that the answer costs what a case that does not exist costs (client/api/routes/shared.ts).
   */
  async lookUp(caseId: string): Promise<boolean> {
    const found = await this.handle(caseId).describe().then(() => true, () => false);
    // A missing case's read also asks the archive (fromArchive): so does this.
    const archived = (await this.opts.archive?.has(caseId)) ?? false;
    return found || archived;
  }

  /**
   * The state of a case a submission under the same ID may have started a moment ago: a resubmission
   * waits for the case's confirmation as long as a submission does, and answers the same
   * SubmissionNotConfirmedError when no worker has taken the case's first task yet.
   */
  async stateOfSubmitted(caseId: string): Promise<CaseView> {
    const within = this.opts.confirmWithinMs;
    if (within === undefined) return this.state(caseId);
    try {
      return await this.temporal.connection.withDeadline(Date.now() + within, () => this.state(caseId));
    } catch (err) {
      // FAILED_PRECONDITION (9) is the server saying no worker polls the case's task queue: the same answer.
      if (hasGrpcStatus(err, grpcStatus.deadlineExceeded) || hasGrpcStatus(err, grpcStatus.failedPrecondition)) throw new SubmissionNotConfirmedError(caseId, within);
      throw err;
    }
  }

  async state(caseId: string): Promise<CaseView> {
    try {
      return await this.handle(caseId).query(caseStateQuery);
    } catch (err) {
      return (await this.fromArchive(caseId, err)).view;
    }
  }

  /** The case's timeline: its workflow's entries, with its legal holds' and the other entries kept in the store in their place by time. */
  async timeline(caseId: string): Promise<TimelineEntry[]> {
    let timeline: TimelineEntry[];
    try {
      timeline = await this.handle(caseId).query(caseTimelineQuery);
    } catch (err) {
      timeline = (await this.fromArchive(caseId, err)).timeline;
    }
    const withStored = this.opts.entries ? withEntries(timeline, await this.opts.entries.ofCase(caseId)) : timeline;
    return this.opts.holds ? withHolds(withStored, await this.opts.holds.ofCase(caseId)) : withStored;
  }

  /** A case Temporal no longer has (retention), read back from the archive; otherwise the error as it was. */
  private async fromArchive(caseId: string, err: unknown) {
    if (!(err instanceof WorkflowNotFoundError) || !this.opts.archive) throw err;
    const archived = await this.opts.archive.read(caseId);
    if (!archived) throw err;
    return archived;
  }
}

/** How many times an update is sent in all, and the first pause between two attempts (doubled each time). */
const updateAttempts = 5;
const firstRetryAfterMs = 200;

/**
 * Whether an update's failure is a decision of the workflow: our workflows fail an update only
 * with a typed ApplicationFailure (InvalidInput, Refused, ForwardFailed…), which a retry would
 * only meet again. A case still being registered ("NotReady") asks to be tried again in a moment.
 * Anything else — a gRPC error on the way, an update the server rejected because the worker never
 * processed it (issue 14: "Workflow Update failed" while the SDK core logged "There are
 * unprocessed protocol messages while receiving new work") — says nothing about the case.
 */
export function isRetryableUpdateFailure(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return false;
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type) return cause.type === 'NotReady';
  return err instanceof WorkflowUpdateFailedError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err instanceof ServiceError;
}

/**
 * Sends an update until the workflow decides it, every attempt under one update ID: Temporal
 * deduplicates by update ID, so an attempt after one whose answer was lost gets that answer
 * rather than applying the command twice.
 */
export async function withSameUpdateId<R>(updateId: string | undefined, send: (updateId: string) => Promise<R>): Promise<R> {
  const id = updateId ?? randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(id);
    } catch (err) {
      if (attempt >= updateAttempts || !isRetryableUpdateFailure(err)) throw err;
      await delay(firstRetryAfterMs * 2 ** (attempt - 1));
    }
  }
}

function translateUpdateFailure(err: unknown): unknown {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === 'InvalidInput') {
      const [issues] = (cause.details ?? []) as [{ path: string[]; message: string }[]];
      return new InvalidInputError(cause.message.split(':')[0] ?? 'Invalid input', (issues ?? []).map((i) => ({ path: i.path.join('.') || '(input)', message: i.message })));
    }
    if (cause.type === 'Refused') return new RefusedError(cause.message);
  }
  return err;
}
