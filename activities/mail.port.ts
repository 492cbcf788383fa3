/** A message ready to go: recipients already resolved from the agency directory. */
export interface OutgoingMail {
  /** Stable per notification: sending the same id twice delivers once. */
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Secure mail. Adapters: an outbox folder (the embedded default) and SMTP. */
export interface MailPort {
  /** Delivers the message unless a message with this id was already delivered; says which. */
  send(mail: OutgoingMail): Promise<'sent' | 'already-sent'>;
}
