import { WorkflowNotFoundError } from '@temporalio/common';
import { londonTime } from './audit/report-html';
import { papersDigest, readPapersCases, renderMinutesOf, renderPapers, sameDigest, type CaseReader } from '../activities/meeting-papers';
import type { MeetingKind } from '../domain/agenda';
import type { Profile } from '../domain/profile';
import type { Instant, LocalDate } from '../domain/time';
import type { MinutesRecord, PackView, PapersDigest, PapersItem } from '../machines/meeting';
import { isScope, type DataKeyStore } from '../worker/codec/data-keys';
import type { MeetingRef } from '../workflows/meeting-activity-types';
import type { CaseClient } from './cases';

/**
 * A meeting's papers as a reader gets them (issue 7 item 4). The meeting keeps no text, only what
 * it mailed to whom, the agenda facts and the digest (machines/meeting/papers.ts); the text is
 * rendered here, on read, from each case as it is now — so a case whose personal data was destroyed
 * shows its placeholder line, a restricted case the line every agency was shown — and the reading
 * says plainly whether that text is still what was mailed. The mailed copy itself is in the mail
 * adapter's outbox, outside Temporal.
 */
export interface MeetingPapers {
  part: 'pack' | 'minutes';
  kind: MeetingKind;
  date: LocalDate;
  /** The pack's revision (each went as a message of its own); null for the minutes. */
  revision: number | null;
  circulatedAt: Instant;
  mailId: string;
  recipients: string[];
  caseIds: string[];
  /** The SHA-256 of what was mailed, as the meeting recorded it; null when it recorded none (mailed before digests were kept). */
  mailedDigest: PapersDigest | null;
  renderedAt: Instant;
  subject: string;
  markdown: string;
  html: string;
  digest: PapersDigest;
  /** Whether `markdown` and `html` are exactly what was mailed; null when that cannot be told. */
  matchesMailed: boolean | null;
  /** How each case is shown now. */
  cases: { caseId: string; shown: 'in-full' | 'restricted' | 'destroyed' | 'unreadable' }[];
  /** The above in one paragraph, for people. */
  statement: string;
  /** One line for the top of the papers, before the agenda: rendered now, and whether it is what was mailed; the digests are in `statement`. */
  notice: string;
}

/**
 * Reads a case for the papers: its state while it has one; after retention, that its personal data
 * was destroyed (the key store is asked first: a destroyed case's history cannot be replayed to
 * answer a query).
 */
export function caseReaderFor(cases: CaseClient, dataKeys?: Pick<DataKeyStore, 'status'>): CaseReader {
  return async (caseId) => {
    const scope = `case:${caseId}`;
    const key = dataKeys && isScope(scope) ? await dataKeys.status(scope) : undefined;
    if (key?.state === 'destroyed') return { state: null, destroyed: { at: key.destroyedAt, reason: key.reason } };
    try {
      return { state: await cases.state(caseId) };
    } catch (err) {
      return { state: null, problem: err instanceof WorkflowNotFoundError ? 'no such case' : 'its state could not be read' };
    }
  };
}

export interface PapersToRead {
  profile: Profile;
  ref: MeetingRef;
  read: CaseReader;
  /** What the meeting recorded of the papers it mailed. */
  mailed: { part: 'pack'; record: PackView } | { part: 'minutes'; record: MinutesRecord };
  /** The items for a record kept before meetings recorded them: from the agenda. */
  fallbackItems?: (caseIds: string[]) => PapersItem[];
  now?: () => Date;
}

export async function readMeetingPapers({ profile, ref, read, mailed, fallbackItems, now = () => new Date() }: PapersToRead): Promise<MeetingPapers> {
  const { record } = mailed;
  const items = record.items ?? fallbackItems?.(record.caseIds) ?? record.caseIds.map((caseId, i) => ({ position: i + 1, caseId, item: 'new-referral' as const, lateAddition: false }));
  const cases = await readPapersCases(items, read);
  const rendered = mailed.part === 'pack'
    ? renderPapers(profile, ref, mailed.record.revision, cases, mailed.record.outstanding)
    : renderMinutesOf(profile, ref, mailed.record, cases);
  const digest = papersDigest(rendered);
  const mailedDigest = record.digest ?? null;
  const matchesMailed = mailedDigest ? sameDigest(mailedDigest, digest) : null;
  const renderedAt = now().toISOString();
  const circulatedAt = mailed.part === 'pack' ? mailed.record.circulatedAt : mailed.record.at;
  const revision = mailed.part === 'pack' ? mailed.record.revision : null;
  const shown = cases.map((c) => ({
    caseId: c.caseId,
    shown: c.destroyed ? ('destroyed' as const) : c.state?.restricted ? ('restricted' as const) : c.state ? ('in-full' as const) : ('unreadable' as const),
  }));
  const what = mailed.part === 'pack' ? (ref.kind === 'daily' ? 'meeting pack' : ref.kind === 'marac' ? 'MARAC papers' : 'case summaries') : 'minutes';
  const sent = `Mailed: ${revision !== null ? `revision ${revision}, ` : ''}message ${record.mailId}, at ${londonTime(circulatedAt)}, to ${record.recipients.join(', ') || 'no one'}`;
  const verdict = matchesMailed === null
    ? 'The meeting recorded no digest of what it mailed (it was mailed before digests were kept), so whether this text is what was mailed cannot be told.'
    : matchesMailed
      ? `SHA-256 ${mailedDigest!.markdown} (Markdown), ${mailedDigest!.html} (HTML). This text is what was mailed: its digest matches.`
      : `SHA-256 ${mailedDigest!.markdown} (Markdown), ${mailedDigest!.html} (HTML). This text is NOT what was mailed: its digest differs, because a case on it has changed, been restricted or had its personal data destroyed since${shown.some((c) => c.shown === 'destroyed') ? ` (destroyed: ${shown.filter((c) => c.shown === 'destroyed').map((c) => c.caseId).join(', ')})` : ''}. The copy as mailed is in the mail outbox under that message id.`;
  return {
    part: mailed.part,
    kind: ref.kind,
    date: ref.date,
    revision,
    circulatedAt,
    mailId: record.mailId,
    recipients: record.recipients,
    caseIds: record.caseIds,
    mailedDigest,
    renderedAt,
    subject: rendered.subject,
    markdown: rendered.markdown,
    html: rendered.html,
    digest,
    matchesMailed,
    cases: shown,
    notice: `The ${what} as the cases stand now, not the copy mailed${matchesMailed === null ? '' : matchesMailed ? ' (it matches what was mailed)' : ' (it differs from what was mailed)'}: what was mailed, to whom, and its digests are in the appendix.`,
    statement: `The ${what} rendered at ${londonTime(renderedAt)} from the cases as they are now; the meeting keeps no copy of the text. ${sent}. ${verdict}`,
  };
}
