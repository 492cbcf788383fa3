import { createHash } from 'node:crypto';
import type { Profile } from '../domain/profile';
import type { MailedMinutes, PapersDigest, PapersItem } from '../machines/meeting';
import type { MeetingRef } from '../workflows/meeting-activity-types';
import type { OutstandingAction } from '../machines/meeting/context';
import { renderDailyPack, renderHrdapPapers, renderMaracPapers, renderMinutes, type PapersCase, type RenderedPapers } from './meeting-render';

/**
 * The papers of a meeting made from the non-personal facts the meeting keeps (the items, and for
 * the minutes who was heard) and the cases as they are read: once when they are mailed
 * (activities/meeting-activities.ts), and again whenever someone reads them
 * (client/meeting-papers.ts). One function for both, so that papers read again while nothing has
 * changed are byte for byte what was mailed, and their digest says so.
 */

/** What reading one case gave: its state, or why there is none. */
export type CaseReading = Pick<PapersCase, 'state' | 'problem' | 'destroyed'>;
export type CaseReader = (caseId: string) => Promise<CaseReading>;

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The digest of papers as mailed: the Markdown text part and the HTML part, each as sent. */
export const papersDigest = (papers: Pick<RenderedPapers, 'markdown' | 'html'>): PapersDigest => ({ algorithm: 'sha256', markdown: sha256(papers.markdown), html: sha256(papers.html) });

export const sameDigest = (a: PapersDigest, b: PapersDigest) => a.algorithm === b.algorithm && a.markdown === b.markdown && a.html === b.html;

export const readPapersCases = (items: PapersItem[], read: CaseReader): Promise<PapersCase[]> =>
  Promise.all(items.map(async (item) => ({ ...item, ...(await read(item.caseId)) })));

/** The agenda facts of a case on the papers, without what was read about it. */
export const papersItemOf = (c: PapersItem): PapersItem => ({
  position: c.position, caseId: c.caseId, item: c.item, lateAddition: c.lateAddition, ...(c.qa ? { qa: c.qa } : {}),
});

/**
 * The daily pack, the HRDAP case summaries or the MARAC's papers, of these cases in this order; a
 * MARAC's begin with the previous MARAC's outstanding actions as the meeting recorded them ([002] 3.12).
 */
export function renderPapers(profile: Profile, ref: MeetingRef, revision: number, cases: PapersCase[], outstanding?: OutstandingAction[]): RenderedPapers {
  if (ref.kind === 'marac') return renderMaracPapers(profile, ref, revision, outstanding ?? [], cases);
  return ref.kind === 'daily' ? renderDailyPack(profile, ref, revision, cases) : renderHrdapPapers(profile, ref, revision, cases);
}

/** The minutes from what the meeting recorded of them (`heard`, `rolledOver`, `returned`, attendance) and the cases. */
export function renderMinutesOf(profile: Profile, ref: MeetingRef, minutes: Pick<MailedMinutes, 'heard' | 'attendance' | 'rolledOver' | 'returned'>, cases: PapersCase[]): RenderedPapers {
  const heard = new Set(minutes.heard);
  return renderMinutes(profile, ref, {
    attendance: minutes.attendance ?? null,
    heard: cases.filter((c) => heard.has(c.caseId)),
    notHeard: cases.filter((c) => !heard.has(c.caseId)),
    rolledOver: minutes.rolledOver ?? [],
    returned: minutes.returned ?? [],
  });
}
