import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { localDateSchema } from '../../../domain/time';
import { getProfile, defaultProfileId } from '../../../domain/profiles';
import { dataKeyStoreFor } from '../../../worker/codec';
import { escapeHtml } from '../../../domain/text';
import type { MeetingPapers } from '../../meeting-papers';
import { MeetingClient, MeetingNotFoundError, meetingSeriesIcs } from '../../meetings';
import type { CommandContext } from '../context';
import { CliError, formatInstant, renderTable } from '../output';
import { logCliRead, requirePurpose } from '../access-log';
import type { Runner } from './runner';

const dateArg = (date: string) => {
  const parsed = localDateSchema.safeParse(date);
  if (!parsed.success) throw new CliError(`DATE must be a date YYYY-MM-DD (Europe/London), got "${date}"`);
  return parsed.data;
};
const kindOf = (opts: { monthly?: boolean; marac?: boolean }) => (opts.marac ? 'marac' : opts.monthly ? 'monthly' : 'daily') as 'daily' | 'monthly' | 'marac';

/** `hrda meeting agenda|pack|ics`: what a meeting will hear, the papers it circulated, and the series for calendars. */
export function registerMeetingCommands(program: Command, run: Runner): void {
  const meeting = program.command('meeting').description('meetings: the daily HRDA meeting and the monthly HRDAP');

  meeting
    .command('agenda')
    .description("a meeting's agenda in the profile's order, with each case's status")
    .argument('<date>', 'the meeting day, YYYY-MM-DD')
    .option('--monthly', 'the HRDAP (monthly management meeting) of that day')
    .option('--marac', 'the MARAC of that day (a profile that holds one)')
    .option('--profile <id>', 'profile', defaultProfileId)
    .option('--json', 'print JSON')
    .action((date: string, opts: MeetingAgendaOptions) => run((ctx) => meetingAgenda(ctx, date, opts)));

  meeting
    .command('pack')
    .description("a meeting's papers (the pack, the HRDAP case summaries, or --minutes) rendered now from the cases, saying what was mailed and whether this is still it")
    .argument('<date>', 'the meeting day, YYYY-MM-DD')
    .option('--monthly', 'the HRDAP of that day')
    .option('--marac', 'the MARAC of that day (a profile that holds one)')
    .option('--minutes', 'the minutes and HRDA Matrix instead of the pack')
    .option('--profile <id>', 'profile', defaultProfileId)
    .option('--format <format>', 'html or markdown', 'markdown')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--json', 'print the reading as JSON: what was mailed, the text rendered now, its digest and whether it matches')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((date: string, opts: MeetingPackOptions & { purpose?: string }) => run((ctx) => meetingPack(ctx, date, opts), { purpose: opts.purpose }));

  meeting
    .command('ics')
    .description("the meeting series as an .ics calendar for agencies' calendars")
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .option('--profile <id>', 'profile', defaultProfileId)
    .action(async (opts: { from: string; to: string; profile: string }) => {
      process.stdout.write(meetingSeriesIcs(getProfile(opts.profile), dateArg(opts.from), dateArg(opts.to)));
    });
}

export interface MeetingAgendaOptions {
  monthly?: boolean;
  marac?: boolean;
  profile: string;
  json?: boolean;
}

const meetingName = { daily: 'daily HRDA meeting', monthly: 'HRDAP (monthly meeting)', marac: 'MARAC' } as const;

/**
 * What to say for a day with no meeting workflow: either no such meeting sits that day, or it
 * would but nothing has put it on yet — an empty agenda, not a fault (issue 18: the README's
 * example ended in MeetingNotFoundError and a stack trace).
 */
export function noMeetingMessage(meetings: MeetingClient, kind: 'daily' | 'monthly' | 'marac', date: string, profile: string): string {
  let held = true;
  try {
    held = meetings.plan(kind, dateArg(date)).held;
  } catch {
    held = false;
  }
  return held
    ? `No ${meetingName[kind]} of ${profile} on ${date} yet: no case is listed for it, so it has no agenda. \`hrda case list\` shows each case's next meeting.`
    : `There is no ${meetingName[kind]} of ${profile} on ${date}: it does not sit that day. \`hrda case list\` shows each case's next meeting.`;
}

/** `hrda meeting agenda DATE`: the meeting's agenda in the profile's order, with each case's status. */
export async function meetingAgenda(ctx: CommandContext, date: string, opts: MeetingAgendaOptions): Promise<void> {
  const kind = kindOf(opts);
  const meetings = new MeetingClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, opts.profile, ctx.db ? { archive: ctx.db } : {});
  let agenda;
  try {
    agenda = await meetings.agenda(kind, dateArg(date));
  } catch (err) {
    if (err instanceof MeetingNotFoundError) throw new CliError(noMeetingMessage(meetings, kind, date, opts.profile));
    throw err;
  }
  if (!agenda) throw new CliError(noMeetingMessage(meetings, kind, date, opts.profile));
  if (opts.json) return ctx.io.out(JSON.stringify(agenda, null, 2));
  ctx.io.out(`${kind === 'daily' ? 'Daily HRDA meeting' : kind === 'marac' ? 'MARAC' : 'HRDAP'} ${date}: ${agenda.status}, sits ${formatInstant(agenda.meetingAt)}`);
  if (agenda.kind === 'marac') {
    ctx.io.out(`Papers by ${formatInstant(agenda.papersBy)}. Actions outstanding from the previous MARAC, taken first: ${agenda.outstandingActions.length ? '' : 'none'}`);
    for (const a of agenda.outstandingActions) ctx.io.out(`  case ${a.caseId} action ${a.actionId} (${a.owner}, ${a.status}, due ${formatInstant(a.dueAt)})`);
  }
  const items = agenda.items as { position?: number; caseId: string; item: string; risk: string; status?: string; qa?: string; category?: string | null }[];
  ctx.io.out(renderTable(['#', 'case', 'item', 'risk', 'status'], items.map((i, n) => [String(i.position ?? n + 1), i.caseId, i.category ?? i.item, i.risk, i.status ?? i.qa ?? ''])));
}

export interface MeetingPackOptions {
  monthly?: boolean;
  marac?: boolean;
  minutes?: boolean;
  profile?: string;
  format?: string;
  out?: string;
  json?: boolean;
}

/**
 * `hrda meeting pack`: the meeting keeps no copy of its papers' text (issue 7 item 4), so they are
 * rendered now from the cases — a case destroyed at the end of its retention shows its placeholder,
 * a restricted case the line every agency was shown — with a statement of what was mailed and
 * whether this text is still it. The copy as mailed is in the mail outbox.
 */
export async function meetingPack(ctx: CommandContext, date: string, opts: MeetingPackOptions): Promise<void> {
  const format = opts.format ?? 'markdown';
  if (format !== 'html' && format !== 'markdown') throw new CliError('--format must be html or markdown');
  const kind = kindOf(opts);
  requirePurpose(ctx, 'hrda meeting pack');
  const meetings = new MeetingClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, opts.profile ?? defaultProfileId, { dataKeys: dataKeyStoreFor(ctx.db, ctx.config), archive: ctx.db });
  let papers: MeetingPapers | null;
  try {
    papers = opts.minutes ? await meetings.minutes(kind, dateArg(date)) : await meetings.pack(kind, dateArg(date));
  } catch (err) {
    if (err instanceof MeetingNotFoundError) throw new CliError(noMeetingMessage(meetings, kind, date, opts.profile ?? defaultProfileId));
    throw err;
  }
  if (!papers) {
    throw new CliError(opts.minutes
      ? `The ${kind} meeting of ${date} has not circulated its minutes yet (they go out when it ends).`
      : `The ${kind} meeting of ${date} has not circulated a pack yet (it goes out when the agenda freezes).`);
  }
  await logCliRead(ctx, 'hrda meeting pack', papers.caseIds);
  if (opts.json) return ctx.io.out(JSON.stringify(papers, null, 2));
  // The agenda comes first; what was mailed and its digests close the papers, as an appendix.
  const text = format === 'html'
    ? withStatementHtml(papers)
    : `> **Rendered on read, not the mailed copy.** ${papers.notice}\n\n${papers.markdown}\n\n---\n\n## Appendix: what was mailed\n\n${papers.statement}\n`;
  if (opts.out) {
    await writeFile(opts.out, text, { mode: 0o600 });
    ctx.io.out(`Wrote ${opts.out}. ${papers.statement}`);
  } else {
    ctx.io.out(text);
  }
}

const withStatementHtml = (papers: MeetingPapers) =>
  papers.html
    .replace('<body>\n', `<body>\n<p class="banner"><strong>Rendered on read, not the mailed copy.</strong> ${escapeHtml(papers.notice)}</p>\n`)
    .replace('</body>', `<hr>\n<h2>Appendix: what was mailed</h2>\n<p class="appendix">${escapeHtml(papers.statement)}</p>\n</body>`);
