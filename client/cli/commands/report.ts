import type { Command } from 'commander';
import { atLocal } from '../../../domain/calendar';
import { profiles } from '../../../domain/profiles';
import { buildSafeLivesReport, collectSafeLivesCases, renderSafeLivesCsv, renderSafeLivesReport } from '../../reports/safelives';
import type { CommandContext } from '../context';
import { CliError } from '../output';
import type { Runner } from './runner';

/** A date is the start of that day in Europe/London (where the meetings are held); an instant is taken as given. */
const instant = (name: string, value: string) => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      return atLocal(value, '00:00');
    } catch {
      throw new CliError(`${name} must be a date or instant, e.g. 2026-10-01, got "${value}"`);
    }
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CliError(`${name} must be a date or instant, e.g. 2026-10-01, got "${value}"`);
  return new Date(ms).toISOString();
};

export interface SafeLivesOptions {
  from: string;
  to: string;
  profile?: string;
  csv?: boolean;
  json?: boolean;
}

/** `hrda report safelives`: the SafeLives Marac data return of the cases heard in a period. */
export async function safeLivesReportCommand(ctx: CommandContext, opts: SafeLivesOptions): Promise<void> {
  const [from, to] = [instant('--from', opts.from), instant('--to', opts.to)];
  if (from >= to) throw new CliError(`--from (${from}) must be before --to (${to})`);
  if (opts.csv && opts.json) throw new CliError('choose one of --csv and --json');
  if (opts.profile && !profiles[opts.profile]) throw new CliError(`Unknown profile "${opts.profile}"; known profiles: ${Object.keys(profiles).join(', ')}`);
  const scope = opts.profile ? { profile: opts.profile } : {};
  const report = buildSafeLivesReport(await collectSafeLivesCases(ctx.client, from, scope), from, to, scope);
  ctx.io.out(opts.json ? JSON.stringify(report, null, 2) : opts.csv ? renderSafeLivesCsv(report).trimEnd() : renderSafeLivesReport(report));
}

export function registerReportCommands(program: Command, run: Runner): void {
  const report = program.command('report').description('returns and reports computed from the cases');
  report
    .command('safelives')
    .description('the SafeLives Marac data return: cases heard in a period, repeats, referrals by agency, children and the equality counts')
    .requiredOption('--from <date>', 'start of the period (inclusive), e.g. 2026-10-01')
    .requiredOption('--to <date>', 'end of the period (exclusive), e.g. 2027-01-01')
    .option('--profile <id>', 'only the cases of this profile (local protocol)')
    .option('--csv', 'print CSV (one row per measure)')
    .option('--json', 'print JSON')
    .action((opts: SafeLivesOptions) => run((ctx) => safeLivesReportCommand(ctx, opts)));
}
