import { proxyActivities } from '@temporalio/workflow';
import type { MeetingKind } from '../domain/agenda';
import { addDays, localDate, nthWeekdayOfMonth } from '../domain/calendar';
import { getProfile } from '../domain/profiles';
import type { LocalDate } from '../domain/time';
import { meetingsBetween, monthlyMeetingPlan } from '../machines/meeting';
import type { MeetingActivities } from './meeting-activity-types';
import { now } from './meeting-host';
import type { MeetingPlannerInput } from './meeting.messages';

/**
 * Makes the meeting workflows exist ahead of time (issue 5): every daily meeting in the next
 * `days` days, and this month's and next month's management meetings, started by their
 * deterministic IDs. Run daily by a Temporal Schedule (client/meetings.ts ensureMeetingSchedules);
 * running it twice changes nothing.
 */
export async function meetingPlannerWorkflow(input: MeetingPlannerInput): Promise<{ from: LocalDate; to: LocalDate; started: string[]; existing: string[] }> {
  const profile = getProfile(input.profileId);
  const { ensureMeetingWorkflows } = proxyActivities<MeetingActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
  });
  const at = now();
  const from = localDate(at);
  const to = addDays(from, Math.max(1, input.days) - 1);
  const wanted = new Map<string, { kind: MeetingKind; date: LocalDate }>();
  for (const m of meetingsBetween(profile, from, to)) {
    if (m.endsAt > at) wanted.set(`${m.kind}:${m.date}`, { kind: m.kind, date: m.date });
  }
  // Review requests enlist up to a month ahead: the next two management meetings always exist.
  const [year, month] = from.split('-').map(Number) as [number, number];
  const management = profile.monthlyMeeting;
  if (management) {
    for (const [y, m] of [[year, month], month === 12 ? [year + 1, 1] : [year, month + 1]] as const) {
      const plan = monthlyMeetingPlan(profile, nthWeekdayOfMonth(y, m, management.weekday, management.nth));
      if (plan.endsAt > at) wanted.set(`monthly:${plan.date}`, { kind: 'monthly', date: plan.date });
    }
  }
  const result = await ensureMeetingWorkflows({ profileId: profile.id, meetings: [...wanted.values()] });
  return { from, to, ...result };
}
