import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { blockedRecipients, noBlockedContacts, recipientWithheldType, type BlockedContacts } from '../domain/perpetrator-safety';

export { recipientWithheldType };
import { caseBlockedContactsQuery, caseWorkflowId } from '../workflows/referral.messages';
import { rethrowIfCancelled } from './cancellation';
import type { MailPort, OutgoingMail } from './mail.port';

/** Failure type of a message that does not say which cases it is about. */
export const mailWithoutCasesType = 'MailWithoutCases';

/** Where the guard learns a case's blocked contacts. */
export interface BlockedContactsSource {
  blockedFor(caseId: string): Promise<BlockedContacts>;
}

/**
 * The case workflow is the source: its `blockedContacts` query answers from the referral. The
 * answer travels through the client's data converter (encrypted) and is held in memory for the
 * one check: it is never stored, logged or put in an ID. A case that does not exist has none.
 */
export class CaseWorkflowBlockedContacts implements BlockedContactsSource {
  constructor(private readonly client: Client) {}

  async blockedFor(caseId: string): Promise<BlockedContacts> {
    try {
      return await this.client.workflow.getHandle(caseWorkflowId(caseId)).query(caseBlockedContactsQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return noBlockedContacts;
      rethrowIfCancelled(err);
      // Fail closed: the activity is retried until the case can answer.
      throw ApplicationFailure.retryable(`The blocked contacts of case ${caseId} could not be read (${(err as Error).name}); the message waits until they can.`, 'BlockedContactsUnavailable');
    }
  }
}

const guarded = Symbol('perpetrator-safety guard');

/**
 * PROTOCOL.md §1.1 invariant as a structural guarantee: every message, whatever the adapter,
 * goes through this guard, which refuses (non-retryably, type RecipientWithheld) any message with
 * a recipient matching a blocked contact of a case it is about. Nothing is sent to anyone then;
 * the case records the refusal and tells the administrator (machines/referral). The failure names
 * the message, the recipient's position and the case, never the address.
 */
export function guardMail(adapter: MailPort, source: BlockedContactsSource): MailPort {
  if ((adapter as { [guarded]?: true })[guarded]) return adapter;
  return {
    [guarded]: true,
    async send(mail: OutgoingMail) {
      if (!Array.isArray(mail.caseIds)) {
        throw ApplicationFailure.nonRetryable(`Message ${mail.id} does not say which cases it is about (caseIds), so its recipients cannot be checked against the perpetrator's contacts; nothing was sent.`, mailWithoutCasesType);
      }
      // Every case is checked, so that each case a blocked recipient concerns is told, not only the first.
      const withheld: Withheld[] = [];
      for (const caseId of new Set(mail.caseIds)) {
        const hits = blockedRecipients(mail.to, await source.blockedFor(caseId));
        if (hits.length > 0) withheld.push({ caseId, messageId: mail.id, positions: hits });
      }
      if (withheld.length > 0) {
        throw ApplicationFailure.create({
          type: recipientWithheldType,
          nonRetryable: true,
          message: `Message ${mail.id} withheld: ${withheld.map((w) => `recipient ${w.positions.map((i) => `to[${i}]`).join(', ')} matches contact details of the perpetrator of case ${w.caseId} or of someone connected to them`).join('; ')} (docs/protocol.md §1.1); nothing was sent. Check the agency directory.`,
          details: withheld,
        });
      }
      return adapter.send(mail);
    },
  } as MailPort;
}

/** What the guard reported about a refused message (its failure's details). */
export interface Withheld {
  caseId: string;
  messageId: string;
  positions: number[];
}

export function withheldOf(err: unknown): Withheld | undefined {
  return allWithheldOf(err)[0];
}

/** Every case a refused message's recipients were withheld for (one entry per case). */
export function allWithheldOf(err: unknown): Withheld[] {
  if (!(err instanceof ApplicationFailure) || err.type !== recipientWithheldType) return [];
  return (err.details ?? []) as Withheld[];
}

/**
 * For papers that serve many cases (meeting packs and minutes): the recipients the guard refuses
 * are left out and the rest still get the papers, under the same message id. Each refusal is
 * reported (to tell the case); the recipients that were sent to are returned.
 */
export async function sendLeavingOutWithheld(mail: MailPort, message: OutgoingMail, report: (withheld: Withheld, mailbox: string[]) => Promise<void>): Promise<string[]> {
  let to = [...message.to];
  for (;;) {
    try {
      if (to.length > 0) await mail.send({ ...message, to });
      return to;
    } catch (err) {
      const withheld = allWithheldOf(err);
      if (withheld.length === 0) throw err;
      for (const w of withheld) await report(w, w.positions.map((i) => to[i]!));
      const left = new Set(withheld.flatMap((w) => w.positions));
      to = to.filter((_, i) => !left.has(i));
    }
  }
}
