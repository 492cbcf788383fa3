import type { Referral } from './referral';

/**
 * PROTOCOL.md §1.1 invariant: the perpetrator is never made aware of the referral or meeting, so no
 * message may be addressed to the perpetrator's contact details or to anyone marked as connected to
 * them ([002] 3.39–3.41). These are a case's blocked contacts, normalised so that a variant spelling
 * of the same mailbox or number still matches. They hold personal data: they travel in encrypted
 * payloads (a query answer) only, and are never written to a log, an error or an ID.
 */
export interface BlockedContacts {
  /** Normalised mailboxes (see normaliseEmail). */
  emails: string[];
  /** Normalised national numbers (see normalisePhone). */
  phones: string[];
}

/** The failure type of a message the mail guard refused (activities/mail.guard.ts); in clear in histories, so it carries no data. */
export const recipientWithheldType = 'RecipientWithheld';

export const noBlockedContacts: BlockedContacts = { emails: [], phones: [] };

/**
 * Lower case, without whitespace, without a plus-address tag (`name+tag@host` is delivered to
 * `name@host`), and without the dots and the `googlemail.com` alias Gmail ignores.
 */
export function normaliseEmail(address: string): string | undefined {
  const bare = address.replace(/\s+/g, '').toLowerCase().replace(/^.*<([^>]*)>$/, '$1').replace(/^mailto:/, '');
  const at = bare.lastIndexOf('@');
  if (at <= 0 || at === bare.length - 1) return undefined;
  let local = bare.slice(0, at).split('+')[0]!;
  let domain = bare.slice(at + 1).replace(/\.$/, '');
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return local ? `${local}@${domain}` : undefined;
}

/**
 * Digits only, in national form: `+44 7700 900123`, `0044 7700-900123` and `07700 900123` are one
 * number. Fewer than 6 digits is not a number worth matching (and would block too much).
 */
export function normalisePhone(phone: string): string | undefined {
  let digits = phone.replace(/\D/g, '');
  // Lengths keep it idempotent: a national number is never taken for a country code.
  if (digits.startsWith('00') && digits.length >= 12) digits = digits.slice(2);
  if (digits.startsWith('44') && digits.length >= 11) digits = digits.slice(2);
  digits = digits.replace(/^0+/, '');
  return digits.length >= 6 ? digits : undefined;
}

type Contact = { email?: string | undefined; phone?: string | undefined } | undefined;

/** The perpetrator's contact details, their associates', and those of household members marked as connected to them. */
export function blockedContactsOf(referral: Pick<Referral, 'perpetrator' | 'household'>): BlockedContacts {
  const contacts: Contact[] = [
    referral.perpetrator.contact,
    ...(referral.perpetrator.associates ?? []).map((a) => a.contact),
    ...(referral.household ?? []).filter((m) => m.connectedToPerpetrator).map((m) => m.contact),
  ];
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const c of contacts) {
    const email = c?.email ? normaliseEmail(c.email) : undefined;
    const phone = c?.phone ? normalisePhone(c.phone) : undefined;
    if (email) emails.add(email);
    if (phone) phones.add(phone);
  }
  return { emails: [...emails].sort(), phones: [...phones].sort() };
}

/**
 * The positions in `recipients` that reach a blocked contact: a mailbox equal to a blocked one once
 * normalised, or whose local part is a blocked number (an email-to-SMS gateway), or a recipient that
 * is itself a blocked number.
 */
export function blockedRecipients(recipients: readonly string[], blocked: BlockedContacts): number[] {
  // Normalised again: a source that hands over raw details must not weaken the match.
  const emails = new Set(blocked.emails.map((e) => normaliseEmail(e)).filter((e) => e !== undefined));
  const phones = new Set(blocked.phones.map((p) => normalisePhone(p)).filter((p) => p !== undefined));
  const hits: number[] = [];
  recipients.forEach((recipient, index) => {
    const email = normaliseEmail(recipient);
    const local = email?.slice(0, email.indexOf('@'));
    const phone = normalisePhone(email ? local! : recipient);
    if ((email && emails.has(email)) || (phone && phones.has(phone) && (!email || /^[\d+().-]+$/.test(local!)))) hits.push(index);
  });
  return hits;
}

/**
 * Agencies whose work is with the perpetrator (police, probation, youth offending, perpetrator
 * programmes): their practitioners see the perpetrator's and associates' contact details. Every
 * other agency role reads the case without them — a housing officer or a GP needs to know who the
 * perpetrator is, not how to reach them (docs/data-protection.md, "Who sees contact details").
 */
export const agenciesWorkingWithPerpetrators: readonly string[] = [
  'police', 'probation', 'probation-nps', 'probation-crc', 'youth-offending-team', 'perpetrator-programme',
];

/** The referral without the contact details of the perpetrator, their associates and household members connected to them. */
export function withoutPerpetratorContacts<R extends Pick<Referral, 'perpetrator' | 'household'>>(referral: R): R {
  const { contact: _perpetratorContact, associates, ...perpetrator } = referral.perpetrator;
  return {
    ...referral,
    perpetrator: { ...perpetrator, ...(associates ? { associates: associates.map(({ contact: _contact, ...a }) => a) } : {}) },
    household: (referral.household ?? []).map((m) => {
      if (!m.connectedToPerpetrator) return m;
      const { contact: _contact, ...member } = m;
      return member;
    }),
  };
}
