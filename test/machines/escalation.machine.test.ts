import { afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { Actor } from '../../domain/actor';
import { disputeStartIssues, disputeStartSchema, type DisputeStart } from '../../domain/dispute';
import { notificationSchema, type Notification } from '../../domain/notification';
import { profileSchema, type Profile } from '../../domain/profile';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import { timelineEntrySchema, type TimelineEntry, type TimelineType } from '../../domain/timeline';
import {
  createEscalationMachine, disputeStage, disputeView, nextDeadline, pendingDeadlines, refusalReason, stepDeadline, stepReminder,
  type DisputeActionEvent, type DisputeEvent, type DisputeSnapshot,
} from '../../machines/escalation';

const profile = dorsetHrda;
const MARKING = 'Stage Three Formal Escalation under HRDA';

// PROTOCOL.md §3: raised Friday 2026-11-27 16:00 (GMT) → Monday 16:00 → Tuesday 16:00 → and so on.
const RAISED = '2026-11-27T16:00:00.000Z';
const DEADLINES = {
  practitioners: '2026-11-30T16:00:00.000Z',
  'line-managers': '2026-12-01T16:00:00.000Z',
  'strategic-lead-referral': '2026-12-02T16:00:00.000Z',
  'strategic-lead-review': '2026-12-03T16:00:00.000Z',
  'strategy-group': '2026-12-04T16:00:00.000Z',
} as const;
const STEPS = Object.keys(DEADLINES) as (keyof typeof DEADLINES)[];
const REMINDER = (deadline: string) => new Date(Date.parse(deadline) - 4 * 3_600_000).toISOString();

const housing: Actor = { role: 'agency-practitioner', agency: 'housing' };
const probation: Actor = { role: 'agency-practitioner', agency: 'probation' };
const health: Actor = { role: 'agency-practitioner', agency: 'health' };
const admin: Actor = { role: 'administrator', agency: 'police' };
const strategyGroup: Actor = { role: 'chair', agency: 'strategy-group' };
const auditor: Actor = { role: 'auditor' };
const knownRecipients = new Set<string>([...profile.agencies.map((a) => a.id), 'administrator']);

const start = (overrides: Partial<DisputeStart> = {}): DisputeStart => ({
  caseId: 'case-0001-fictional',
  disputeId: 'd1',
  profileId: profile.id,
  area: 'lead-professional',
  raisedBy: 'housing',
  with: ['probation'],
  matter: 'Who leads for the perpetrator now that the licence has ended.',
  raisedAt: RAISED,
  raisedByActor: housing,
  ...overrides,
});

// ---------------------------------------------------------------------------------------------
// Harness

interface Harness {
  snap: () => DisputeSnapshot;
  send: (event: DisputeEvent) => void;
  /** Every message the dispute ever queued, in order (the outbox keeps them until `delivered`). */
  messages: Notification[];
  byTopic: (topic: Notification['topic']) => Notification[];
  entries: <T extends TimelineType>(type: T) => Extract<TimelineEntry, { type: T }>[];
}

const tracked: Harness[] = [];

function startDispute(overrides: Partial<DisputeStart> = {}, p: Profile = profile): Harness {
  const actor = createActor(createEscalationMachine(p), { input: disputeStartSchema.parse(start(overrides)) });
  const seen = new Map<string, Notification>();
  const collect = (s: DisputeSnapshot) => { for (const n of s.context.outbox) if (!seen.has(n.id)) seen.set(n.id, n); };
  actor.subscribe(collect);
  actor.start();
  collect(actor.getSnapshot());
  const h: Harness = {
    snap: () => actor.getSnapshot(),
    send: (event) => actor.send(event),
    get messages() { return [...seen.values()]; },
    byTopic: (topic) => [...seen.values()].filter((n) => n.topic === topic),
    entries: <T extends TimelineType>(type: T) => actor.getSnapshot().context.timeline.filter((e): e is Extract<TimelineEntry, { type: T }> => e.type === type),
  };
  tracked.push(h);
  return h;
}

afterEach(() => {
  // For every dispute a test drove: the timeline speaks the contract, every message is valid and
  // addressed to directory agencies or the administrator only, and no message id is reused.
  for (const h of tracked.splice(0)) {
    const { caseId, timeline } = h.snap().context;
    for (const entry of timeline) {
      expect(entry.caseId).toBe(caseId);
      expect(timelineEntrySchema.safeParse(entry).success, `${entry.type} matches its schema`).toBe(true);
    }
    for (const n of h.messages) {
      expect(notificationSchema.safeParse(n).success, n.id).toBe(true);
      for (const to of n.to) expect(knownRecipients.has(to), `${n.id} addressed to ${to}`).toBe(true);
    }
  }
});

const clock = (at: string): DisputeEvent => ({ type: 'clock', at });
const respond = (at: string, actor: Actor = housing, response = 'Our position, in writing.'): DisputeActionEvent<'respond'> => ({ type: 'respond', at, response, actor });
const advance = (at: string, actor: Actor = housing, rationale = 'The line managers cannot agree.'): DisputeActionEvent<'advance'> => ({ type: 'advance', at, rationale, actor });
const resolve = (at: string, actor: Actor = probation, learning?: string): DisputeActionEvent<'resolve'> => ({
  type: 'resolve', at, agreement: 'Probation leads until the next review.', actor, ...(learning ? { learning } : {}),
});

/** Lets every deadline pass, reminders first, until the dispute is at step `index`. */
function lapseTo(h: Harness, index: number) {
  for (const step of STEPS.slice(0, index)) {
    h.send(clock(REMINDER(DEADLINES[step])));
    h.send(clock(DEADLINES[step]));
  }
  expect(h.snap().context.history.at(-1)!.step).toBe(STEPS[index]);
}

// ---------------------------------------------------------------------------------------------

describe('deadlines (PROTOCOL.md §1.6 and §3)', () => {
  it('counts "1 working day" on the calendar and "24 hours" on the clock', () => {
    const [practitioners, lineManagers] = profile.escalation.steps;
    expect(stepDeadline(practitioners!, RAISED)).toBe('2026-11-30T16:00:00.000Z');
    expect(stepDeadline(lineManagers!, '2026-11-30T16:00:00.000Z')).toBe('2026-12-01T16:00:00.000Z');
    // A bank holiday inside the working day is skipped: 25 and 28 December 2026.
    expect(stepDeadline(practitioners!, '2026-12-24T10:00:00.000Z')).toBe('2026-12-29T10:00:00.000Z');
    // 24 hours across the clocks going back (25 October 2026) is 24 clock hours.
    expect(stepDeadline(lineManagers!, '2026-10-24T12:00:00.000Z')).toBe('2026-10-25T12:00:00.000Z');
  });

  it('sets a reminder the profile\'s period before the deadline, and none when the step is shorter than that', () => {
    expect(stepReminder(profile, RAISED, DEADLINES.practitioners)).toBe('2026-11-30T12:00:00.000Z');
    expect(stepReminder(profile, '2026-11-30T13:00:00.000Z', '2026-11-30T16:00:00.000Z')).toBeNull();
    expect(stepReminder(profile, '2026-11-30T12:00:00.000Z', '2026-11-30T16:00:00.000Z')).toBeNull();
  });

  it('enters the first step as it is raised: deadline, reminder, a dispute.stage entry and the stage notice', () => {
    const h = startDispute();
    const c = h.snap().context;
    expect(h.snap().value).toBe('open');
    expect(c).toMatchObject({ stepIndex: 0, deadline: DEADLINES.practitioners, reminderAt: '2026-11-30T12:00:00.000Z', reminded: false, overdue: false });
    expect(h.entries('dispute.stage')).toEqual([{
      at: RAISED, type: 'dispute.stage', caseId: 'case-0001-fictional', actor: housing,
      data: { disputeId: 'd1', stage: 'practitioners', owner: 'the practitioners', deadline: DEADLINES.practitioners },
      rationale: expect.stringContaining('lead-professional'),
    }]);
    expect(h.messages).toEqual([expect.objectContaining({
      id: 'case-0001-fictional:dispute:d1:practitioners:stage', topic: 'dispute-stage', to: ['housing', 'probation', 'administrator'],
    })]);
    expect(pendingDeadlines(h.snap())).toEqual(['2026-11-30T12:00:00.000Z', DEADLINES.practitioners]);
  });

  it('runs the worked example to the minute: each step\'s clock starts at the deadline before it', () => {
    const h = startDispute();
    lapseTo(h, 4);
    const history = h.snap().context.history;
    expect(history.map((s) => [s.step, s.enteredAt, s.deadline, s.how])).toEqual([
      ['practitioners', RAISED, DEADLINES.practitioners, 'raised'],
      ['line-managers', DEADLINES.practitioners, DEADLINES['line-managers'], 'lapsed'],
      ['strategic-lead-referral', DEADLINES['line-managers'], DEADLINES['strategic-lead-referral'], 'lapsed'],
      ['strategic-lead-review', DEADLINES['strategic-lead-referral'], DEADLINES['strategic-lead-review'], 'lapsed'],
      ['strategy-group', DEADLINES['strategic-lead-review'], DEADLINES['strategy-group'], 'lapsed'],
    ]);
    expect(history.slice(0, -1).map((s) => s.leftAt)).toEqual(STEPS.slice(0, -1).map((s) => DEADLINES[s]));
    expect(h.entries('dispute.stage').map((e) => [e.at, e.data.stage, e.data.deadline, e.actor.role])).toEqual([
      [RAISED, 'practitioners', DEADLINES.practitioners, 'agency-practitioner'],
      ...STEPS.slice(1).map((s, i) => [DEADLINES[STEPS[i]!], s, DEADLINES[s], 'system']),
    ]);
  });

  it('skips the Christmas bank holidays inside the first working day', () => {
    const h = startDispute({ raisedAt: '2026-12-24T10:00:00.000Z' });
    expect(h.snap().context.deadline).toBe('2026-12-29T10:00:00.000Z');
    h.send(clock('2026-12-29T10:00:00.000Z'));
    expect(h.snap().context).toMatchObject({ stepIndex: 1, deadline: '2026-12-30T10:00:00.000Z' });
  });
});

describe('reminders and the clock', () => {
  it('reminds the owner once, before the deadline, and the dispute stays where it is', () => {
    const h = startDispute();
    h.send(clock('2026-11-30T12:00:00.000Z'));
    expect(h.snap().context).toMatchObject({ stepIndex: 0, reminded: true });
    expect(h.byTopic('dispute-reminder')).toEqual([expect.objectContaining({
      id: 'case-0001-fictional:dispute:d1:practitioners:reminder', to: ['housing', 'probation', 'administrator'],
      body: expect.arrayContaining(["Unresolved by then, it moves to the practitioners' line managers."]),
    })]);
    expect(pendingDeadlines(h.snap())).toEqual([DEADLINES.practitioners]);
    h.send(clock('2026-11-30T12:00:00.000Z'));
    expect(h.byTopic('dispute-reminder')).toHaveLength(1);
  });

  it('ignores a clock before anything is due', () => {
    const h = startDispute();
    const before = h.snap();
    h.send(clock('2026-11-30T11:59:00.000Z'));
    expect(h.snap().context).toEqual(before.context);
  });

  it('moves an unresolved dispute to the next step when the deadline passes, and tells the new owner', () => {
    const h = startDispute();
    h.send(clock(REMINDER(DEADLINES.practitioners)));
    h.send(clock(DEADLINES.practitioners));
    const c = h.snap().context;
    expect(c).toMatchObject({ stepIndex: 1, deadline: DEADLINES['line-managers'], reminderAt: REMINDER(DEADLINES['line-managers']), reminded: false });
    const notice = h.byTopic('dispute-stage').at(-1)!;
    expect(notice).toMatchObject({ id: 'case-0001-fictional:dispute:d1:line-managers:stage', to: ['housing', 'probation', 'administrator'] });
    expect(notice.subject).toContain("the practitioners' line managers");
    expect(notice.body.join('\n')).toContain('passed its deadline of 2026-11-30T16:00:00.000Z unresolved');
  });

  it('moves on without a reminder when the deadline is the first thing the clock reaches', () => {
    const h = startDispute();
    h.send(clock(DEADLINES.practitioners));
    expect(h.snap().context.stepIndex).toBe(1);
    expect(h.byTopic('dispute-reminder')).toEqual([]);
  });

  it('moves one step per clock even when the clock is far past several deadlines', () => {
    const h = startDispute();
    h.send(clock('2026-12-10T00:00:00.000Z'));
    expect(h.snap().context).toMatchObject({ stepIndex: 1, deadline: DEADLINES['line-managers'] });
    expect(nextDeadline(h.snap())).toBe(REMINDER(DEADLINES['line-managers']));
  });

  it('refers stage 3 to the Strategy Group, marked "Stage Three Formal Escalation under HRDA"', () => {
    const h = startDispute();
    lapseTo(h, 4);
    const notice = h.byTopic('dispute-stage').at(-1)!;
    expect(notice.id).toBe('case-0001-fictional:dispute:d1:strategy-group:stage');
    expect(notice.to).toEqual(['housing', 'probation', 'strategy-group', 'administrator']);
    expect(notice.subject).toContain(MARKING);
    expect(notice.body[0]).toBe(MARKING);
    // Earlier steps never went to the Strategy Group.
    for (const n of h.byTopic('dispute-stage').slice(0, -1)) expect(n.to).not.toContain('strategy-group');
  });

  it('keeps the dispute with the last owner after the last deadline: overdue, told once, no further move', () => {
    const h = startDispute();
    lapseTo(h, 4);
    h.send(clock(REMINDER(DEADLINES['strategy-group'])));
    h.send(clock(DEADLINES['strategy-group']));
    const c = h.snap().context;
    expect(c).toMatchObject({ stepIndex: 4, overdue: true });
    expect(h.snap().status).toBe('active');
    expect(h.entries('dispute.stage')).toHaveLength(5);
    expect(h.messages.filter((n) => n.id.endsWith(':overdue'))).toEqual([expect.objectContaining({
      id: 'case-0001-fictional:dispute:d1:strategy-group:overdue', topic: 'dispute-reminder', to: ['housing', 'probation', 'strategy-group', 'administrator'],
    })]);
    expect(pendingDeadlines(h.snap())).toEqual([]);
    const before = h.messages.length;
    h.send(clock('2026-12-20T00:00:00.000Z'));
    expect(h.messages).toHaveLength(before);
    expect(disputeView(h.snap())).toMatchObject({ step: 'strategy-group', stage: 3, overdue: true, nextDeadline: null, status: 'open' });
  });

  it('keeps every message id unique per dispute and step', () => {
    const h = startDispute();
    lapseTo(h, 4);
    h.send(clock(REMINDER(DEADLINES['strategy-group'])));
    h.send(clock(DEADLINES['strategy-group']));
    const ids = h.messages.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(11); // 5 stage notices, 5 reminders, 1 overdue
  });
});

describe('responses', () => {
  it('records a response as a document at the current step', () => {
    const h = startDispute();
    h.send(respond('2026-11-30T09:00:00.000Z', probation, 'Probation will not lead: no statutory role.'));
    expect(h.snap().context.documents).toEqual([
      { step: 'practitioners', stage: 1, kind: 'response', at: '2026-11-30T09:00:00.000Z', by: probation, text: 'Probation will not lead: no statutory role.' },
    ]);
    expect(h.snap().context.stepIndex).toBe(0);
  });

  it('records the Strategic Lead\'s written response at the review step, and sends it on with the stage-3 referral', () => {
    const h = startDispute();
    lapseTo(h, 3);
    h.send(respond('2026-12-03T10:00:00.000Z', housing, 'Case review: the written response.'));
    expect(h.snap().context.documents).toEqual([expect.objectContaining({ step: 'strategic-lead-review', stage: 2, kind: 'written-response', text: 'Case review: the written response.' })]);
    h.send(clock(REMINDER(DEADLINES['strategic-lead-review'])));
    h.send(clock(DEADLINES['strategic-lead-review']));
    expect(h.byTopic('dispute-stage').at(-1)!.body.join('\n')).toContain('Written response at 2026-12-03T10:00:00.000Z, step strategic-lead-review, by housing (agency-practitioner): Case review: the written response.');
  });

  it('refuses a response from an agency that is not a party, and from an auditor', () => {
    const h = startDispute();
    expect(h.snap().can(respond('2026-11-28T09:00:00.000Z', health))).toBe(false);
    expect(refusalReason(profile, h.snap(), respond('2026-11-28T09:00:00.000Z', health))).toBe(
      'health (agency-practitioner) does not hold dispute d1 at step practitioners: only housing, probation or the administrator may respond to it',
    );
    expect(refusalReason(profile, h.snap(), respond('2026-11-28T09:00:00.000Z', auditor))).toMatch(/^auditor does not hold dispute d1/);
    expect(refusalReason(profile, h.snap(), respond('2026-11-28T09:00:00.000Z', admin))).toBeUndefined();
  });

  it('lets the Strategy Group act at stage 3 only', () => {
    const h = startDispute();
    expect(refusalReason(profile, h.snap(), respond('2026-11-28T09:00:00.000Z', strategyGroup))).toMatch(/does not hold dispute d1 at step practitioners/);
    lapseTo(h, 4);
    expect(refusalReason(profile, h.snap(), respond('2026-12-04T09:00:00.000Z', strategyGroup))).toBeUndefined();
    expect(refusalReason(profile, h.snap(), resolve('2026-12-04T10:00:00.000Z', strategyGroup))).toBeUndefined();
  });
});

describe('escalating early', () => {
  it('lets a party move the dispute to the next step at once; its clock starts then', () => {
    const h = startDispute();
    h.send(advance('2026-11-28T10:00:00.000Z', probation, 'We cannot agree; going to our managers now.'));
    const c = h.snap().context;
    expect(c).toMatchObject({ stepIndex: 1, deadline: '2026-11-29T10:00:00.000Z' });
    expect(c.history.at(-1)).toMatchObject({ step: 'line-managers', how: 'advanced', by: probation, rationale: 'We cannot agree; going to our managers now.', enteredAt: '2026-11-28T10:00:00.000Z' });
    expect(h.entries('dispute.stage').at(-1)).toMatchObject({
      at: '2026-11-28T10:00:00.000Z', actor: probation, rationale: 'We cannot agree; going to our managers now.',
      data: { stage: 'line-managers', deadline: '2026-11-29T10:00:00.000Z' },
    });
    expect(h.byTopic('dispute-stage').at(-1)!.body.join('\n')).toContain('Escalated early by probation (agency-practitioner): We cannot agree');
  });

  it('refuses to escalate past the last step, saying so', () => {
    const h = startDispute();
    for (let i = 0; i < 4; i++) h.send(advance(`2026-11-28T1${i}:00:00.000Z`));
    expect(h.snap().context.history.map((s) => s.step)).toEqual(STEPS);
    const event = advance('2026-11-28T15:00:00.000Z');
    expect(h.snap().can(event)).toBe(false);
    expect(refusalReason(profile, h.snap(), event)).toBe(
      'dispute d1 is at the last step of the escalation protocol (strategy-group, stage 3: the Domestic Abuse Strategy Group); there is no further step to escalate to',
    );
  });

  it('refuses an escalation by an agency that is not a party', () => {
    const h = startDispute();
    expect(refusalReason(profile, h.snap(), advance('2026-11-28T10:00:00.000Z', health))).toMatch(/only housing, probation or the administrator may escalate it/);
  });
});

describe('resolution', () => {
  it.each(STEPS.map((step, index) => [step, index] as const).filter(([step]) => step !== 'strategic-lead-review'))(
    'resolves at %s with the agreement on the timeline and everyone it reached told',
    (step, index) => {
      const h = startDispute();
      lapseTo(h, index);
      const at = new Date(Date.parse(DEADLINES[step]) - 3_600_000).toISOString();
      h.send(resolve(at, probation, 'Agree leads at the meeting itself.'));
      expect(h.snap().status).toBe('done');
      expect(h.snap().context.resolution).toEqual({
        agreement: 'Probation leads until the next review.', learning: 'Agree leads at the meeting itself.', at, by: probation, step, stage: profile.escalation.steps[index]!.stage,
      });
      expect(h.entries('dispute.resolved')).toEqual([{
        at, type: 'dispute.resolved', caseId: 'case-0001-fictional', actor: probation,
        data: { disputeId: 'd1', agreement: 'Probation leads until the next review.' }, rationale: 'Agree leads at the meeting itself.',
      }]);
      const resolved = h.byTopic('dispute-resolved');
      expect(resolved).toEqual([expect.objectContaining({ id: 'case-0001-fictional:dispute:d1:resolved' })]);
      expect(resolved[0]!.to).toEqual(step === 'strategy-group' ? ['housing', 'probation', 'administrator', 'strategy-group'] : ['housing', 'probation', 'administrator']);
      expect(disputeStage(h.snap())).toBe('resolved');
      expect(pendingDeadlines(h.snap())).toEqual([]);
    },
  );

  it('refuses resolution at the review step until the written response is recorded', () => {
    const h = startDispute();
    lapseTo(h, 3);
    const early = resolve('2026-12-03T09:00:00.000Z');
    expect(h.snap().can(early)).toBe(false);
    expect(refusalReason(profile, h.snap(), early)).toBe(
      "at step strategic-lead-review the organisation's Strategic Lead for HRDA must send a written response before the dispute can be resolved; record it with respond, then resolve",
    );
    h.send(early);
    expect(h.snap().status).toBe('active');
    h.send(respond('2026-12-03T10:00:00.000Z', housing, 'The written response.'));
    h.send(resolve('2026-12-03T11:00:00.000Z'));
    expect(h.snap().status).toBe('done');
    expect(h.snap().context.resolution).toMatchObject({ step: 'strategic-lead-review', stage: 2, learning: null });
  });

  it('does not count a response from an earlier step as the written response', () => {
    const h = startDispute();
    h.send(respond('2026-11-28T10:00:00.000Z'));
    lapseTo(h, 3);
    expect(h.snap().can(resolve('2026-12-03T09:00:00.000Z'))).toBe(false);
  });

  it('refuses everything once resolved, saying when', () => {
    const h = startDispute();
    h.send(resolve('2026-11-28T10:00:00.000Z'));
    for (const event of [respond('2026-11-28T11:00:00.000Z'), advance('2026-11-28T11:00:00.000Z'), resolve('2026-11-28T11:00:00.000Z')]) {
      expect(refusalReason(profile, h.snap(), event)).toBe('dispute d1 was resolved at 2026-11-28T10:00:00.000Z (step practitioners); it takes no further action');
    }
  });

  it('refuses a resolution by an agency that is not a party', () => {
    const h = startDispute();
    expect(refusalReason(profile, h.snap(), resolve('2026-11-28T10:00:00.000Z', health))).toMatch(/may resolve it$/);
  });

  it('gives the report what it needs: raised and resolved times, the highest stage reached, the agencies and the learning', () => {
    const h = startDispute({ with: ['probation', 'childrens-social-care'] });
    lapseTo(h, 2);
    h.send(resolve('2026-12-02T10:00:00.000Z', admin, 'Escalate sooner.'));
    const view = disputeView(h.snap());
    expect(view).toMatchObject({
      raisedAt: RAISED, resolvedAt: '2026-12-02T10:00:00.000Z', highestStage: 2, highestStep: 'strategic-lead-referral',
      parties: ['housing', 'probation', 'childrens-social-care'], status: 'resolved', publicStage: 'resolved',
      timeToResolutionMs: Date.parse('2026-12-02T10:00:00.000Z') - Date.parse(RAISED),
      resolution: { learning: 'Escalate sooner.', by: admin },
    });
    expect(view.history.at(-1)!.leftAt).toBe('2026-12-02T10:00:00.000Z');
  });
});

describe('the outbox', () => {
  it('forgets messages the host has delivered, and only those', () => {
    const h = startDispute();
    h.send(clock(REMINDER(DEADLINES.practitioners)));
    expect(h.snap().context.outbox.map((n) => n.topic)).toEqual(['dispute-stage', 'dispute-reminder']);
    h.send({ type: 'delivered', ids: ['case-0001-fictional:dispute:d1:practitioners:stage'] });
    expect(h.snap().context.outbox.map((n) => n.topic)).toEqual(['dispute-reminder']);
  });

  it('puts no personal data in subjects: references, stages and instants only', () => {
    const h = startDispute({ matter: 'Alex Example says Blake Example has moved back in.' });
    lapseTo(h, 4);
    for (const n of h.messages) expect(n.subject).not.toMatch(/Alex|Blake/);
    expect(h.messages[0]!.body.join('\n')).toContain('Alex Example says');
  });
});

describe('the start input', () => {
  it('writes any ISO instant in the canonical UTC form', () => {
    expect(disputeStartSchema.parse(start({ raisedAt: '2026-11-27T16:00:00Z' })).raisedAt).toBe(RAISED);
  });

  it('refuses ids that could carry a name, and a dispute with no other agency', () => {
    const result = disputeStartSchema.safeParse({ ...start(), disputeId: 'Alex Example', with: [] });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['disputeId', 'with']);
  });

  it('checks the area and the agencies against the profile', () => {
    expect(disputeStartIssues(profile, start())).toEqual([]);
    expect(disputeStartIssues(profile, start({ area: 'parking', raisedBy: 'fire-service', with: ['probation', 'probation', 'nobody'] }))).toEqual([
      { path: ['area'], message: expect.stringContaining('threshold, convene-meeting') },
      { path: ['raisedBy'], message: 'fire-service is not an agency of dorset-hrda' },
      { path: ['with', '1'], message: 'probation is listed twice' },
      { path: ['with', '2'], message: 'nobody is not an agency of dorset-hrda' },
    ]);
    expect(disputeStartIssues(profile, start({ with: ['housing'] }))).toEqual([{ path: ['with', '0'], message: expect.stringContaining('housing raised the dispute') }]);
  });
});

describe('profiles are data', () => {
  it('runs whatever steps the profile lists, in order', () => {
    const twoSteps = profileSchema.parse({
      ...profile,
      id: 'two-step',
      escalation: {
        ...profile.escalation,
        reminderBefore: 'PT1H',
        steps: [
          { id: 'team', stage: 1, owner: 'the team', deadline: { duration: 'PT2H' } },
          { id: 'board', stage: 2, owner: 'the board', deadline: { workingDays: 2 }, requires: 'written-response' },
        ],
      },
    });
    const h = startDispute({ profileId: 'two-step' }, twoSteps);
    expect(h.snap().context).toMatchObject({ deadline: '2026-11-27T18:00:00.000Z', reminderAt: '2026-11-27T17:00:00.000Z' });
    h.send(clock('2026-11-27T18:00:00.000Z'));
    expect(h.snap().context).toMatchObject({ stepIndex: 1, deadline: '2026-12-01T18:00:00.000Z' });
    expect(h.snap().can(advance('2026-11-28T10:00:00.000Z'))).toBe(false);
    expect(h.snap().can(resolve('2026-11-28T10:00:00.000Z'))).toBe(false);
    h.send(clock('2026-12-01T18:00:00.000Z'));
    expect(h.snap().context.overdue).toBe(true);
  });
});

describe('a dispute the case raised by itself ends with its cause (issue 14)', () => {
  const system: Actor = { role: 'system' };
  const automatic = { disputeId: 'anp-a1', area: 'actions-not-progressed', raisedBy: 'domestic-abuse-advisor', with: ['housing'], raisedByActor: system };

  it('ends at whatever step it has reached, the reason on the timeline, and tells every party', () => {
    const h = startDispute(automatic);
    for (const step of STEPS.slice(0, 4)) h.send(clock(DEADLINES[step]));
    expect(h.snap().context.history.at(-1)!.step).toBe('strategy-group');
    const reason = 'Action a1 (owner housing) was marked completed at 2026-12-04T10:00:00.000Z: it is no longer not progressed.';
    h.send({ type: 'causeEnded', at: '2026-12-04T10:00:00.000Z', reason });
    expect(h.snap().status).toBe('done');
    expect(h.entries('dispute.resolved')).toEqual([expect.objectContaining({ at: '2026-12-04T10:00:00.000Z', actor: system, data: { disputeId: 'anp-a1', agreement: reason } })]);
    expect(disputeView(h.snap())).toMatchObject({ status: 'resolved', step: 'strategy-group' });
    const [told] = h.byTopic('dispute-resolved');
    expect(told!.subject).toContain('Dispute anp-a1 ended: its cause is gone');
    expect(told!.to).toEqual(expect.arrayContaining(['domestic-abuse-advisor', 'housing']));
    // Nothing is left to time.
    expect(nextDeadline(h.snap())).toBeUndefined();
  });

  it('leaves a dispute a party raised to the parties', () => {
    const h = startDispute();
    h.send({ type: 'causeEnded', at: '2026-11-28T10:00:00.000Z', reason: 'Not this one.' });
    expect(h.snap().status).toBe('active');
    expect(h.entries('dispute.resolved')).toEqual([]);
  });
});
