import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { localDateSchema } from '../../../domain/time';
import { getProfile, defaultProfileId } from '../../../domain/profiles';
import { MeetingClient, meetingSeriesIcs } from '../../meetings';
import { CliError, formatInstant, renderTable } from '../output';
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
    .action((date: string, opts: { monthly?: boolean; marac?: boolean; profile: string; json?: boolean }) =>
      run(async (ctx) => {
        const meetings = new MeetingClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, opts.profile);
        const agenda = await meetings.agenda(kindOf(opts), dateArg(date));
        if (!agenda) throw new CliError(`No ${kindOf(opts)} meeting of ${opts.profile} on ${date} exists yet.`);
        if (opts.json) return ctx.io.out(JSON.stringify(agenda, null, 2));
        ctx.io.out(`${kindOf(opts) === 'daily' ? 'Daily HRDA meeting' : kindOf(opts) === 'marac' ? 'MARAC' : 'HRDAP'} ${date}: ${agenda.status}, sits ${formatInstant(agenda.meetingAt)}`);
        if (agenda.kind === 'marac') {
          ctx.io.out(`Papers by ${formatInstant(agenda.papersBy)}. Actions outstanding from the previous MARAC, taken first: ${agenda.outstandingActions.length ? '' : 'none'}`);
          for (const a of agenda.outstandingActions) ctx.io.out(`  case ${a.caseId} action ${a.actionId} (${a.owner}, ${a.status}, due ${formatInstant(a.dueAt)})`);
        }
        const items = agenda.items as { position?: number; caseId: string; item: string; risk: string; status?: string; qa?: string; category?: string | null }[];
        ctx.io.out(renderTable(['#', 'case', 'item', 'risk', 'status'], items.map((i, n) => [String(i.position ?? n + 1), i.caseId, i.category ?? i.item, i.risk, i.status ?? i.qa ?? ''])));
      }),
    );

  meeting
    .command('pack')
    .description('the meeting pack as circulated to the attending agencies (HTML or Markdown)')
    .argument('<date>', 'the meeting day, YYYY-MM-DD')
    .option('--monthly', 'the HRDAP of that day')
    .option('--marac', 'the MARAC of that day')
    .option('--profile <id>', 'profile', defaultProfileId)
    .option('--format <format>', 'html or markdown', 'markdown')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((date: string, opts: { monthly?: boolean; marac?: boolean; profile: string; format: string; out?: string }) =>
      run(async (ctx) => {
        if (opts.format !== 'html' && opts.format !== 'markdown') throw new CliError('--format must be html or markdown');
        const pack = await new MeetingClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, opts.profile).pack(kindOf(opts), dateArg(date));
        if (!pack) throw new CliError(`The ${kindOf(opts)} meeting of ${date} has not circulated a pack yet (it goes out when the agenda freezes).`);
        const text = opts.format === 'html' ? pack.html : pack.markdown;
        if (opts.out) await writeFile(opts.out, text, { mode: 0o600 });
        else ctx.io.out(text);
      }),
    );

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
