import { z } from 'zod';
import { agencyIdSchema } from './actor';

/**
 * A message the engine sends. Recipients are agencies of the profile's directory or the
 * administrator — never a free-form address — so nothing can be addressed to a perpetrator
 * (PROTOCOL.md §1.1 invariant): the mail port resolves mailboxes from the directory alone.
 */
export const recipientSchema = z.union([agencyIdSchema, z.literal('administrator')]);
export type Recipient = z.infer<typeof recipientSchema>;

export const notificationTopics = [
  'info-request', 'summary-reminder', 'checks-unavailable', 'offer-referral', 'matrix-circulated',
  'action-reminder', 'action-overdue', 'review-scheduled', 'review-feedback', 'review-circulated', 'case-closed',
  'dispute-stage', 'dispute-reminder', 'dispute-resolved', 'recipient-withheld', 'dvpo-circulated', 'dvpo-breach',
  'incident-shared', 'first-response-overdue', 'health-sharing-overdue', 'victim-to-be-told',
  // The MASH stage (domain/mash.ts).
  'screening-shared', 'triage-request', 'triage-response', 'mash-meeting', 'mash-overdue', 'mash-outcome',
  // The end of a victim's repeat window (domain/repeat-window.ts): the flag on agencies' records may come off.
  'repeat-window-ended',
] as const;

export const notificationSchema = z.object({
  /** Stable per case and purpose: a retried send with the same id delivers nothing twice. */
  id: z.string().min(1),
  caseId: z.string().min(1),
  profileId: z.string().min(1),
  to: z.array(recipientSchema).min(1),
  topic: z.enum(notificationTopics),
  subject: z.string().min(1),
  /** The message body's facts; rendered by the mail port. May hold personal data (payloads are protected). */
  body: z.array(z.string()),
});
export type Notification = z.infer<typeof notificationSchema>;
