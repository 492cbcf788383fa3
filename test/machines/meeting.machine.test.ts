import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { AgendaEntry } from '../../domain/agenda';
import { dorsetHrda as profile } from '../../domain/profiles/dorset-hrda';
import {
  createDailyMeetingMachine, createMonthlyMeetingMachine, dailyAgendaItems, dailyAgendaView, dailyDeadline, dailyMeetingPlan, dailyRefusal, dailyStatus,
  meetingsBetween, monthlyAgendaItems, monthlyAgendaView, monthlyMeetingPlan, monthlyRefusal, monthlyStatus, orderAgenda, type DailyMeetingSnapshot, type MonthlyMeetingSnapshot,
} from '../../machines/meeting';

const admin = { role: 'administrator' as const, agency: 'police' };
const chair = { role: 'chair' as const, agency: 'police' };

const entry = (caseId: string, overrides: Partial<AgendaEntry> = {}): AgendaEntry => ({
  caseId, risk: 'high', childrenLinked: false, repeat: false, receivedAt: '2026-11-24T10:00:00.000Z', item: 'new-referral', ...overrides,
});

describe('meeting plans from the profile and the calendar', () => {
  it('freezes Thursday’s agenda at 14:00 on Wednesday, sits at 12:00 and takes outcomes until 17:00; Police facilitate', () => {
    expect(dailyMeetingPlan(profile, '2026-11-26')).toEqual({
      kind: 'daily', profileId: 'dorset-hrda', date: '2026-11-26', held: true, noMeetingReason: null,
      meetingAt: '2026-11-26T12:00:00.000Z', freezeAt: '2026-11-25T14:00:00.000Z', endsAt: '2026-11-26T17:00:00.000Z', facilitator: 'police',
    });
    expect(dailyMeetingPlan(profile, '2026-11-27').facilitator).toBe('childrens-social-care');
  });

  it('holds no meeting on the Early May bank holiday, and freezes Tuesday’s agenda on the Friday before (BST)', () => {
    expect(dailyMeetingPlan(profile, '2027-05-03')).toMatchObject({ held: false, noMeetingReason: '2027-05-03 is a bank holiday (Early May bank holiday): no meeting' });
    expect(dailyMeetingPlan(profile, '2027-05-04')).toMatchObject({ held: true, meetingAt: '2027-05-04T11:00:00.000Z', freezeAt: '2027-04-30T13:00:00.000Z' });
    expect(dailyMeetingPlan(profile, '2026-11-25')).toMatchObject({ held: false, noMeetingReason: 'dorset-hrda holds no daily meeting on a wednesday' });
  });

  it('holds a fortnightly meeting only in the weeks of its series, and says why not otherwise', () => {
    const fortnightly = { ...profile, dailyMeeting: { ...profile.dailyMeeting, slots: [{ weekday: 'tuesday' as const, time: '09:30', everyWeeks: 2, from: '2026-11-24' }] } };
    expect(dailyMeetingPlan(fortnightly, '2026-12-08')).toMatchObject({ held: true, meetingAt: '2026-12-08T09:30:00.000Z' });
    expect(dailyMeetingPlan(fortnightly, '2026-12-01')).toMatchObject({ held: false, noMeetingReason: "2026-12-01 is not in a week of dorset-hrda's tuesday meetings: no meeting" });
    expect(meetingsBetween(fortnightly, '2026-11-23', '2026-12-31').filter((m) => m.kind === 'daily').map((m) => m.date)).toEqual(['2026-11-24', '2026-12-08', '2026-12-22']);
  });

  it('lists no management meetings for a profile without one', () => {
    const { monthlyMeeting: _, ...withoutReview } = profile;
    expect(meetingsBetween(withoutReview, '2026-12-21', '2026-12-24').map((m) => `${m.kind} ${m.date}`)).toEqual(['daily 2026-12-21', 'daily 2026-12-22', 'daily 2026-12-24']);
  });

  it('plans the December 2026 HRDAP for Wednesday 23rd 09:00 with QA and circulation by Wednesday 16th 09:00', () => {
    expect(monthlyMeetingPlan(profile, '2026-12-23')).toMatchObject({ held: true, meetingAt: '2026-12-23T09:00:00.000Z', qaBy: '2026-12-16T09:00:00.000Z', endsAt: '2026-12-23T17:00:00.000Z' });
    expect(monthlyMeetingPlan(profile, '2026-12-16')).toMatchObject({ held: false, noMeetingReason: 'the dorset-hrda management meeting of 2026-12 is on 2026-12-23, not 2026-12-16' });
  });

  it('lists the meetings of Christmas 2026: none on the 25th, 28th or 1st; the HRDAP on the 23rd', () => {
    expect(meetingsBetween(profile, '2026-12-21', '2027-01-04').map((m) => `${m.kind} ${m.date}`)).toEqual([
      'daily 2026-12-21', 'daily 2026-12-22', 'monthly 2026-12-23', 'daily 2026-12-24', 'daily 2026-12-29', 'daily 2026-12-31', 'daily 2027-01-04',
    ]);
  });
});

describe('agenda order', () => {
  const repeat = entry('c-standard-repeat', { risk: 'standard', repeat: true, receivedAt: '2026-11-24T08:30:00.000Z' });
  const highEarlier = entry('b-high', { receivedAt: '2026-11-24T09:00:00.000Z' });
  const children = entry('a-children', { childrenLinked: true, receivedAt: '2026-11-24T10:00:00.000Z' });

  it('puts children first, then risk high to standard, then time received (Dorset)', () => {
    expect(orderAgenda([repeat, highEarlier, children], profile.dailyMeeting.agendaOrder).map((e) => e.caseId)).toEqual(['a-children', 'b-high', 'c-standard-repeat']);
  });

  it('orders by whatever keys a profile names, ties by time received and then case ID', () => {
    expect(orderAgenda([children, highEarlier, repeat], ['repeat-first']).map((e) => e.caseId)).toEqual(['c-standard-repeat', 'b-high', 'a-children']);
    expect(orderAgenda([entry('z'), entry('y')], []).map((e) => e.caseId)).toEqual(['y', 'z']);
  });
});

describe('the daily meeting machine', () => {
  const start = (date = '2026-11-26', startedAt = '2026-11-24T09:00:00.000Z') => {
    const actor = createActor(createDailyMeetingMachine(profile), { input: { plan: dailyMeetingPlan(profile, date), startedAt } }).start();
    return { actor, s: () => actor.getSnapshot() as DailyMeetingSnapshot };
  };

  it('freezes at the cut-off, circulates the pack, turns away a late new referral but takes a rolled-over case', () => {
    const { actor, s } = start();
    actor.send({ type: 'enlist', at: '2026-11-24T10:00:01.000Z', entry: entry('a') });
    actor.send({ type: 'enlist', at: '2026-11-24T10:00:02.000Z', entry: entry('a') });
    expect(dailyDeadline(s())).toBe('2026-11-25T14:00:00.000Z');
    actor.send({ type: 'clock', at: '2026-11-25T14:00:00.000Z' });
    expect(dailyStatus(s())).toBe('agenda-frozen');
    expect(s().context.effects).toEqual([{ id: '1', type: 'circulatePack', revision: 1 }]);
    actor.send({ type: 'enlist', at: '2026-11-25T15:00:00.000Z', entry: entry('late') });
    actor.send({ type: 'enlist', at: '2026-11-25T17:00:00.000Z', entry: entry('moved', { item: 'rolled-over' }) });
    expect(s().context.effects.slice(1)).toEqual([
      { id: '2', type: 'rollOver', caseId: 'late', missedMeetingAt: '2026-11-26T12:00:00.000Z', reason: 'after-cut-off' },
      { id: '3', type: 'circulatePack', revision: 2 },
    ]);
    expect(dailyAgendaItems(profile, s().context).map((e) => [e.caseId, e.lateAddition])).toEqual([['a', false], ['moved', true]]);
  });

  it('takes outcomes while sitting; at the end asks for the minutes and rolls over every case not heard', () => {
    const { actor, s } = start();
    actor.send({ type: 'enlist', at: '2026-11-24T10:00:00.000Z', entry: entry('a', { childrenLinked: true }) });
    actor.send({ type: 'enlist', at: '2026-11-24T11:00:00.000Z', entry: entry('b') });
    actor.send({ type: 'clock', at: '2026-11-25T14:00:00.000Z' });
    actor.send({ type: 'effectsTaken', ids: ['1'] });
    expect(dailyRefusal(profile, s(), 'recordOutcome', { caseId: 'a', actor: admin })).toBe('the meeting sits at 2026-11-26T12:00:00.000Z; outcomes are recorded from then until 2026-11-26T17:00:00.000Z');
    actor.send({ type: 'clock', at: '2026-11-26T12:00:00.000Z' });
    expect(dailyRefusal(profile, s(), 'recordOutcome', { caseId: 'a', actor: admin })).toBeUndefined();
    expect(dailyRefusal(profile, s(), 'recordOutcome', { caseId: 'x', actor: admin })).toBe('case x is not on the agenda of the meeting of 2026-11-26');
    actor.send({ type: 'outcomeRecorded', at: '2026-11-26T12:30:00.000Z', caseId: 'a', actor: admin });
    expect(s().context.outcomes).toEqual([{ caseId: 'a', at: '2026-11-26T12:30:00.000Z', by: admin }]);
    expect(dailyRefusal(profile, s(), 'declareClosure', { reason: 'Too late', actor: admin })).toMatch(/already heard 1 case/);
    actor.send({ type: 'clock', at: '2026-11-26T17:00:00.000Z' });
    expect(s().context.effects).toEqual([{ id: '2', type: 'circulateMinutes' }]);
    actor.send({ type: 'minutesCirculated', at: '2026-11-26T17:00:01.000Z', minutes: { mailId: 'm', recipients: [], caseIds: ['a', 'b'], heard: ['a'], notHeard: ['b'], markdown: 'text of an old-shape result', html: '<p>old</p>' } as never });
    // An old-shape result's text is not kept: the meeting holds the minutes by reference.
    expect(JSON.stringify(s().context.minutes)).not.toMatch(/old/);
    expect(dailyStatus(s())).toBe('ended');
    expect(s().context.effects[1]).toEqual({ id: '3', type: 'rollOver', caseId: 'b', missedMeetingAt: '2026-11-26T12:00:00.000Z', reason: 'out-of-time' });
    expect(dailyAgendaView(profile, s()).items.map((i) => [i.caseId, i.status])).toEqual([['a', 'heard'], ['b', 'rolled-over']]);
    actor.send({ type: 'enlist', at: '2026-11-26T18:00:00.000Z', entry: entry('c') });
    expect(s().context.rolledOver.at(-1)).toMatchObject({ caseId: 'c', reason: 'after-cut-off' });
  });

  it('cancels on a closure day: every case rolls over at once and agencies are told', () => {
    const { actor, s } = start();
    actor.send({ type: 'enlist', at: '2026-11-24T10:00:00.000Z', entry: entry('a') });
    actor.send({ type: 'declareClosure', at: '2026-11-25T09:00:00.000Z', reason: 'Building closed', actor: admin });
    expect(dailyStatus(s())).toBe('cancelled');
    expect(s().context.effects).toEqual([
      { id: '1', type: 'rollOver', caseId: 'a', missedMeetingAt: '2026-11-26T12:00:00.000Z', reason: 'meeting-cancelled' },
      { id: '2', type: 'announceClosure' },
    ]);
    actor.send({ type: 'enlist', at: '2026-11-25T10:00:00.000Z', entry: entry('b') });
    expect(s().context.rolledOver.map((r) => [r.caseId, r.reason])).toEqual([['a', 'meeting-cancelled'], ['b', 'meeting-cancelled']]);
    expect(dailyRefusal(profile, s(), 'recordAttendance', { agencies: ['police'], actor: admin })).toBe('the meeting of 2026-11-26 was cancelled (Building closed); its cases were rolled over');
    expect(dailyDeadline(s())).toBe('2026-11-26T17:00:00.000Z');
  });

  it('refuses a day with no meeting: whatever enlists is sent on', () => {
    const { actor, s } = start('2027-05-03', '2027-04-30T10:00:00.000Z');
    expect(dailyStatus(s())).toBe('no-meeting');
    actor.send({ type: 'enlist', at: '2027-04-30T10:00:00.000Z', entry: entry('a') });
    expect(s().context.effects).toEqual([{ id: '1', type: 'rollOver', caseId: 'a', missedMeetingAt: '2027-05-03T11:00:00.000Z', reason: 'meeting-cancelled' }]);
    expect(dailyRefusal(profile, s(), 'recordOutcome', { caseId: 'a', actor: admin })).toBe('2027-05-03 is a bank holiday (Early May bank holiday): no meeting');
  });

  it('refuses attendance naming an agency the directory does not know', () => {
    const { s } = start();
    expect(dailyRefusal(profile, s(), 'recordAttendance', { agencies: ['police', 'the-press'], actor: admin })).toBe('unknown agencies for profile dorset-hrda: the-press');
  });
});

describe('the monthly meeting machine', () => {
  const start = () => {
    const actor = createActor(createMonthlyMeetingMachine(profile), { input: { plan: monthlyMeetingPlan(profile, '2026-12-23'), startedAt: '2026-12-01T10:00:00.000Z' } }).start();
    return { actor, s: () => actor.getSnapshot() as MonthlyMeetingSnapshot };
  };
  const review = (caseId: string) => entry(caseId, { item: 'management-review' });

  it('takes the chairs’ decisions until the QA point; the agenda then fixes, leaving returned requests out', () => {
    const { actor, s } = start();
    actor.send({ type: 'enlist', at: '2026-12-01T10:00:00.000Z', entry: review('a') });
    actor.send({ type: 'enlist', at: '2026-12-02T10:00:00.000Z', entry: review('b') });
    actor.send({ type: 'enlist', at: '2026-12-03T10:00:00.000Z', entry: review('c') });
    actor.send({ type: 'qaRecorded', at: '2026-12-14T10:00:00.000Z', caseId: 'a', accepted: true, actor: chair });
    actor.send({ type: 'qaRecorded', at: '2026-12-14T10:30:00.000Z', caseId: 'b', accepted: false, actor: chair });
    expect(monthlyRefusal(profile, s(), 'recordQaDecision', { caseId: 'b', accepted: true, actor: chair })).toMatch(/already decided on case b/);
    actor.send({ type: 'clock', at: '2026-12-16T09:00:00.000Z' });
    expect(monthlyStatus(s())).toBe('agenda-frozen');
    expect(s().context.effects).toEqual([{ id: '1', type: 'circulatePack', revision: 1 }]);
    expect(monthlyAgendaItems(s().context).map((e) => [e.caseId, e.qa])).toEqual([['a', 'accepted'], ['c', 'not-quality-assured']]);
    expect(monthlyRefusal(profile, s(), 'recordQaDecision', { caseId: 'c', accepted: true, actor: chair })).toBe('the QA point (2026-12-16T09:00:00.000Z) has passed; a case without a decision stays on the agenda marked "not quality-assured"');
    expect(monthlyRefusal(profile, s(), 'recordReviewOutcome', { caseId: 'a', actor: admin })).toMatch(/sits at 2026-12-23T09:00:00.000Z/);
    actor.send({ type: 'clock', at: '2026-12-23T09:00:00.000Z' });
    expect(monthlyRefusal(profile, s(), 'recordReviewOutcome', { caseId: 'b', actor: admin })).toBe('case b was not accepted by the chairs and is not heard');
    expect(monthlyRefusal(profile, s(), 'recordReviewOutcome', { caseId: 'a', actor: admin })).toBeUndefined();
  });
  it('lets a case closed before the meeting leave the agenda, sending the summaries again without it; once sitting, the agenda stays', () => {
    const { actor, s } = start();
    actor.send({ type: 'enlist', at: '2026-12-01T10:00:00.000Z', entry: review('a') });
    actor.send({ type: 'enlist', at: '2026-12-02T10:00:00.000Z', entry: review('c') });
    actor.send({ type: 'leaveAgenda', at: '2026-12-05T10:00:00.000Z', caseId: 'nobody' });
    actor.send({ type: 'clock', at: '2026-12-16T09:00:00.000Z' });
    actor.send({ type: 'leaveAgenda', at: '2026-12-18T10:00:00.000Z', caseId: 'c' });
    expect(monthlyAgendaItems(s().context).map((e) => e.caseId)).toEqual(['a']);
    expect(monthlyAgendaView(s()).leftAgenda).toEqual([{ caseId: 'c', at: '2026-12-18T10:00:00.000Z' }]);
    expect(s().context.effects.map((e) => e.type === 'circulatePack' && e.revision)).toEqual([1, 2]);
    actor.send({ type: 'clock', at: '2026-12-23T09:00:00.000Z' });
    actor.send({ type: 'leaveAgenda', at: '2026-12-23T09:30:00.000Z', caseId: 'a' });
    expect(monthlyAgendaItems(s().context).map((e) => e.caseId)).toEqual(['a']);
  });
});
