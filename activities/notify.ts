import { ApplicationFailure } from '@temporalio/common';
import { notificationSchema, type Notification } from '../domain/notification';
import { recipientWithheldType } from '../domain/perpetrator-safety';
import type { Profile } from '../domain/profile';
import { escapeHtml } from '../domain/text';
import { getProfile } from '../domain/profiles';
import type { MailPort, OutgoingMail } from './mail.port';

export const notificationFooter = 'Sent by the HRDA case service. Do not forward to the perpetrator or anyone connected to them.';

export interface NotificationResult {
  status: 'sent' | 'already-sent';
  recipients: number;
}

/**
 * Notifications to agencies and the administrator. Addresses come from the profile's directory
 * and nowhere else: a recipient the directory does not know is refused, so no message can be
 * addressed to a perpetrator (PROTOCOL.md §1.1 invariant).
 *
 * Failure messages reach the workflow history unencrypted: they name fields and positions,
 * never a recipient, a subject or a body line.
 */
export interface NotificationDeps {
  mail: MailPort;
  profiles?: (id: string) => Profile;
  /** Tells the case that the mail guard withheld one of its messages (activities/index.ts: a signal to its workflow). */
  reportWithheld?: (caseId: string, withheld: { notificationId: string; topic: string; positions: number[] }) => Promise<void>;
}

export function createNotificationActivities(deps: NotificationDeps) {
  const profileOf = deps.profiles ?? getProfile;
  return {
    async sendNotification(n: Notification): Promise<NotificationResult> {
      const parsed = notificationSchema.safeParse(n);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        throw ApplicationFailure.nonRetryable(`Notification is not valid: ${issues}`, 'InvalidNotification');
      }
      const notification = parsed.data;
      const to = resolveRecipients(notification, profileFor(profileOf, notification.profileId));
      const mail: OutgoingMail = {
        id: notification.id,
        to,
        subject: notification.subject,
        text: renderText(notification),
        html: renderHtml(notification),
        caseIds: [notification.caseId],
      };
      try {
        return { status: await deps.mail.send(mail), recipients: to.length };
      } catch (err) {
        if (err instanceof ApplicationFailure && err.type === recipientWithheldType && deps.reportWithheld) {
          const positions = ((err.details?.[0] as { positions?: number[] } | undefined)?.positions ?? []).flatMap((i) => recipientPositions(notification, profileFor(profileOf, notification.profileId), to[i]!));
          await deps.reportWithheld(notification.caseId, { notificationId: notification.id, topic: notification.topic, positions });
        }
        throw err;
      }
    },
  };
}

function profileFor(profileOf: (id: string) => Profile, id: string): Profile {
  try {
    return profileOf(id);
  } catch {
    throw ApplicationFailure.nonRetryable(`Notification names profile "${id}", which this worker does not know.`, 'UnknownProfile');
  }
}

/** Where in the notification's `to` a resolved mailbox came from (several agencies may share one). */
function recipientPositions(n: Notification, profile: Profile, mailbox: string): number[] {
  return n.to.flatMap((recipient, index) => {
    const box = recipient === 'administrator' ? profile.administrator.mailbox : profile.agencies.find((a) => a.id === recipient)?.mailbox;
    return box === mailbox ? [index] : [];
  });
}

/** Each recipient's mailbox from the directory, once each (two agencies may share a mailbox). */
export function resolveRecipients(n: Notification, profile: Profile): string[] {
  const mailboxes = n.to.map((recipient, index) => {
    const mailbox = recipient === 'administrator'
      ? profile.administrator.mailbox
      : profile.agencies.find((agency) => agency.id === recipient)?.mailbox;
    if (!mailbox) {
      throw ApplicationFailure.nonRetryable(
        `Notification ${n.id}: recipient to[${index}] is not an agency in the directory of profile "${profile.id}"; only directory agencies and the administrator can be notified.`,
        'UnknownRecipient',
      );
    }
    return mailbox;
  });
  return [...new Set(mailboxes)];
}

export function renderText(n: Notification): string {
  return [n.subject, '', ...n.body.flatMap((line) => [line, '']), '-- ', notificationFooter, ''].join('\n');
}

export function renderHtml(n: Notification): string {
  const paragraphs = n.body.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head><meta charset="utf-8"><title>' + escapeHtml(n.subject) + '</title></head>',
    '<body style="font-family: Arial, Helvetica, sans-serif; font-size: 16px; line-height: 1.5; color: #1d1d1d; max-width: 40em;">',
    `<h1 style="font-size: 1.4em;">${escapeHtml(n.subject)}</h1>`,
    paragraphs,
    `<hr><p style="font-size: 0.9em; color: #505050;">${escapeHtml(notificationFooter)}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
