import type { UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished, ApplicationFailure, condition, getExternalWorkflowHandle, log, proxyActivities,
  setHandler, upsertSearchAttributes, workflowInfo, type SearchAttributes,
} from '@temporalio/workflow';
import { createActor } from 'xstate';
import { disputeActionNames, disputeActionSchemas, disputeStartIssues, disputeStartSchema, type DisputeActionName, type DisputeStart } from '../domain/dispute';
import type { Profile } from '../domain/profile';
import { getProfile } from '../domain/profiles';
import {
  createEscalationMachine, disputeStage, disputeView, nextDeadline, parties, refusalReason,
  type DisputeActionEvent, type DisputeSnapshot, type DisputeView,
} from '../machines/escalation';
import type { CaseActivities } from './activity-types';
import { disputeCauseEndedSignal, disputeProgressSignal, disputeStateQuery, disputeUpdates } from './escalation.messages';
import { unlessWithheld } from './case/withheld';
import { deadlineTimers } from './deadline-timers';
import { disputeRecorder } from './dispute-record';

export type EscalationWorkflowInput = DisputeStart;

const now = () => new Date().toISOString();

const invalidInput = (what: string, issues: { path: string[]; message: string }[]) =>
  ApplicationFailure.create({
    type: 'InvalidInput',
    message: `Invalid ${what}: ${issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`,
    details: [issues],
    nonRetryable: true,
  });

/** The start input, parsed and checked against its profile; a dispute that cannot run fails at once, saying why. */
function startingPoint(raw: unknown): { input: DisputeStart; profile: Profile } {
  const parsed = disputeStartSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput('dispute', parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  let profile: Profile;
  try {
    profile = getProfile(parsed.data.profileId);
  } catch (err) {
    throw invalidInput('dispute', [{ path: ['profileId'], message: (err as Error).message }]);
  }
  const issues = disputeStartIssues(profile, parsed.data);
  if (issues.length) throw invalidInput('dispute', issues);
  return { input: parsed.data, profile };
}

/**
 * One dispute under the escalation protocol (PROTOCOL.md §1.6), usually a child of its case's
 * workflow. The XState machine decides; this host turns updates into machine events, delivers
 * its outbox, arms one timer for its earliest reminder or deadline, keeps search attributes
 * current and tells the parent case every timeline entry, in order. It completes, returning its
 * view, once the dispute is resolved.
 */
export async function escalationWorkflow(raw: EscalationWorkflowInput): Promise<DisputeView> {
  const { input, profile } = startingPoint(raw);
  const { sendNotification } = proxyActivities<CaseActivities>({
    startToCloseTimeout: '1 minute',
    // Mail is retried until it succeeds: a stage notice is never dropped.
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

  const actor = createActor(createEscalationMachine(profile), { input });
  let version = 0;
  actor.subscribe(() => void version++);
  actor.start();
  const snapshot = () => actor.getSnapshot() as DisputeSnapshot;

  const handleAction = <N extends DisputeActionName>(name: N) =>
    setHandler(
      disputeUpdates[name] as UpdateDefinition<DisputeView, [unknown]>,
      (rawAction) => {
        const event = { type: name, at: now(), ...disputeActionSchemas[name].parse(rawAction) } as DisputeActionEvent;
        // The clock may have moved the dispute on since the validator accepted: say so rather than drop it.
        const reason = refusalReason(profile, snapshot(), event);
        if (reason) throw ApplicationFailure.create({ type: 'Refused', message: `${name} refused: ${reason}`, nonRetryable: true });
        actor.send(event);
        return disputeView(snapshot());
      },
      {
        // Refused updates never reach the history: the caller gets every field at fault, or the reason.
        validator: (rawAction) => {
          const parsed = disputeActionSchemas[name].safeParse(rawAction);
          if (!parsed.success) throw invalidInput(name, parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
          const reason = refusalReason(profile, snapshot(), { type: name, at: now(), ...parsed.data } as DisputeActionEvent);
          if (reason) throw ApplicationFailure.create({ type: 'Refused', message: `${name} refused: ${reason}`, nonRetryable: true });
        },
      },
    );
  for (const name of disputeActionNames) handleAction(name);
  setHandler(disputeStateQuery, () => disputeView(snapshot()));
  // A dispute already resolved has nothing to end.
  setHandler(disputeCauseEndedSignal, ({ reason }) => {
    if (snapshot().status === 'active') actor.send({ type: 'causeEnded', at: now(), reason });
  });

  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const deliverOutbox = () => {
    const pending = snapshot().context.outbox;
    if (pending.length === 0) return;
    if (snapshot().status === 'active') actor.send({ type: 'delivered', ids: pending.map((n) => n.id) });
    for (const n of pending) track(unlessWithheld(sendNotification(n), n.id));
  };

  // The case hears of every entry in the order written: each signal waits for the one before.
  const parentId = workflowInfo().parent?.workflowId;
  const parent = parentId ? getExternalWorkflowHandle(parentId) : undefined;
  let told = 0;
  let telling: Promise<void> = Promise.resolve();
  const tellParent = () => {
    const timeline = snapshot().context.timeline;
    for (; told < timeline.length; told++) {
      const entry = timeline[told]!;
      if (!parent) continue;
      const progress = { disputeId: input.disputeId, entry, open: entry.type !== 'dispute.resolved' };
      telling = telling.then(() => parent.signal(disputeProgressSignal, progress)).catch(() => {
        // The case has ended: nothing is left to tell it.
      });
    }
  };

  let indexed = '';
  const index = () => {
    const s = snapshot();
    const c = s.context;
    const attributes: SearchAttributes = {
      HrdaKind: ['dispute'],
      HrdaProfile: [c.profileId],
      HrdaStage: [disputeStage(s)],
      HrdaAgencies: parties(c),
      HrdaNextDeadline: s.status === 'active' && !c.overdue ? [new Date(c.deadline)] : [],
    };
    const signature = JSON.stringify(attributes);
    if (signature !== indexed) {
      indexed = signature;
      upsertSearchAttributes(attributes);
    }
  };

  const untilDeadline = deadlineTimers();
  const recorder = disputeRecorder(workflowInfo().workflowId);
  let stuckAt: string | undefined;
  while (snapshot().status !== 'done') {
    deliverOutbox();
    tellParent();
    index();
    recorder.record(snapshot());

    const seen = version;
    const deadline = nextDeadline(snapshot());
    if (deadline !== undefined && deadline === stuckAt) {
      // A deadline the machine did not act on would spin this loop: wait for an event instead.
      log.error('Deadline reached but not consumed by the escalation machine', { disputeId: input.disputeId, deadline });
      await condition(() => version !== seen);
      continue;
    }
    const due = deadline === undefined ? undefined : Date.parse(deadline);
    const woken = due !== undefined && due <= Date.now() ? false : await untilDeadline(due, () => version !== seen);
    if (!woken && snapshot().status === 'active') {
      stuckAt = deadline;
      // The timeline records the protocol's instant; the history keeps when the timer fired.
      actor.send({ type: 'clock', at: deadline ?? now() });
    } else {
      stuckAt = undefined;
    }
  }

  deliverOutbox();
  tellParent();
  index();
  recorder.record(snapshot());
  await Promise.all([...inFlight]);
  await telling;
  await recorder.drained();
  await condition(allHandlersFinished);
  return disputeView(snapshot());
}
