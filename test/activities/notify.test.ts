import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { MailPort, OutgoingMail } from '../../activities/mail.port';
import { createNotificationActivities, notificationFooter } from '../../activities/notify';
import type { Notification } from '../../domain/notification';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';

function capturingMail(): MailPort & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return {
    sent,
    async send(mail) {
      if (sent.some((m) => m.id === mail.id)) return 'already-sent';
      sent.push(mail);
      return 'sent';
    },
  };
}

const notification = (overrides: Partial<Notification> = {}): Notification => ({
  id: 'case-1:info-request',
  caseId: 'case-1',
  profileId: 'dorset-hrda',
  to: ['police', 'housing'],
  topic: 'info-request',
  subject: 'HRDA information request',
  body: ['Please return your summary by 14:00 on Tuesday.', 'The case is heard on Thursday at 12:00.'],
  ...overrides,
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('sendNotification', () => {
  it('addresses the agencies\' mailboxes from the dorset-hrda directory', async () => {
    const mail = capturingMail();
    const { sendNotification } = createNotificationActivities({ mail });
    expect(await sendNotification(notification())).toEqual({ status: 'sent', recipients: 2 });
    expect(mail.sent[0]?.to).toEqual(['hrda@police.example.org', 'hrda@housing.example.org']);
    expect(mail.sent[0]?.id).toBe('case-1:info-request');
    expect(mail.sent[0]?.subject).toBe('HRDA information request');
  });

  it('addresses the administrator at the profile\'s administrator mailbox', async () => {
    const mail = capturingMail();
    const { sendNotification } = createNotificationActivities({ mail });
    await sendNotification(notification({ id: 'case-1:checks-unavailable', topic: 'checks-unavailable', to: ['administrator'] }));
    expect(mail.sent[0]?.to).toEqual([dorsetHrda.administrator.mailbox]);
  });

  it('addresses a mailbox once when two recipients share it', async () => {
    const mail = capturingMail();
    const shared = { ...dorsetHrda, agencies: dorsetHrda.agencies.map((a) => (a.id === 'housing' ? { ...a, mailbox: 'hrda@police.example.org' } : a)) };
    const { sendNotification } = createNotificationActivities({ mail, profiles: () => shared });
    expect(await sendNotification(notification())).toEqual({ status: 'sent', recipients: 1 });
  });

  it('reports a repeated notification as already sent', async () => {
    const mail = capturingMail();
    const { sendNotification } = createNotificationActivities({ mail });
    await sendNotification(notification());
    expect((await sendNotification(notification())).status).toBe('already-sent');
    expect(mail.sent).toHaveLength(1);
  });

  it('refuses a free-form address without retrying, sending nothing and quoting nothing', async () => {
    const mail = capturingMail();
    const { sendNotification } = createNotificationActivities({ mail });
    const failure = await failureOf(sendNotification(notification({ to: ['police', 'blake@example.net'] })));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('to.1');
    expect(failure.message).not.toContain('blake');
    expect(mail.sent).toEqual([]);
  });

  it('refuses an agency that is not in the profile\'s directory without retrying', async () => {
    const mail = capturingMail();
    const { sendNotification } = createNotificationActivities({ mail });
    const failure = await failureOf(sendNotification(notification({ to: ['police', 'blake-example'] })));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('UnknownRecipient');
    expect(failure.message).toContain('to[1]');
    expect(failure.message).not.toMatch(/blake/i);
    expect(mail.sent).toEqual([]);
  });

  it('refuses an unknown profile without retrying', async () => {
    const { sendNotification } = createNotificationActivities({ mail: capturingMail() });
    const failure = await failureOf(sendNotification(notification({ profileId: 'nowhere-marac' })));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('UnknownProfile');
  });

  it('escapes markup in the HTML and keeps the text version plain', async () => {
    const mail = capturingMail();
    const { sendNotification } = createNotificationActivities({ mail });
    await sendNotification(notification({ subject: 'Case <b>1</b>', body: ['<script>alert("x")</script>', 'Tom & Jerry'] }));
    const html = mail.sent[0]?.html ?? '';
    expect(html).not.toContain('<script>');
    expect(html).toContain('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
    expect(html).toContain('<h1 style="font-size: 1.4em;">Case &lt;b&gt;1&lt;/b&gt;</h1>');
    expect(html).toContain('<p>Tom &amp; Jerry</p>');
    expect(html).toContain(notificationFooter);
    const text = mail.sent[0]?.text ?? '';
    expect(text).toContain('<script>alert("x")</script>');
    expect(text).toContain(notificationFooter);
  });
});
