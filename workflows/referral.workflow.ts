import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, patched, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import { createActor, type Snapshot } from 'xstate';
import type { Actor } from '../domain/actor';
import { blockedContactsOf } from '../domain/perpetrator-safety';
import { getProfile } from '../domain/profiles';
import type { Referral } from '../domain/referral';
import { routeIfNotRepeat } from '../domain/triage';
import { caseView, createReferralMachine, nextDeadline, type CaseSnapshot, type CaseView, type RepeatInfo } from '../machines/referral';
import type { CaseActivities } from './activity-types';
import { handleCaseCommands } from './case/commands';
import { CaseEffects, type EffectsState } from './case/effects';
import { deadlineTimers } from './deadline-timers';
import { backgroundChecks } from './case/police-checks';
import { CaseRecorder } from './case/record';
import { searchAttributeIndexer } from './case/search-attributes';
import { disputeProgressSignal } from './escalation.messages';
import { caseBlockedContactsQuery, caseReadyUpdate, caseStateQuery, caseTimelineQuery, notificationWithheldSignal, rollOverSignal } from './referral.messages';

export interface ReferralWorkflowInput {
  caseId: string;
  profileId: string;
  referral: Referral;
  /** The `sub` of whoever submitted the referral: on the need-to-know list when its flags restrict the case. */
  submittedBy?: string;
  /** Who submitted it, as the timeline credits the referral; without it (older cases), the referrer's practitioner. */
  submitter?: Actor;
  /** Set when the workflow continues as new: the machine's persisted snapshot and what its effects have done. */
  continued?: { snapshot: Snapshot<unknown> } & EffectsState;
}

const { registerWithSubject } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * One referral, from receipt to closure (PROTOCOL.md §1). The XState machine decides; this host
 * turns updates and signals into machine events, carries out the effects the machine's state asks
 * for, arms one timer for its earliest deadline, and continues as new from a quiescent state.
 */
export async function referralWorkflow(input: ReferralWorkflowInput): Promise<CaseView> {
  const profile = getProfile(input.profileId);
  const machine = createReferralMachine(profile).provide({ actors: { runBackgroundChecks: backgroundChecks(profile, input.referral) } });
  const now = () => new Date().toISOString();

  // Handlers are registered before the first await: an update that arrives while the case is
  // being registered must find them (the SDK rejects updates left unhandled by an activation).
  const live: { actor?: ReturnType<typeof createActor<typeof machine>>; effects?: CaseEffects } = {};
  const snapshot = () => {
    if (!live.actor) throw ApplicationFailure.create({ type: 'NotReady', message: 'The case is still being registered; try again in a moment.', nonRetryable: true });
    return live.actor.getSnapshot() as CaseSnapshot;
  };
  handleCaseCommands(profile, {
    snapshot,
    send: (event) => live.actor!.send(event),
    disputeStarted: (id) => live.effects?.hasStartedDispute(id) ?? false,
  });
  setHandler(caseStateQuery, () => caseView(snapshot()));
  setHandler(caseTimelineQuery, () => snapshot().context.timeline);
  setHandler(caseBlockedContactsQuery, () => blockedContactsOf(input.referral));
  setHandler(disputeProgressSignal, ({ disputeId, entry, open }) => live.actor?.send({ type: 'disputeProgress', at: now(), disputeId, entry, open }));
  setHandler(rollOverSignal, ({ missedMeetingAt, reason }) => live.actor?.send({ type: 'rollOver', at: now(), missedMeetingAt, reason }));
  setHandler(notificationWithheldSignal, ({ notificationId, topic, positions }) => live.actor?.send({ type: 'notificationWithheld', at: now(), notificationId, topic, positions }));
  setHandler(caseReadyUpdate, async () => {
    await condition(() => live.actor !== undefined);
    return caseView(snapshot());
  });

  // PROTOCOL.md §1.1: whether this is a repeat is the subject's decision, made once.
  let effectsState: EffectsState = input.continued ?? { subjectWorkflowId: null, planSent: '', enlisted: [], disputesStarted: [] };
  let repeat: RepeatInfo | null = null;
  if (!input.continued) {
    const v = input.referral.victim;
    const decision = await registerWithSubject({
      caseId: input.caseId,
      victim: { name: v.name, dateOfBirth: v.dateOfBirth },
      receivedAt: input.referral.receivedAt,
      routeIfNotRepeat: routeIfNotRepeat(profile, input.referral),
      repeatWindow: profile.routing.repeatWindow,
      retention: profile.retention.afterLatestReferral,
      profileId: profile.id,
    });
    effectsState = { ...effectsState, subjectWorkflowId: decision.subjectWorkflowId };
    if (decision.repeat && decision.previous) {
      const { caseId, receivedAt, plan } = decision.previous;
      repeat = { previousCaseId: caseId, previousReceivedAt: receivedAt, ...(plan ? { plan } : {}) };
    }
  }

  // Restriction at intake (issue 7 item 3) changes what a case's first task decides; histories
  // recorded before it replay without it.
  // client/audit/rebuild-timeline.ts reads the same marker (restrictedCasesPatch).
  const restrictAtIntake = input.continued ? true : patched('restricted-cases');
  const actor = (live.actor = createActor(machine, {
    input: { caseId: input.caseId, profileId: input.profileId, referral: input.referral, repeat, submittedBy: input.submittedBy ?? null, submitter: input.submitter ?? null, restrictAtIntake },
    // Restoring a snapshot ignores the input: the machine carries on where it was.
    ...(input.continued ? { snapshot: input.continued.snapshot as CaseSnapshot } : {}),
  }));
  let version = 0;
  actor.subscribe(() => void version++);
  actor.start();
  const effects = (live.effects = new CaseEffects(effectsState, (ids) => actor.send({ type: 'delivered', ids })));
  const index = searchAttributeIndexer(profile);
  const recorder = new CaseRecorder(workflowInfo().workflowId);

  const untilDeadline = deadlineTimers();
  // Temporal suggests continuing as new when the history nears its limits (events or bytes), whatever
  // the profile's own threshold: a case that would otherwise be terminated by them carries on instead.
  // The marker is written only when it is suggested, so histories recorded before replay as they were.
  const continueAsNewSuggested = () => workflowInfo().continueAsNewSuggested && patched('continue-as-new-when-suggested');
  let stuckAt: string | undefined;
  while (snapshot().status !== 'done') {
    // A machine that threw (a bug, or a date beyond the calendar's data) must not leave the case
    // waiting in silence: failing the workflow task shows the error to ops, and Temporal retries
    // it until a fixed release lets the case carry on from where it was.
    const current = snapshot();
    if (current.status === 'error') throw new Error(`The case machine stopped with an error: ${String((current.error as Error)?.message ?? current.error)}`);
    effects.run(snapshot());
    index(snapshot());
    recorder.record(snapshot());

    const quiescent = !snapshot().matches({ preparing: { checks: 'running' } }) && effects.idle;
    const due = (workflowInfo().historyLength > profile.workflow.continueAsNewAfterEvents || continueAsNewSuggested()) && quiescent;
    // A record write in flight is let finish first (the loop wakes when it has), so that no write of
    // this run can land after the next run's. Histories without the record never wait here.
    if (due && recorder.idle) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof referralWorkflow>({ ...input, continued: { snapshot: actor.getPersistedSnapshot(), ...effects.carry() } });
    }

    const seen = version;
    const deadline = nextDeadline(snapshot());
    if (deadline !== undefined && deadline === stuckAt) {
      // A deadline the machine did not act on would spin this loop: wait for an event instead.
      log.error('Deadline reached but not consumed by the case machine', { caseId: input.caseId, deadline });
      await condition(() => version !== seen);
      continue;
    }
    const dueAt = deadline === undefined ? undefined : Date.parse(deadline);
    const woken = dueAt !== undefined && dueAt <= Date.now() ? false : await untilDeadline(dueAt, () => version !== seen || (due && recorder.idle));
    if (!woken && snapshot().status === 'active') {
      stuckAt = deadline;
      // The timeline records the protocol's instant; the history keeps when the timer fired.
      actor.send({ type: 'clock', at: deadline ?? now() });
      // DVPO expiries: an event of their own, since the states' own clock handlers take `clock` first.
      if (snapshot().status === 'active') actor.send({ type: 'noticesClock', at: deadline ?? now() });
    } else {
      stuckAt = undefined;
    }
  }

  effects.run(snapshot());
  index(snapshot());
  await effects.drained();
  // Histories recorded before this change may complete before a dispute's completion reaches them.
  if (patched('case-awaits-its-disputes')) await effects.disputesCompleted();
  await condition(allHandlersFinished);
  // The last record says the case is closed and its workflow done.
  recorder.record(snapshot(), 'completed');
  await recorder.drained();
  return caseView(snapshot());
}
