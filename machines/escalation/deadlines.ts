import type { SnapshotFrom } from 'xstate';
import { addWorkingDays } from '../../domain/calendar';
import type { EscalationStep } from '../../domain/dispute';
import { minusDuration, plusDuration } from '../../domain/duration';
import type { Profile } from '../../domain/profile';
import type { Instant } from '../../domain/time';
import type { EscalationMachine } from './escalation.machine';

export type DisputeSnapshot = SnapshotFrom<EscalationMachine>;

/**
 * When a step entered at `from` must be done (PROTOCOL.md §1.6): "1 working day" counts working
 * days on the England and Wales calendar, "24 hours" is 24 clock hours. Friday 16:00 + 1 working
 * day is Monday 16:00; Monday 16:00 + PT24H is Tuesday 16:00.
 */
export function stepDeadline(step: EscalationStep, from: Instant): Instant {
  return 'workingDays' in step.deadline ? addWorkingDays(from, step.deadline.workingDays) : plusDuration(from, step.deadline.duration);
}

/**
 * The owner's reminder, the profile's `reminderBefore` ahead of the deadline. A step shorter than
 * that gets none: its stage notice, sent as it is entered, already says when it is due.
 */
export function stepReminder(profile: Profile, enteredAt: Instant, deadline: Instant): Instant | null {
  const at = minusDuration(deadline, profile.escalation.reminderBefore);
  return at > enteredAt ? at : null;
}

/**
 * The instants still ahead of an open dispute: the host arms one timer for the earliest and sends
 * `clock` when it fires (ARCHITECTURE.md: business deadlines belong to the workflow).
 */
export function pendingDeadlines(snapshot: DisputeSnapshot): Instant[] {
  const c = snapshot.context;
  if (snapshot.status !== 'active' || !snapshot.matches('open')) return [];
  const due: Instant[] = [];
  if (!c.reminded && c.reminderAt !== null) due.push(c.reminderAt);
  if (!c.overdue) due.push(c.deadline);
  return due.sort();
}

export function nextDeadline(snapshot: DisputeSnapshot): Instant | undefined {
  return pendingDeadlines(snapshot)[0];
}
