import { createHash, randomUUID } from 'node:crypto';
import { access, mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { ApplicationFailure } from '@temporalio/common';
import type { MailPort, OutgoingMail } from './mail.port';

/** `<repo>/.data/smtp-ledger`, beside the dev server's data and git-ignored with it. */
export const defaultSmtpLedgerDir = fileURLToPath(new URL('../.data/smtp-ledger/', import.meta.url));

export interface SmtpMailOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless the connection is upgraded with STARTTLS: set it for real mailboxes. */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  from: string;
  /** Where the ledger of sent ids lives. Must survive worker restarts, or retries may resend. */
  ledgerDir?: string;
}

const keyOf = (id: string) => createHash('sha256').update(id).digest('hex');
/** The same Message-ID as the outbox adapter gives, so receiving servers can drop duplicates. */
export const smtpMessageId = (id: string) => `<${keyOf(id)}@hrda.local>`;

/**
 * Secure mail over SMTP. SMTP has no idempotency of its own, so a ledger of marker files (one per
 * sha256 of the id) records each message the server accepted; a retried activity finds the marker
 * and sends nothing. The marker is written only after acceptance, so a rejected or interrupted send
 * is retried. The one gap — a crash between acceptance and the marker — resends a message with the
 * same Message-ID.
 */
export class SmtpMail implements MailPort {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly ledgerDir: string;
  private readonly inFlight = new Map<string, Promise<'sent' | 'already-sent'>>();

  constructor(private readonly options: SmtpMailOptions) {
    this.ledgerDir = options.ledgerDir ?? defaultSmtpLedgerDir;
    this.transport = nodemailer.createTransport({
      host: options.host, port: options.port, secure: options.secure ?? false,
      requireTLS: options.requireTLS ?? false, auth: options.auth,
      connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
    });
  }

  send(mail: OutgoingMail): Promise<'sent' | 'already-sent'> {
    const key = keyOf(mail.id);
    // Two attempts in this process for one id wait for each other instead of both sending.
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const attempt = previous.catch(() => undefined).then(() => this.sendOnce(key, mail));
    this.inFlight.set(key, attempt);
    const forget = () => { if (this.inFlight.get(key) === attempt) this.inFlight.delete(key); };
    attempt.then(forget, forget);
    return attempt;
  }

  close(): void {
    this.transport.close();
  }

  private async sendOnce(key: string, mail: OutgoingMail): Promise<'sent' | 'already-sent'> {
    const marker = join(this.ledgerDir, `${key}.json`);
    if (await exists(marker)) return 'already-sent';
    await mkdir(this.ledgerDir, { recursive: true });

    const messageId = smtpMessageId(mail.id);
    const info = await this.transport.sendMail({
      from: this.options.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId,
    });
    await writeAtomically(marker, JSON.stringify({
      messageId, acceptedAt: new Date().toISOString(), accepted: info.accepted.length, rejected: info.rejected.length, response: info.response,
    }));
    if (info.rejected.length > 0) {
      // Those accepted have it, so the marker stays; a retry would duplicate. Directory
      // mailboxes are not personal data: naming them tells the operator what to fix.
      const rejected = info.rejected.map((a) => (typeof a === 'string' ? a : a.address)).join(', ');
      throw ApplicationFailure.nonRetryable(
        `SMTP server refused ${info.rejected.length} of ${mail.to.length} recipients (${rejected}); check the agency directory.`,
        'MailRecipientsRejected',
      );
    }
    return 'sent';
  }
}

async function writeAtomically(target: string, data: string): Promise<void> {
  const temp = `${target}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
