import type { AgencyId } from '../../domain/actor';
import type { AgendaEntry } from '../../domain/agenda';
import type { Attendance, OutstandingAction, RolledOver } from './context';

/**
 * What a meeting keeps of the papers it mailed (issue 7 item 4): the agenda facts they were
 * rendered from, who they went to, and their SHA-256 — never their text. The text names people
 * from several cases; kept here it would sit under the key ring, out of reach of each case's
 * data key, so destroying a case's key would leave it readable. The mailed copy lives in the mail
 * adapter's outbox; readers render the papers again from the cases' current state
 * (client/meeting-papers.ts) and the digest says whether that is still what was mailed.
 */

/** A case as the papers list it: its place and why it is there, nothing about the people in it. */
export interface PapersItem {
  position: number;
  caseId: string;
  item: AgendaEntry['item'];
  lateAddition: boolean;
  /** HRDAP only: the chairs' QA status when the summaries go out. */
  qa?: 'awaiting-qa' | 'accepted' | 'not-quality-assured';
}

/** SHA-256 (hex) of each part of the message as mailed: the Markdown text part and the HTML part. */
export interface PapersDigest {
  algorithm: 'sha256';
  markdown: string;
  html: string;
}

/**
 * Papers as mailed. `items` and `digest` are absent from results recorded before the meetings
 * kept papers by reference (their activity results held the text instead, which is not read).
 */
export interface MailedPapers {
  mailId: string;
  recipients: AgencyId[];
  caseIds: string[];
  items?: PapersItem[];
  digest?: PapersDigest;
  /**
   * MARAC only ([002] 3.12): the previous MARAC's actions still outstanding when the papers were
   * made, as listed first on them (case and action ids, owner agency, status, due date).
   */
  outstanding?: OutstandingAction[];
}

/** The minutes as mailed, with the non-personal facts they were rendered from besides the items. */
export interface MailedMinutes extends MailedPapers {
  /** Heard at this meeting: outcome recorded through the meeting, or on the case directly. */
  heard: string[];
  notHeard: string[];
  attendance?: Attendance | null;
  rolledOver?: RolledOver[];
  returned?: string[];
}

/** Only the fields a meeting keeps: an old-shape result's text is dropped, never stored. */
export function mailedPapers(p: MailedPapers): MailedPapers {
  return {
    mailId: p.mailId, recipients: p.recipients, caseIds: p.caseIds, ...(p.items ? { items: p.items } : {}), ...(p.digest ? { digest: p.digest } : {}),
    ...(p.outstanding ? { outstanding: p.outstanding } : {}),
  };
}

export function mailedMinutes(m: MailedMinutes): MailedMinutes {
  return {
    ...mailedPapers(m),
    heard: m.heard,
    notHeard: m.notHeard,
    ...(m.attendance !== undefined ? { attendance: m.attendance } : {}),
    ...(m.rolledOver ? { rolledOver: m.rolledOver } : {}),
    ...(m.returned ? { returned: m.returned } : {}),
  };
}
