/** A message ready to go: recipients already resolved from the agency directory. */
export interface OutgoingMail {
  /** Stable per notification: sending the same id twice delivers once. */
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /**
   * The cases the message is about ([] for none). The perpetrator-safety guard every adapter is
   * wrapped in (mail.guard.ts) checks each recipient against these cases' blocked contacts, and
   * refuses a message that does not say.
   */
  caseIds?: string[];
}

/** Secure mail. Adapters: an outbox folder (the embedded default) and SMTP. */
export interface MailPort {
  /** Delivers the message unless a message with this id was already delivered; says which. */
  send(mail: OutgoingMail): Promise<'sent' | 'already-sent'>;
}
