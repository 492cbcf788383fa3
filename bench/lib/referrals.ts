import type { Actor } from '../../domain/actor';
import { addDays, atLocal, localDate } from '../../domain/calendar';
import type { CaseCommandInput } from '../../domain/case-commands';
import { plusDuration } from '../../domain/duration';
import type { Profile } from '../../domain/profile';
import type { ReferralInput } from '../../domain/referral';
import { dailySchedule } from '../../machines/referral';

/**
 * Referrals and user actions for the bench and the fault tests. Nothing here compresses the
 * calendar: a lifecycle that must reach its meeting without waiting days is a referral *dated
 * in the past* under the real profile, so the protocol's deadlines (circulation, reminder,
 * meeting) have already passed and the case's timers fire at once.
 */

/** A high-risk referral (CONTRACT.md §1) with fictional people; `tag` makes the victim unique, so no case is a repeat. */
export function benchReferral(tag: string, receivedAt?: string): ReferralInput {
  return {
    ...(receivedAt ? { receivedAt } : {}),
    referrer: { agency: 'police', name: 'PC Bench', contact: 'sru@example.org' },
    assessment: { tool: 'police-dash', risk: 'high', score: 16 },
    incident: { occurredAt: receivedAt ?? new Date().toISOString(), summary: 'Assault at the family home; strangulation reported.', flags: ['strangulation'] },
    victim: { name: `Bench Victim ${tag}`, dateOfBirth: '1990-04-01', consent: { share: true, contact: true } },
    perpetrator: { name: `Bench Perpetrator ${tag}`, dateOfBirth: '1988-02-02', mappaLevel: 2 },
    children: [{ name: `Bench Child ${tag}`, dateOfBirth: '2019-06-30' }],
  };
}

export interface PastDating {
  receivedAt: string;
  meetingAt: string;
  /** When the meeting's outcomes window closed (meetingAt + the profile's outcomesBy). */
  meetingEndedAt: string;
}

/**
 * The latest 10:00 (London) receipt whose daily meeting has already ended at `now`, so a case
 * received then is at its meeting at once. Its actions' three-week update period (and the
 * reminder a week before) is still ahead, since the meeting is at most a few days old.
 */
export function pastDating(profile: Profile, now = new Date()): PastDating {
  const today = localDate(now.toISOString());
  for (let back = 0; back < 30; back++) {
    const receivedAt = atLocal(addDays(today, -back), '10:00');
    const { meetingAt } = dailySchedule(profile, receivedAt);
    const meetingEndedAt = plusDuration(meetingAt, profile.dailyMeeting.outcomesBy);
    if (Date.parse(meetingEndedAt) < now.getTime()) return { receivedAt, meetingAt, meetingEndedAt };
  }
  throw new Error('No daily meeting ended in the last 30 days: check the profile');
}

export const administrator = (profile: Profile): Actor => ({ role: 'administrator', agency: profile.administrator.agency, name: 'bench-administrator' });
export const practitioner = (agency: string): Actor => ({ role: 'agency-practitioner', agency, name: `bench-${agency}` });

/** The HRDA Matrix with one action owned by housing (PROTOCOL.md §1.3); `dueAt` overrides the three weeks. */
export function meetingOutcome(dueAt?: string): Omit<CaseCommandInput<'recordMeetingOutcome'>, 'actor'> {
  return {
    outcome: {
      risks: ['Strangulation reported; risk of serious harm.'],
      actions: [{ id: 'a1', owner: 'housing', description: 'Fit additional locks at the victim\'s address.', ...(dueAt ? { dueAt } : {}) }],
      leads: {},
      rationale: 'High risk; practical safety first.',
    },
  };
}

export const actionCompleted: Omit<CaseCommandInput<'updateAction'>, 'actor'> = { actionId: 'a1', status: 'completed', note: 'Locks fitted.' };

export const agencySummary = (n: number): Omit<CaseCommandInput<'submitSummary'>, 'actor'> => ({
  agency: 'housing',
  summary: { involvement: `Tenancy known (update ${n}).`, risks: 'Repeat call-outs.', actionsTaken: 'Priority repairs.', recommendations: 'Sanctuary scheme.' },
});

export const victimContact = (n: number): Omit<CaseCommandInput<'recordVictimContact'>, 'actor'> => ({
  outcome: 'views-recorded',
  views: `Wants the locks changed (call ${n}).`,
});
