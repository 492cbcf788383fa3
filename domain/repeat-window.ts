import type { Notification } from './notification';

/**
 * The end of the repeat window (issue 21 item 3). While a further referral within the profile's
 * `routing.repeatWindow` of the victim's latest one would go straight back to the meeting, agencies
 * "flag and tag" the victim's records; protocols (Derbyshire's, for one) tell partners when a case's
 * 12-month window has lapsed so the flag can come off. The subject's workflow, which holds the window
 * (workflows/subject.workflow.ts), tells the agencies that took part in each of the victim's cases
 * when it passes: by the case reference they already hold and nothing else — no name, no date of
 * birth, no detail of the case — and never the perpetrator (recipients are directory agencies only).
 */
export interface EndedCase {
  caseId: string;
  profileId: string;
  /** The agencies that took part in the case: the only recipients. */
  agencies: readonly string[];
}

export const repeatWindowEndedNotificationId = (caseId: string, endedAt: string) => `${caseId}:repeat-window-ended:${endedAt}`;

/** The message to one case's agencies; its body holds the case reference, the window and dates, nothing personal. */
export function repeatWindowEndedNotice(c: EndedCase, window: { latestReferralAt: string; endedAt: string; repeatWindow: string }): Notification {
  return {
    id: repeatWindowEndedNotificationId(c.caseId, window.endedAt),
    caseId: c.caseId,
    profileId: c.profileId,
    to: [...c.agencies],
    topic: 'repeat-window-ended',
    subject: `[HRDA ${c.caseId.slice(0, 8)}] Repeat window ended`,
    body: [
      `Case ${c.caseId}: the repeat window (${window.repeatWindow}) since the victim's latest referral (${window.latestReferralAt}) ended at ${window.endedAt}.`,
      'A further referral for this victim will no longer be heard as a repeat. Any flag your agency placed on its records for this case may be reviewed and removed under your own procedures.',
      'This message carries the case reference only; look the case up in your own records.',
    ],
  };
}
