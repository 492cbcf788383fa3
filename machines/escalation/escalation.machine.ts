import { and, assign, setup } from 'xstate';
import { systemActor, type Actor } from '../../domain/actor';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import type { TimelineData, TimelineEntry, TimelineType } from '../../domain/timeline';
import type { DisputeContext, DisputeInput, StepEntry, StepRecord } from './context';
import { stepDeadline, stepReminder } from './deadlines';
import type { CauseEndedEvent, DisputeActionEvent, DisputeEvent } from './events';
import { messages } from './messages';
import { mayAct } from './parties';

function withEntry<T extends TimelineType>(context: DisputeContext, type: T, at: Instant, data: TimelineData<T>, actor: Actor, rationale?: string): TimelineEntry[] {
  const entry = { at, type, caseId: context.caseId, actor, data, ...(rationale !== undefined ? { rationale } : {}) } as TimelineEntry;
  return [...context.timeline, entry];
}

const currentStep = (context: DisputeContext): StepRecord => context.history[context.history.length - 1]!;

/**
 * Puts the dispute at step `index` from `from`: its deadline and reminder as instants, a
 * `dispute.stage` entry, and the stage notice to its owner (PROTOCOL.md §1.6).
 */
function enterStep(profile: Profile, context: DisputeContext, index: number, from: Instant, how: StepEntry, by: Actor, rationale: string): DisputeContext {
  const step = profile.escalation.steps[index]!;
  const deadline = stepDeadline(step, from);
  const record: StepRecord = {
    step: step.id, stage: step.stage, owner: step.owner, requires: step.requires, marking: step.marking ?? null,
    enteredAt: from, deadline, reminderAt: stepReminder(profile, from, deadline), how, by, rationale, leftAt: null,
  };
  const history = [...context.history.map((s, i) => (i === context.history.length - 1 ? { ...s, leftAt: from } : s)), record];
  const timeline = withEntry(context, 'dispute.stage', from, { disputeId: context.disputeId, stage: step.id, owner: step.owner, deadline }, by, rationale);
  const next: DisputeContext = { ...context, stepIndex: index, deadline, reminderAt: record.reminderAt, reminded: false, overdue: false, history, timeline };
  return { ...next, outbox: [...context.outbox, messages.stage(profile, next, record)] };
}

/**
 * One dispute under the escalation protocol of PROTOCOL.md §1.6, for one profile: it runs through
 * `profile.escalation.steps` in order, each with its owner and a deadline kept as an instant in
 * context. Its host arms a timer for the earliest pending instant (see deadlines.ts) and sends
 * `clock`; messages are queued in `outbox` for the host to deliver (then `delivered`).
 */
export function createEscalationMachine(profile: Profile) {
  const steps = profile.escalation.steps;
  return setup({
    types: {
      context: {} as DisputeContext,
      events: {} as DisputeEvent,
      input: {} as DisputeInput,
    },
    guards: {
      stepDeadlinePassed: ({ context, event }) => !context.overdue && event.type === 'clock' && context.deadline <= event.at,
      reminderDue: ({ context, event }) => !context.reminded && context.reminderAt !== null && event.type === 'clock' && context.reminderAt <= event.at,
      hasFurtherStep: ({ context }) => context.stepIndex < steps.length - 1,
      actorHoldsDispute: ({ context, event }) => 'actor' in event && mayAct(profile, context, event.actor),
      // Only a dispute the case raised by itself ends with its cause: a party's dispute is theirs to resolve.
      raisedByTheCase: ({ context }) => context.raisedByActor.role === 'system',
      // [000 Appendix 1 §4]: the Strategic Lead's case review ends in a written response.
      requiredResponseRecorded: ({ context }) => {
        const step = currentStep(context);
        return step.requires !== 'written-response' || context.documents.some((d) => d.step === step.step);
      },
    },
    actions: {
      // PROTOCOL.md §1.6 decision: a deadline passed unresolved moves the dispute on by itself,
      // and the next step's clock starts at that deadline.
      lapseToNextStep: assign(({ context }) => {
        const from = currentStep(context);
        const to = steps[context.stepIndex + 1]!;
        return enterStep(profile, context, context.stepIndex + 1, context.deadline, 'lapsed', systemActor,
          `Not resolved by ${from.owner} by ${from.deadline}: moved to ${to.owner} by the escalation protocol.`);
      }),
      advanceToNextStep: assign(({ context, event }) => {
        const e = event as DisputeActionEvent<'advance'>;
        return enterStep(profile, context, context.stepIndex + 1, e.at, 'advanced', e.actor, e.rationale);
      }),
      // After the last step there is nowhere further to go: it stays with its owner, overdue.
      markOverdue: assign(({ context }) => {
        const step = currentStep(context);
        return { overdue: true, reminded: true, outbox: [...context.outbox, messages.overdue(profile, context, step)] };
      }),
      remind: assign(({ context }) => {
        const step = currentStep(context);
        const next = steps[context.stepIndex + 1];
        return { reminded: true, outbox: [...context.outbox, messages.reminder(profile, context, step, next?.owner ?? null)] };
      }),
      recordResponse: assign(({ context, event }) => {
        const e = event as DisputeActionEvent<'respond'>;
        const step = currentStep(context);
        return {
          documents: [...context.documents, {
            step: step.step, stage: step.stage, kind: step.requires === 'written-response' ? 'written-response' as const : 'response' as const,
            at: e.at, by: e.actor, text: e.response,
          }],
        };
      }),
      recordResolution: assign(({ context, event }) => {
        const e = event as DisputeActionEvent<'resolve'>;
        const step = currentStep(context);
        const resolution = { agreement: e.agreement, learning: e.learning ?? null, at: e.at, by: e.actor, step: step.step, stage: step.stage };
        const history = context.history.map((s, i) => (i === context.history.length - 1 ? { ...s, leftAt: e.at } : s));
        const resolved = {
          ...context,
          resolution,
          history,
          timeline: withEntry(context, 'dispute.resolved', e.at, { disputeId: context.disputeId, agreement: e.agreement }, e.actor, e.learning),
        };
        return { resolution, history, timeline: resolved.timeline, outbox: [...context.outbox, messages.resolved(profile, resolved)] };
      }),
      // Issue 14: an automatic dispute whose cause is gone ends by itself, the parties told why.
      recordCauseEnded: assign(({ context, event }) => {
        const e = event as CauseEndedEvent;
        const step = currentStep(context);
        const resolution = { agreement: e.reason, learning: null, at: e.at, by: systemActor, step: step.step, stage: step.stage };
        const history = context.history.map((s, i) => (i === context.history.length - 1 ? { ...s, leftAt: e.at } : s));
        const timeline = withEntry(context, 'dispute.resolved', e.at, { disputeId: context.disputeId, agreement: e.reason }, systemActor,
          'Raised by the case itself; its cause is gone, so it ends by itself.');
        return { resolution, history, timeline, outbox: [...context.outbox, messages.resolved(profile, { ...context, resolution, history, timeline })] };
      }),
    },
  }).createMachine({
    id: 'escalation',
    context: ({ input }) => {
      const blank: DisputeContext = {
        caseId: input.caseId,
        disputeId: input.disputeId,
        profileId: input.profileId,
        area: input.area,
        raisedBy: input.raisedBy,
        with: input.with,
        matter: input.matter,
        raisedAt: input.raisedAt,
        raisedByActor: input.raisedByActor,
        stepIndex: 0,
        deadline: input.raisedAt,
        reminderAt: null,
        reminded: false,
        overdue: false,
        history: [],
        documents: [],
        resolution: null,
        timeline: [],
        outbox: [],
      };
      return enterStep(profile, blank, 0, input.raisedAt, 'raised', input.raisedByActor,
        `Raised by ${input.raisedBy} with ${input.with.join(', ')} (area: ${input.area}).`);
    },
    initial: 'open',
    on: {
      // The host has handed these messages to the mail port (see workflows/escalation.workflow.ts).
      delivered: { actions: assign({ outbox: ({ context, event }) => context.outbox.filter((n) => !event.ids.includes(n.id)) }) },
    },
    states: {
      open: {
        on: {
          clock: [
            { guard: and(['stepDeadlinePassed', 'hasFurtherStep']), actions: 'lapseToNextStep' },
            { guard: 'stepDeadlinePassed', actions: 'markOverdue' },
            { guard: 'reminderDue', actions: 'remind' },
          ],
          respond: { guard: 'actorHoldsDispute', actions: 'recordResponse' },
          advance: { guard: and(['actorHoldsDispute', 'hasFurtherStep']), actions: 'advanceToNextStep' },
          resolve: { guard: and(['actorHoldsDispute', 'requiredResponseRecorded']), target: 'resolved', actions: 'recordResolution' },
          causeEnded: { guard: 'raisedByTheCase', target: 'resolved', actions: 'recordCauseEnded' },
        },
      },
      resolved: { type: 'final' },
    },
  });
}

export type EscalationMachine = ReturnType<typeof createEscalationMachine>;
