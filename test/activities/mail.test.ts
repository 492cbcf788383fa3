import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMail } from '../../activities/mail.port';
import { OutboxMail, outboxMessageId } from '../../activities/mail.outbox';
import { SmtpMail, smtpMessageId } from '../../activities/mail.smtp';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Long headers such as the Message-ID are folded onto a second line (RFC 5322 §2.2.3). */
const unfold = (raw: string) => raw.replace(/\r\n(?=[ \t])/g, '');

const mail = (id: string): OutgoingMail => ({
  id,
  to: ['hrda@police.example.org', 'hrda@daa.example.org'],
  subject: 'Information request for case C-0001',
  text: 'Please return your summary by 14:00.',
  html: '<p>Please return your summary by 14:00.</p>',
});

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'hrda-mail-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('OutboxMail', () => {
  it('writes one message as an .eml with its Message-ID and a .json sidecar', async () => {
    const outbox = new OutboxMail(dir);
    expect(await outbox.send(mail('case-1:info-request'))).toBe('sent');

    const key = sha256('case-1:info-request');
    expect((await readdir(dir)).sort()).toEqual([`${key}.eml`, `${key}.json`]);
    const eml = unfold(await readFile(join(dir, `${key}.eml`), 'utf8'));
    expect(eml).toContain(`Message-ID: <${key}@hrda.local>`);
    expect(eml).toMatch(/^To: hrda@police\.example\.org, hrda@daa\.example\.org\r$/m);
    expect(eml).toMatch(/^Subject: Information request for case C-0001\r$/m);
    expect(eml).toContain('multipart/alternative');
    const sidecar = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ id: 'case-1:info-request', messageId: `<${key}@hrda.local>`, to: mail('x').to, eml: `${key}.eml` });
  });

  it('writes a message once when the same id is sent twice, and says the second was already sent', async () => {
    const outbox = new OutboxMail(dir);
    expect(await outbox.send(mail('case-1:info-request'))).toBe('sent');
    expect(await new OutboxMail(dir).send({ ...mail('case-1:info-request'), subject: 'changed' })).toBe('already-sent');
    const emls = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(1);
    expect(await readFile(join(dir, emls[0] ?? ''), 'utf8')).not.toContain('changed');
  });

  it('sends once when two attempts with the same id race', async () => {
    const outbox = new OutboxMail(dir);
    const results = await Promise.all([outbox.send(mail('race')), outbox.send(mail('race')), outbox.send(mail('race'))]);
    expect(results.filter((r) => r === 'sent')).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });

  it('sends again after a crash that left only a sidecar and a temporary file', async () => {
    const key = sha256('case-2:reminder');
    await writeFile(join(dir, `${key}.json`), '{"id":"case-2:reminder"}');
    await writeFile(join(dir, '.half-written.tmp'), 'From: hrda');
    expect(await new OutboxMail(dir).send(mail('case-2:reminder'))).toBe('sent');
    expect(unfold(await readFile(join(dir, `${key}.eml`), 'utf8'))).toContain(`Message-ID: <${key}@hrda.local>`);
  });

  it('creates its folder on first use', async () => {
    const nested = join(dir, 'a', 'outbox');
    expect(await new OutboxMail(nested).send(mail('m'))).toBe('sent');
    expect(await readdir(nested)).toHaveLength(2);
  });
});

describe('SmtpMail against a local SMTP server', () => {
  interface Received { from: string; to: string[]; raw: string }
  const received: Received[] = [];
  let rejectNext = false;
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: the test is about delivery and idempotency, not TLS.
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (rejectNext) {
            rejectNext = false;
            callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 }));
            return;
          }
          const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
          received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: unfold(Buffer.concat(chunks).toString('utf8')) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });
  beforeEach(() => { received.length = 0; rejectNext = false; });

  const smtp = (ledgerDir: string) => new SmtpMail({ host: '127.0.0.1', port, secure: false, from: 'HRDA <hrda@hrda.local>', ledgerDir });

  it('delivers the message to the directory recipients with the deterministic Message-ID', async () => {
    const adapter = smtp(dir);
    try {
      expect(await adapter.send(mail('case-1:info-request'))).toBe('sent');
    } finally {
      adapter.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]?.from).toBe('hrda@hrda.local');
    expect(received[0]?.to.sort()).toEqual(['hrda@daa.example.org', 'hrda@police.example.org']);
    expect(received[0]?.raw).toContain(`Message-ID: <${sha256('case-1:info-request')}@hrda.local>`);
    expect(smtpMessageId('case-1:info-request')).toBe(outboxMessageId('case-1:info-request'));
  });

  it('does not deliver a second message with the same id, even from a new adapter over the same ledger', async () => {
    const first = smtp(dir);
    const second = smtp(dir);
    try {
      expect(await first.send(mail('case-1:info-request'))).toBe('sent');
      expect(await second.send(mail('case-1:info-request'))).toBe('already-sent');
      expect(await Promise.all([first.send(mail('case-1:other')), first.send(mail('case-1:other'))])).toEqual(['sent', 'already-sent']);
    } finally {
      first.close();
      second.close();
    }
    expect(received).toHaveLength(2);
  });

  it('throws when the server rejects, writes no ledger marker, and a retry delivers', async () => {
    const adapter = smtp(dir);
    try {
      rejectNext = true;
      await expect(adapter.send(mail('case-3:reminder'))).rejects.toThrow(/451/);
      expect((await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json'))).toEqual([]);
      expect(received).toHaveLength(0);

      expect(await adapter.send(mail('case-3:reminder'))).toBe('sent');
    } finally {
      adapter.close();
    }
    expect(received).toHaveLength(1);
    expect(await readdir(dir)).toEqual([`${sha256('case-3:reminder')}.json`]);
  });
});
