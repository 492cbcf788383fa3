import type { UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, log, ParentClosePolicy, proxyActivities, startChild,
  setHandler, upsertSearchAttributes, workflowInfo, type SearchAttributes,
} from '@temporalio/workflow';
import { createActor, fromPromise, type Snapshot } from 'xstate';
import { caseCommandSchemas, type CaseCommandName } from '../domain/case-commands';
import { durationMs } from '../domain/duration';
import { getProfile } from '../domain/profiles';
import type { Referral } from '../domain/referral';
import {
  caseView, createReferralMachine, nextDeadline, publicStage, refusalReason,
  type CaseSnapshot, type CaseView, type CheckResult, type CommandEvent, type PreviousPlan, type RepeatInfo,
} from '../machines/referral';
import { involvedAgencies } from '../machines/referral/messages';
import type { CaseActivities } from './activity-types';
import { caseReadyUpdate, caseStateQuery, caseTimelineQuery, caseUpdates, rollOverSignal } from './referral.messages';
import { escalationWorkflow } from './escalation.workflow';
import { disputeProgressSignal, disputeWorkflowId } from './escalation.messages';
import { planUpdatedSignal } from './subject.workflow';

export interface ReferralWorkflowInput {
  caseId: string;
  profileId: string;
  referral: Referral;
  /** Set when the workflow continues as new: the machine's persisted snapshot and host state. */
  continued?: { snapshot: Snapshot<unknown>; subjectWorkflowId: string | null; planSent: string; enlisted: string[]; disputesStarted: string[] };
}

const now = () => new Date().toISOString();
const hasEntry = (c: { timeline: { type: string }[] }, type: string) => c.timeline.some((e) => e.type === type);

/**
 * One referral, from receipt to closure (PROTOCOL.md §1). The XState machine decides; this host
 * turns updates into machine events, delivers its outbox, arms one timer for its earliest
 * deadline, keeps search attributes current and continues as new from a quiescent state.
 */
export async function referralWorkflow(input: ReferralWorkflowInput): Promise<ReturnType<typeof caseView>> {
  const profile = getProfile(input.profileId);
  const { sendNotification, registerWithSubject, enlistInMeeting } = proxyActivities<CaseActivities>({
    startToCloseTimeout: '1 minute',
    // Mail and the subject registry are retried until they succeed: a message is never dropped.
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const { checkPoliceSystem } = proxyActivities<CaseActivities>({
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: durationMs(profile.checks.retry.giveUpAfter),
    retry: {
      initialInterval: durationMs(profile.checks.retry.initialInterval),
      backoffCoefficient: profile.checks.retry.backoffCoefficient,
      maximumInterval: durationMs(profile.checks.retry.maximumInterval),
    },
  });

  const people = [
    { role: 'victim' as const, name: input.referral.victim.name, dateOfBirth: input.referral.victim.dateOfBirth },
    { role: 'perpetrator' as const, name: input.referral.perpetrator.name, ...(input.referral.perpetrator.dateOfBirth ? { dateOfBirth: input.referral.perpetrator.dateOfBirth } : {}) },
    ...input.referral.children.map((c) => ({ role: 'child' as const, name: c.name, dateOfBirth: c.dateOfBirth })),
  ];
  const machine = createReferralMachine(profile).provide({
    actors: {
      // Each police system is a check of its own; one that cannot complete within the profile's
      // retry budget is reported as a gap, never silently skipped.
      runBackgroundChecks: fromPromise(async ({ input: { caseId, systems } }) => {
        const results = await Promise.all(
          systems.map((system) =>
            checkPoliceSystem({ caseId, system: system as CheckResult['system'], people }).then(
              (r): CheckResult => ({ system: r.system, status: 'completed', hits: r.hits, records: r.records }),
              (): CheckResult => ({ system: system as CheckResult['system'], status: 'unavailable', error: `${system} could not be searched within ${profile.checks.retry.giveUpAfter}` }),
            ),
          ),
        );
        return { at: now(), results };
      }),
    },
  });

  // Handlers are registered before the first await: an update that arrives while the case is
  // being registered must find them (the SDK rejects updates left unhandled by an activation).
  const live: { actor?: ReturnType<typeof createActor<typeof machine>> } = {};
  let version = 0;
  const snapshot = () => {
    if (!live.actor) throw ApplicationFailure.create({ type: 'NotReady', message: 'The case is still being registered; try again in a moment.', nonRetryable: true });
    return live.actor.getSnapshot() as CaseSnapshot;
  };

  const handleCommand = <N extends CaseCommandName>(name: N) =>
    setHandler(
      caseUpdates[name] as UpdateDefinition<CaseView, [unknown]>,
      async (raw) => {
        const event = { type: name, at: now(), ...caseCommandSchemas[name].parse(raw) } as CommandEvent;
        live.actor!.send(event);
        // A raised dispute can be acted on as soon as the caller hears back: wait for its workflow.
        if (event.type === 'raiseDispute') await condition(() => disputesStarted.has(event.dispute));
        return caseView(snapshot());
      },
      {
        // Refused updates never reach the history: the caller gets every field at fault, or the reason.
        validator: (raw) => {
          const parsed = caseCommandSchemas[name].safeParse(raw);
          if (!parsed.success) {
            const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
            throw ApplicationFailure.create({ type: 'InvalidInput', message: `Invalid ${name}: ${fields.join('; ')}`, details: [parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))], nonRetryable: true });
          }
          const reason = refusalReason(profile, snapshot(), { type: name, at: now(), ...parsed.data } as CommandEvent);
          if (reason) throw ApplicationFailure.create({ type: 'Refused', message: `${name} refused: ${reason}`, nonRetryable: true });
        },
      },
    );
  for (const name of Object.keys(caseUpdates) as CaseCommandName[]) handleCommand(name);
  setHandler(caseStateQuery, () => caseView(snapshot()));
  setHandler(caseTimelineQuery, () => snapshot().context.timeline);
  setHandler(disputeProgressSignal, ({ disputeId, entry, open }) => {
    live.actor?.send({ type: 'disputeProgress', at: now(), disputeId, entry, open });
  });
  setHandler(rollOverSignal, ({ missedMeetingAt, reason }) => {
    live.actor?.send({ type: 'rollOver', at: now(), missedMeetingAt, reason });
  });
  setHandler(caseReadyUpdate, async () => {
    await condition(() => live.actor !== undefined);
    return caseView(snapshot());
  });

  let subjectWorkflowId = input.continued?.subjectWorkflowId ?? null;
  let repeat: RepeatInfo | null = null;
  if (!input.continued) {
    const v = input.referral.victim;
    const decision = await registerWithSubject({
      caseId: input.caseId,
      victim: { name: v.name, dateOfBirth: v.dateOfBirth },
      receivedAt: input.referral.receivedAt,
      routeIfNotRepeat: profile.routing[input.referral.assessment.risk],
      repeatWindow: profile.routing.repeatWindow,
    });
    subjectWorkflowId = decision.subjectWorkflowId;
    if (decision.repeat && decision.previous) {
      repeat = { previousCaseId: decision.previous.caseId, previousReceivedAt: decision.previous.receivedAt, ...(decision.previous.plan ? { plan: decision.previous.plan } : {}) };
    }
  }

  const actor = (live.actor = createActor(machine, {
    input: { caseId: input.caseId, profileId: input.profileId, referral: input.referral, repeat },
    // Restoring a snapshot ignores the input: the machine carries on where it was.
    ...(input.continued ? { snapshot: input.continued.snapshot as CaseSnapshot } : {}),
  }));
  actor.subscribe(() => void version++);
  actor.start();

  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const deliverOutbox = () => {
    const pending = snapshot().context.outbox;
    if (pending.length === 0) return;
    if (snapshot().status === 'active') actor.send({ type: 'delivered', ids: pending.map((n) => n.id) });
    for (const n of pending) track(sendNotification(n));
  };

  // On a repeat the next referral sees this case's plan and outstanding actions (issue: repeats).
  let planSent = input.continued?.planSent ?? '';
  const sharePlan = () => {
    const c = snapshot().context;
    if (!subjectWorkflowId || c.route !== 'hrda' || c.heardAt === null) return;
    const plan: PreviousPlan = {
      caseId: c.caseId,
      receivedAt: c.referral.receivedAt,
      risks: c.risks,
      outstandingActions: c.actions.filter((a) => a.status === 'open' || a.status === 'in-progress').map(({ id, owner, description, status }) => ({ id, owner, description, status })),
    };
    const signature = JSON.stringify(plan);
    if (signature === planSent) return;
    planSent = signature;
    track(getExternalWorkflowHandle(subjectWorkflowId).signal(planUpdatedSignal, { caseId: c.caseId, plan }).catch(() => {
      // The subject has ended (its repeat window passed): nothing is left to tell it.
    }));
  };

  // Each dispute runs as a child workflow (PROTOCOL.md §1.6). ABANDON: it must outlive this run
  // when the case continues as new; its signals reach whichever run is current.
  const disputesStarted = new Set<string>(input.continued?.disputesStarted ?? []);
  const startDisputes = () => {
    for (const start of snapshot().context.disputes) {
      if (disputesStarted.has(start.disputeId) || startingDisputes.has(start.disputeId)) continue;
      startingDisputes.add(start.disputeId);
      track(
        startChild(escalationWorkflow, {
          workflowId: disputeWorkflowId(start.caseId, start.disputeId),
          args: [start],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }).then(() => disputesStarted.add(start.disputeId)),
      );
    }
  };
  const startingDisputes = new Set<string>();

  // Each meeting the case is put on learns of it once (PROTOCOL.md §1.3, §1.5).
  const enlisted = new Set<string>(input.continued?.enlisted ?? []);
  const enlist = () => {
    const s = snapshot();
    const c = s.context;
    const wanted: { kind: 'daily' | 'monthly'; meetingAt: string; item: 'new-referral' | 'rolled-over' | 'management-review' }[] = [];
    if (s.matches('preparing') && c.meetingAt) wanted.push({ kind: 'daily', meetingAt: c.meetingAt, item: hasEntry(c, 'meeting.rolled-over') ? 'rolled-over' : 'new-referral' });
    if (c.review) wanted.push({ kind: 'monthly', meetingAt: c.review.meetingAt, item: 'management-review' });
    for (const w of wanted) {
      const key = `${w.kind}:${w.meetingAt}`;
      if (enlisted.has(key)) continue;
      enlisted.add(key);
      track(enlistInMeeting({
        profileId: c.profileId,
        kind: w.kind,
        meetingAt: w.meetingAt,
        entry: { caseId: c.caseId, risk: c.risk, childrenLinked: c.referral.children.length > 0, repeat: c.repeat !== null, receivedAt: c.referral.receivedAt, item: w.item },
      }));
    }
  };

  let indexed = '';
  const index = () => {
    const s = snapshot();
    const c = s.context;
    const next = nextDeadline(s);
    const attributes: SearchAttributes = {
      HrdaKind: ['case'],
      HrdaProfile: [c.profileId],
      HrdaStage: [publicStage(s)],
      HrdaRisk: [c.risk],
      HrdaRoute: c.route ? [c.route] : [],
      HrdaAgencies: [...new Set([...involvedAgencies(profile, c), ...Object.keys(c.summaries)])],
      HrdaNextDeadline: next ? [new Date(next)] : [],
      HrdaNextMeeting: c.review ? [new Date(c.review.meetingAt)] : c.meetingAt && !c.heardAt ? [new Date(c.meetingAt)] : [],
      HrdaOverdueActions: [c.actions.filter((a) => a.overdue && (a.status === 'open' || a.status === 'in-progress')).length],
      HrdaOpenDisputes: [c.openDisputes.length],
    };
    const signature = JSON.stringify(attributes);
    if (signature !== indexed) {
      indexed = signature;
      upsertSearchAttributes(attributes);
    }
  };

  let stuckAt: string | undefined;
  while (snapshot().status !== 'done') {
    deliverOutbox();
    startDisputes();
    enlist();
    sharePlan();
    index();

    const quiescent = !snapshot().matches({ preparing: { checks: 'running' } }) && inFlight.size === 0;
    if (workflowInfo().historyLength > profile.workflow.continueAsNewAfterEvents && quiescent) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof referralWorkflow>({
        ...input,
        continued: { snapshot: actor.getPersistedSnapshot(), subjectWorkflowId, planSent, enlisted: [...enlisted], disputesStarted: [...disputesStarted] },
      });
    }

    const seen = version;
    const deadline = nextDeadline(snapshot());
    const wait = deadline === undefined ? undefined : Date.parse(deadline) - Date.now();
    if (deadline !== undefined && deadline === stuckAt) {
      // A deadline the machine did not act on would spin this loop: wait for an event instead.
      log.error('Deadline reached but not consumed by the case machine', { caseId: input.caseId, deadline });
      await condition(() => version !== seen);
      continue;
    }
    const woken = wait !== undefined && wait <= 0 ? false : await condition(() => version !== seen, wait);
    if (!woken && snapshot().status === 'active') {
      stuckAt = deadline;
      // The timeline records the protocol's instant; the history keeps when the timer fired.
      actor.send({ type: 'clock', at: deadline ?? now() });
    } else {
      stuckAt = undefined;
    }
  }

  deliverOutbox();
  sharePlan();
  index();
  await Promise.all([...inFlight]);
  await condition(allHandlersFinished);
  return caseView(snapshot());
}
