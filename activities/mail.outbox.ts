import { createHash, randomUUID } from 'node:crypto';
import { access, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import type { MailPort, OutgoingMail } from './mail.port';

/** `<repo>/outbox`, git-ignored. The worker passes HRDA_OUTBOX_DIR instead when it is set. */
export const defaultOutboxDir = fileURLToPath(new URL('../outbox/', import.meta.url));
export const defaultOutboxFrom = 'HRDA case service <hrda@hrda.local>';

/** The file name and Message-ID derive from the id, so a retry finds what an earlier attempt wrote. */
const keyOf = (id: string) => createHash('sha256').update(id).digest('hex');
export const outboxMessageId = (id: string) => `<${keyOf(id)}@hrda.local>`;

// Composes the message exactly as the SMTP transport would, without sending it anywhere;
// `buffer: true` makes the composed message a Buffer rather than a stream.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });

/**
 * The embedded mail adapter: each message becomes `<sha256(id)>.eml` (RFC 5322, readable by any
 * mail client) and a `<sha256(id)>.json` sidecar with its metadata. The `.eml` is the record that
 * the message was sent; it appears whole or not at all.
 */
export class OutboxMail implements MailPort {
  constructor(readonly dir: string = defaultOutboxDir, private readonly from: string = defaultOutboxFrom) {}

  async send(mail: OutgoingMail): Promise<'sent' | 'already-sent'> {
    const key = keyOf(mail.id);
    const eml = join(this.dir, `${key}.eml`);
    if (await exists(eml)) return 'already-sent';
    // Messages hold personal data: the folder is the service's alone (0700), each file 0600.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });

    const messageId = outboxMessageId(mail.id);
    const { message } = await composer.sendMail({
      from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId,
    });
    const sidecar = { id: mail.id, messageId, to: mail.to, subject: mail.subject, writtenAt: new Date().toISOString(), eml: `${key}.eml` };
    // The sidecar goes first, so whoever sees an .eml also finds its metadata.
    await this.publish(join(this.dir, `${key}.json`), JSON.stringify(sidecar, null, 2), 'replace');
    return (await this.publish(eml, message as Buffer, 'once')) ? 'sent' : 'already-sent';
  }

  /**
   * Writes a temporary file, flushes it, then puts it in place in one step: a crash leaves at most
   * a stray temporary file, never a half message that would pass for a sent one. `once` links
   * instead of renaming, which fails if the file exists, so two racing attempts publish one message.
   */
  private async publish(target: string, data: string | Buffer, mode: 'once' | 'replace'): Promise<boolean> {
    const temp = join(this.dir, `.${randomUUID()}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (mode === 'replace') {
        await rename(temp, target);
        return true;
      }
      await link(temp, target);
      return true;
    } catch (error) {
      if (mode === 'once' && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      if (mode === 'once') await unlink(temp).catch(() => undefined);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
