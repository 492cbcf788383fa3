import { openBundleFolder } from './bundle-folder';
import { DateTime } from 'luxon';
import type { MeetingKind } from '../../domain/agenda';
import { calendarZone } from '../../domain/calendar';
import type { LegalHold } from '../../domain/legal-hold';
import { escapeHtml } from '../../domain/text';
import type { TimelineEntry } from '../../domain/timeline';
import type { CaseView } from '../../machines/referral';
import type { AccessLog, AccessLogEntry } from '../api/access-log';
import type { CaseClient } from '../cases';
import type { MeetingPapers } from '../meeting-papers';
import type { MeetingClient } from '../meetings';
import { accessLogTable, londonTime, reportPage, timelineTable } from './report-html';
import { actorInWords, codeInWords } from './timeline-words';

/**
 * `hrda audit dhr-pack`: a case as it stood, for a domestic homicide review panel (issue 21 item 7)
 * — its state, its timeline (with its legal holds), its matrices, the papers of every meeting that
 * listed it (its own part only: no other case heard beside it), and every access-log entry of it,
 * its own read included — as JSON for tools and one HTML page for people (times in Europe/London,
 * events in words), with each meeting's papers as a page of their own and a manifest of SHA-256s.
 * The files hold personal data: the folder is its owner's only (0700), the files 0600.
 */
export interface DhrPackDeps {
  /** The case client with the store's legal holds, so the timeline carries them. */
  cases: Pick<CaseClient, 'state' | 'timeline'>;
  /** The meetings of the case's profile, read for this case alone. */
  meetings: (profileId: string) => Pick<MeetingClient, 'pack' | 'minutes'>;
  holds: { ofCase(caseId: string): Promise<LegalHold[]> };
  accessLog: Pick<AccessLog, 'read'>;
}

export interface DhrPackOptions {
  outDir: string;
  /** Why the pack is made (`--purpose`), named on its first page. */
  purpose: string;
  /** Writes the pack's own read to the access log, before anything is read (so the pack holds it). */
  beforeRead: () => Promise<void>;
  now?: Date;
}

/** One meeting the case was listed at, and its papers as rendered for this case. */
export interface DhrMeeting {
  kind: MeetingKind;
  date: string;
  meetingAt: string;
  heard: boolean;
  pack: DhrPapers | null;
  minutes: DhrPapers | null;
  /** Why papers could not be read (the meeting is gone from Temporal and the archive), if so. */
  problem?: string;
}
type DhrPapers = Pick<MeetingPapers, 'part' | 'revision' | 'circulatedAt' | 'mailId' | 'recipients' | 'mailedDigest' | 'matchesMailed' | 'statement' | 'markdown'> & { file: string };

export interface DhrPack {
  dir: string;
  files: string[];
  view: CaseView;
  timeline: TimelineEntry[];
  meetings: DhrMeeting[];
  accessLog: AccessLogEntry[];
  holds: LegalHold[];
}

export async function exportDhrPack(deps: DhrPackDeps, caseId: string, opts: DhrPackOptions): Promise<DhrPack> {
  await opts.beforeRead();
  const view = await deps.cases.state(caseId);
  const timeline = await deps.cases.timeline(caseId);
  const holds = await deps.holds.ofCase(caseId);
  const now = opts.now ?? new Date();
  const bundle = await openBundleFolder(opts.outDir);
  const write = bundle.write;

  const meetings: DhrMeeting[] = [];
  const papers: { name: string; html: string; description: string }[] = [];
  const client = deps.meetings(view.profile);
  for (const m of meetingsOf(timeline)) {
    const meeting: DhrMeeting = { ...m, pack: null, minutes: null };
    try {
      for (const part of ['pack', 'minutes'] as const) {
        const read = await client[part](m.kind, m.date, { caseId });
        if (!read) continue;
        const file = `meeting-${m.kind}-${m.date}-${part}.html`;
        papers.push({ name: file, html: read.html, description: `The ${m.kind} meeting of ${m.date}: its ${part === 'pack' ? 'papers' : 'minutes'}, this case's part only, rendered on read` });
        meeting[part] = { part: read.part, revision: read.revision, circulatedAt: read.circulatedAt, mailId: read.mailId, recipients: read.recipients, mailedDigest: read.mailedDigest, matchesMailed: read.matchesMailed, statement: read.statement, markdown: read.markdown, file };
      }
    } catch (err) {
      meeting.problem = `its papers could not be read (${(err as Error).name})`;
    }
    meetings.push(meeting);
  }
  // Read last, so the pack's own read (logged before anything) is in it.
  const accessLog = await deps.accessLog.read({ caseId, limit: Number.MAX_SAFE_INTEGER });
  const matrices = matricesOf(view, timeline);

  await write('case.json', JSON.stringify(view, null, 2) + '\n', 'The case as it stands (query `state`): the referral, summaries, the victim\'s voice, risks, actions, leads, reviews, closure');
  await write('timeline.json', JSON.stringify(timeline, null, 2) + '\n', 'The timeline (docs/contract.md §2), with the legal holds kept in the store');
  await write('matrices.json', JSON.stringify(matrices, null, 2) + '\n', 'The HRDA Matrix as it stands and each one recorded (matrix.recorded), with the review and MARAC outcomes');
  await write('meetings.json', JSON.stringify(meetings, null, 2) + '\n', 'Every meeting that listed the case: its papers and minutes, this case\'s part only, rendered on read, with what was mailed');
  await write('holds.json', JSON.stringify(holds, null, 2) + '\n', 'The legal holds on the case, placed and lifted, with who and why');
  await write('access-log.json', JSON.stringify(accessLog, null, 2) + '\n', 'Every read, write and disclosure of the case in the access log (DPA 2018 s62), this pack\'s own read included');
  for (const p of papers) await write(p.name, p.html, p.description);
  await write('dhr-pack.html', packHtml(caseId, view, timeline, matrices, meetings, holds, accessLog, now, opts.purpose), 'All of it for people: times in Europe/London, events in words');
  const files = await bundle.close({ caseId, purpose: opts.purpose, exportedAt: now.toISOString() });
  return { dir: opts.outDir, files, view, timeline, meetings, accessLog, holds };
}

/** The meetings the case was listed at (scheduled, rolled over to, referred on to, heard), once each, in order. */
function meetingsOf(timeline: readonly TimelineEntry[]): Omit<DhrMeeting, 'pack' | 'minutes'>[] {
  const found = new Map<string, Omit<DhrMeeting, 'pack' | 'minutes'>>();
  const add = (kind: MeetingKind, meetingAt: string, heard: boolean) => {
    const date = DateTime.fromISO(meetingAt, { zone: calendarZone }).toISODate()!;
    const key = `${kind}|${date}`;
    const known = found.get(key);
    found.set(key, { kind, date, meetingAt, heard: heard || (known?.heard ?? false) });
  };
  for (const e of timeline) {
    if (e.type === 'meeting.scheduled') add(e.data.kind, e.data.meetingAt, false);
    if (e.type === 'meeting.heard') add(e.data.kind, e.data.meetingAt, true);
    if (e.type === 'meeting.rolled-over') add(e.data.kind, e.data.nextMeetingAt, false);
    // The HRDAP's management review, and the MARAC a case is referred on to ([002] 2.54, 3.17).
    if (e.type === 'review.completed') add('monthly', e.data.meetingAt, true);
    if (e.type === 'marac.referred' && e.data.meetingAt) add('marac', e.data.meetingAt, false);
    if (e.type === 'marac.completed') add('marac', e.data.meetingAt, true);
  }
  return [...found.values()].sort((a, b) => a.meetingAt.localeCompare(b.meetingAt));
}

function matricesOf(view: CaseView, timeline: readonly TimelineEntry[]) {
  return {
    current: { risks: view.risks, actions: view.actions, leads: view.leads, heardAt: view.heardAt },
    recorded: timeline.filter((e) => e.type === 'matrix.recorded'),
    review: view.review,
    reviewsHeld: view.reviewsHeld,
    ...(view.marac ? { marac: view.marac } : {}),
  };
}

function packHtml(
  caseId: string, view: CaseView, timeline: TimelineEntry[], matrices: ReturnType<typeof matricesOf>, meetings: DhrMeeting[],
  holds: LegalHold[], accessLog: AccessLogEntry[], now: Date, purpose: string,
): string {
  const actions = matrices.current.actions.length
    ? `<table><thead><tr><th>Action</th><th>Owner</th><th>What</th><th>Due</th><th>Status</th></tr></thead><tbody>${matrices.current.actions.map((a) =>
      `<tr><td>${escapeHtml(a.id)}</td><td>${escapeHtml(codeInWords(a.owner))}</td><td>${escapeHtml(a.description)}</td><td>${escapeHtml(a.dueAt ? londonTime(a.dueAt) : '—')}</td><td>${escapeHtml(codeInWords(a.status))}${a.overdue ? ' (overdue)' : ''}</td></tr>`).join('')}</tbody></table>`
    : '<p>No actions were set.</p>';
  const meetingRows = meetings.length
    ? `<table><thead><tr><th>Meeting</th><th>When (Europe/London)</th><th>Heard</th><th>Papers</th><th>Minutes</th></tr></thead><tbody>${meetings.map((m) =>
      `<tr><td>${escapeHtml(codeInWords(m.kind))}</td><td>${escapeHtml(londonTime(m.meetingAt))}</td><td>${m.heard ? 'yes' : 'no'}</td><td>${papersCell(m.pack, m.problem)}</td><td>${papersCell(m.minutes, m.problem)}</td></tr>`).join('')}</tbody></table>`
    : '<p>The case was listed at no meeting.</p>';
  const holdRows = holds.length
    ? `<table><thead><tr><th>Placed</th><th>By</th><th>Why</th><th>Lifted</th><th>By</th><th>Why</th></tr></thead><tbody>${holds.map((h) =>
      `<tr><td>${escapeHtml(londonTime(h.placedAt))}</td><td>${escapeHtml(actorInWords(h.placedBy))}</td><td>${escapeHtml(h.reason)}</td><td>${escapeHtml(h.lifted ? londonTime(h.lifted.at) : 'in place')}</td><td>${escapeHtml(h.lifted ? actorInWords(h.lifted.by) : '')}</td><td>${escapeHtml(h.lifted?.reason ?? '')}</td></tr>`).join('')}</tbody></table>`
    : '<p>No legal hold was ever placed on this case.</p>';
  return reportPage(`Domestic homicide review pack: case ${caseId}`, `Exported ${londonTime(now.toISOString())} for: ${purpose}. Times in Europe/London. Meeting papers are rendered now with this case's part only, not the copies mailed.`, [
    {
      heading: 'The case',
      facts: [
        ['Case', caseId], ['Profile', view.profile], ['Stage', codeInWords(view.stage)], ['Risk', view.risk], ['Route', view.route ? codeInWords(view.route) : '—'],
        ['Received', londonTime(view.receivedAt)], ['Repeat of', view.repeat ? view.repeat.previousCaseId : '—'], ['Heard', view.heardAt ? londonTime(view.heardAt) : '—'],
        ['Closed', view.closed ? `${londonTime(view.closed.at)}: ${view.closed.rationale}` : '—'],
      ],
    },
    { heading: 'The HRDA Matrix as it stands', facts: [['Risks', matrices.current.risks.join('; ') || '—'], ['Leads', Object.entries(matrices.current.leads).map(([k, v]) => `${codeInWords(k)}: ${codeInWords(String(v))}`).join('; ') || '—']], html: actions },
    { heading: `Meetings (${meetings.length})`, html: meetingRows },
    { heading: `Legal holds (${holds.length})`, html: holdRows },
    { heading: `Timeline (${timeline.length} entries)`, html: timelineTable(timeline) },
    { heading: `Access log (${accessLog.length} entr${accessLog.length === 1 ? 'y' : 'ies'})`, html: accessLogTable(accessLog) },
  ]);
}

const papersCell = (p: DhrPapers | null, problem?: string) =>
  p ? `<a href="${escapeHtml(p.file)}">${escapeHtml(p.file)}</a><br><small>mailed ${escapeHtml(londonTime(p.circulatedAt))} to ${escapeHtml(p.recipients.map(codeInWords).join(', ') || 'no one')}</small>` : escapeHtml(problem ?? 'none circulated');
