import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardMail, mailWithoutCasesType, sendLeavingOutWithheld, type BlockedContactsSource } from '../../activities/mail.guard';
import type { MailPort, OutgoingMail } from '../../activities/mail.port';
import { createNotificationActivities } from '../../activities/notify';
import { blockedContactsOf, blockedRecipients, normaliseEmail, normalisePhone, recipientWithheldType } from '../../domain/perpetrator-safety';
import { dorsetHrda } from '../../domain/profiles/dorset-hrda';
import type { Notification } from '../../domain/notification';
import { bundleWorkflows } from '../support/bundle';
import { parsedReferral } from '../support/referrals';
import { entries, referralStep, runScenario, sentMessages } from '../support/simulation';

const HOUSING = dorsetHrda.agencies.find((a) => a.id === 'housing')!.mailbox;
const HEALTH = dorsetHrda.agencies.find((a) => a.id === 'health')!.mailbox;

function capturingMail(): MailPort & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return { sent, async send(mail) { sent.push(mail); return 'sent'; } };
}

const fixed = (emails: string[], phones: string[] = []): BlockedContactsSource => ({ blockedFor: async () => ({ emails, phones }) });

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('blocked contacts', () => {
  it('normalises case, whitespace and plus-addressing of mailboxes, and the form of phone numbers', () => {
    expect(normaliseEmail('  Blake.Example+HRDA@Example.NET ')).toBe('blake.example@example.net');
    expect(normaliseEmail('Blake <blake@example.net>')).toBe('blake@example.net');
    expect(normaliseEmail('b.l.a.k.e+x@googlemail.com')).toBe('blake@gmail.com');
    expect(normaliseEmail('not an address')).toBeUndefined();
    expect(normalisePhone('+44 7700 900123')).toBe('7700900123');
    expect(normalisePhone('0044 (7700) 900-123')).toBe('7700900123');
    expect(normalisePhone('07700900123')).toBe('7700900123');
    expect(normalisePhone('999')).toBeUndefined();
  });

  it("blocks the perpetrator's contacts, their associates' and connected household members', not other people's", () => {
    const referral = parsedReferral({
      perpetrator: {
        name: 'Blake Example', contact: { email: 'Blake@Example.net', phone: '07700 900123' },
        associates: [{ name: 'Drew Example', relationship: 'brother', contact: { email: 'drew+x@example.net' } }, { name: 'Eden Example', relationship: 'friend' }],
      },
      household: [
        { name: 'Frankie Example', relationship: "perpetrator's mother", connectedToPerpetrator: true, contact: { phone: '+44 7700 900456' } },
        { name: 'Gray Example', relationship: 'lodger', contact: { email: 'gray@example.net' } },
      ],
    });
    expect(blockedContactsOf(referral)).toEqual({ emails: ['blake@example.net', 'drew@example.net'], phones: ['7700900123', '7700900456'] });
  });

  it('matches a recipient by mailbox, and an email-to-SMS gateway by number, and says where', () => {
    const blocked = { emails: ['blake@example.net'], phones: ['7700900123'] };
    expect(blockedRecipients(['hrda@police.example.org', ' BLAKE+work@example.net', '447700900123@sms.example.com', '+44 7700 900123'], blocked)).toEqual([1, 2, 3]);
    expect(blockedRecipients(['hrda@police.example.org', 'blake@example.org', 'ref7700900123x@example.com'], blocked)).toEqual([]);
  });
});

describe('the mail guard', () => {
  it('refuses a message with a blocked recipient, sends nothing, and never names the address', async () => {
    const adapter = capturingMail();
    const mail = guardMail(adapter, fixed(['blake@example.net']));
    const failure = await failureOf(mail.send({ id: 'case-1:info-request', caseIds: ['case-1'], to: [HOUSING, 'Blake+x@EXAMPLE.net'], subject: 's', text: 't', html: 'h' }));
    expect(failure.type).toBe(recipientWithheldType);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('to[1]');
    expect(failure.message).not.toMatch(/blake|example\.net/i);
    expect(JSON.stringify(failure.details)).not.toMatch(/blake|example\.net/i);
    expect(adapter.sent).toEqual([]);
  });

  it('refuses a message that does not say which cases it is about, and passes a clean one through', async () => {
    const adapter = capturingMail();
    const mail = guardMail(adapter, fixed(['blake@example.net']));
    const failure = await failureOf(mail.send({ id: 'm1', to: [HOUSING], subject: 's', text: 't', html: 'h' }));
    expect(failure.type).toBe(mailWithoutCasesType);
    expect(await mail.send({ id: 'm2', caseIds: ['case-1'], to: [HOUSING], subject: 's', text: 't', html: 'h' })).toBe('sent');
    expect(adapter.sent.map((m) => m.id)).toEqual(['m2']);
  });

  it('holds for a directory entry equal to the perpetrator\'s address: the notification is withheld and the case told', async () => {
    const adapter = capturingMail();
    const reported: unknown[] = [];
    const directory = { ...dorsetHrda, agencies: dorsetHrda.agencies.map((a) => (a.id === 'housing' ? { ...a, mailbox: 'blake@example.net' } : a)) };
    const { sendNotification } = createNotificationActivities({
      mail: guardMail(adapter, fixed(['blake@example.net'])),
      profiles: () => directory,
      reportWithheld: async (caseId, withheld) => void reported.push({ caseId, ...withheld }),
    });
    const n: Notification = { id: 'case-1:info-request', caseId: 'case-1', profileId: 'dorset-hrda', to: ['police', 'housing'], topic: 'info-request', subject: 'S', body: ['B'] };
    const failure = await failureOf(sendNotification(n));
    expect(failure.type).toBe(recipientWithheldType);
    expect(adapter.sent).toEqual([]);
    expect(reported).toEqual([{ caseId: 'case-1', notificationId: 'case-1:info-request', topic: 'info-request', positions: [1] }]);
  });
});

describe('papers for many cases (meeting packs, minutes)', () => {
  it('leave out each mailbox blocked for any case on them, still reach the others, and tell each case', async () => {
    const adapter = capturingMail();
    const byCase: Record<string, { emails: string[]; phones: string[] }> = { A: { emails: [HOUSING], phones: [] }, B: { emails: [HEALTH.toUpperCase()], phones: [] }, C: { emails: [], phones: [] } };
    const mail = guardMail(adapter, { blockedFor: async (caseId) => byCase[caseId]! });
    const reports: unknown[] = [];
    const police = dorsetHrda.agencies.find((a) => a.id === 'police')!.mailbox;
    const sentTo = await sendLeavingOutWithheld(mail, { id: 'meeting:papers:r1', caseIds: ['A', 'B', 'C'], to: [police, HOUSING, HEALTH], subject: 's', text: 't', html: 'h' }, async (w, left) => void reports.push({ caseId: w.caseId, left }));
    expect(sentTo).toEqual([police]);
    expect(adapter.sent.map((m) => [m.id, m.to])).toEqual([['meeting:papers:r1', [police]]]);
    expect(reports).toEqual([{ caseId: 'A', left: [HOUSING] }, { caseId: 'B', left: [HEALTH] }]);
  });

  it('tells every case a blocked mailbox concerns, not only the first', async () => {
    const adapter = capturingMail();
    const byCase: Record<string, { emails: string[]; phones: string[] }> = { A: { emails: [HOUSING], phones: [] }, B: { emails: [HOUSING], phones: [] } };
    const mail = guardMail(adapter, { blockedFor: async (caseId) => byCase[caseId]! });
    const reports: unknown[] = [];
    const police = dorsetHrda.agencies.find((a) => a.id === 'police')!.mailbox;
    const sentTo = await sendLeavingOutWithheld(mail, { id: 'meeting:minutes:r1', caseIds: ['A', 'B'], to: [police, HOUSING], subject: 's', text: 't', html: 'h' }, async (w, left) => void reports.push({ caseId: w.caseId, left }));
    expect(sentTo).toEqual([police]);
    expect(reports).toEqual([{ caseId: 'A', left: [HOUSING] }, { caseId: 'B', left: [HOUSING] }]);
  });
});

describe('perpetrator safety on real Temporal (time-skipping server, real workflows and activities)', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let outbox: string;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    outbox = await mkdtemp(path.join(os.tmpdir(), 'hrda-perpetrator-'));
  });
  afterAll(async () => {
    await rm(outbox, { recursive: true, force: true });
  });

  it('never mails the perpetrator or an associate whose address is in the directory; the case records it and the administrator is told', async () => {
    const { cases } = await runScenario({
      startAt: '2026-11-24T08:00:00Z', until: '2026-11-24T20:00:00Z',
      steps: [
        // A: the perpetrator's address is housing's directory mailbox, spelt differently.
        referralStep('2026-11-24T10:00:00Z', 'A', { perpetrator: { name: 'Blake Example', contact: { email: HOUSING.replace('hrda@', 'HRDA+case@').toUpperCase() } } }),
        // C: an associate's address is health's mailbox.
        referralStep('2026-11-24T10:05:00Z', 'C', { perpetrator: { name: 'Blake Example', associates: [{ name: 'Drew Example', relationship: 'brother', contact: { email: HEALTH } }] } }),
        // B: nothing blocked matches the directory: its request goes out as usual.
        referralStep('2026-11-24T10:10:00Z', 'B'),
      ],
    }, bundle, { outboxDir: outbox });
    const [a, b, c] = [cases.A!, cases.B!, cases.C!];
    for (const x of [a, b, c]) expect(x.caseId).toMatch(/^[0-9a-f-]{36}$/);
    const sent = await sentMessages(outbox);

    // Nothing reached housing about A, nor health about C; B's request reached both.
    expect(sent.filter((m) => m.id === `${a.caseId}:info-request`)).toEqual([]);
    expect(sent.filter((m) => m.id === `${c.caseId}:info-request`)).toEqual([]);
    expect(sent.find((m) => m.id === `${b.caseId}:info-request`)?.to).toEqual(expect.arrayContaining([HOUSING, HEALTH]));
    for (const m of sent.filter((x) => x.id.startsWith(a.caseId))) expect(m.to).not.toContain(HOUSING);
    for (const m of sent.filter((x) => x.id.startsWith(c.caseId))) expect(m.to).not.toContain(HEALTH);

    const position = (agency: string) => dorsetHrda.infoRequest.agencies.indexOf(agency);
    expect(entries(a.timeline, 'notification.withheld').map((e) => e.data)).toEqual([{ notificationId: `${a.caseId}:info-request`, topic: 'info-request', positions: [position('housing')] }]);
    expect(entries(c.timeline, 'notification.withheld').map((e) => e.data)).toEqual([{ notificationId: `${c.caseId}:info-request`, topic: 'info-request', positions: [position('health')] }]);
    expect(entries(b.timeline, 'notification.withheld')).toEqual([]);

    // The administrator is told which message and which position, never the address.
    const alert = sent.find((m) => m.id === `${a.caseId}:recipient-withheld:${a.caseId}:info-request`);
    expect(alert?.to).toEqual([dorsetHrda.administrator.mailbox]);
    expect(alert?.eml).toContain(`to[${position('housing')}]`);
    const files = await readdir(outbox);
    for (const f of files) expect((await readFile(path.join(outbox, f), 'utf8')).toLowerCase()).not.toContain('hrda+case@');
    expect(a.state.stage).toBe('preparing');
  });
});
