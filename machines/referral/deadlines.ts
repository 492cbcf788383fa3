import type { SnapshotFrom } from 'xstate';
import { plusDuration } from '../../domain/duration';
import { getProfile } from '../../domain/profiles';
import type { Instant } from '../../domain/time';
import { pendingMaracDeadlines } from './marac';
import { mashDeadlines } from './mash';
import { pendingNoticeDeadlines } from './notices';
import { pendingSharingDeadlines } from './information-sharing';
import { actionsNotProgressedId } from './referral.machine';
import type { ReferralMachine } from './referral.machine';

export type CaseSnapshot = SnapshotFrom<ReferralMachine>;

/**
 * The protocol deadlines still ahead of the case, from its context and state: the host arms one
 * timer for the earliest and sends `clock` when it fires (ARCHITECTURE.md: business deadlines
 * belong to the workflow, not to XState's `after`).
 */
export function pendingDeadlines(snapshot: CaseSnapshot): Instant[] {
  const profile = getProfile(snapshot.context.profileId);
  const c = snapshot.context;
  const due: Instant[] = [];
  if (snapshot.matches('preparing')) {
    if (snapshot.matches({ preparing: { circulation: 'waiting' } }) && c.circulateBy) due.push(c.circulateBy);
    if (!c.summaryReminderSent && c.summaryReminderAt) due.push(c.summaryReminderAt);
    if (c.meetingAt) due.push(c.meetingAt);
  }
  if (snapshot.matches('monitoring')) {
    for (const a of c.actions) {
      if (a.status === 'completed' || a.status === 'closed') continue;
      if (!a.reminded) due.push(a.reminderAt);
      if (!a.overdue) due.push(a.dueAt);
      else if (!c.disputes.some((d) => d.disputeId === actionsNotProgressedId(a.id))) due.push(plusDuration(a.dueAt, profile.escalation.actionsNotProgressedAfter));
    }
    if (snapshot.matches({ monitoring: { review: 'requested' } }) && c.review) due.push(c.review.qaBy);
    if (snapshot.matches({ monitoring: { review: 'accepted' } }) && c.review) due.push(c.review.meetingAt);
  }
  if (snapshot.status === 'active' && !snapshot.matches('closed')) due.push(...pendingNoticeDeadlines(c), ...pendingMaracDeadlines(c));
  if (snapshot.status === 'active' && !snapshot.matches('closed')) due.push(...pendingSharingDeadlines(c));
  if (snapshot.matches('mash')) due.push(...mashDeadlines(c));
  return due.sort();
}

export function nextDeadline(snapshot: CaseSnapshot): Instant | undefined {
  return pendingDeadlines(snapshot)[0];
}
