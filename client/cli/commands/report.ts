import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { atLocal } from '../../../domain/calendar';
import { isProfileId, profiles } from '../../../domain/profiles';
import { buildSafeLivesReport, readSafeLivesCases, renderSafeLivesCsv, renderSafeLivesReport } from '../../reports/safelives';
import { drawMashAuditSample, newSampleSeed, renderMashAuditSample } from '../../reports/mash-audit-sample';
import { mashProfile, readMashIncidents } from '../../reports/mash-incidents';
import { buildMashWeeklyReport, mashReportWeek, renderMashWeeklyReport } from '../../reports/mash-weekly';
import { buildDashboard, populationOf } from '../../reports/dashboard/figures';
import { renderDashboardHtml } from '../../reports/dashboard/page';
import { readDashboardRecords } from '../../../store/records/read';
import { logCliRead, requirePurpose } from '../access-log';
import { storeOf, type CommandContext } from '../context';
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
  if (opts.profile && !isProfileId(opts.profile)) throw new CliError(`Unknown profile "${opts.profile}"; known profiles: ${Object.keys(profiles).join(', ')}`);
  const scope = opts.profile ? { profile: opts.profile } : {};
  const report = buildSafeLivesReport(await readSafeLivesCases(storeOf(ctx), ctx.client.options.loadedDataConverter, from, scope), from, to, scope);
  ctx.io.out(opts.json ? JSON.stringify(report, null, 2) : opts.csv ? renderSafeLivesCsv(report).trimEnd() : renderSafeLivesReport(report));
}

export interface DashboardOptions {
  from: string;
  to: string;
  profile?: string;
  out?: string;
}

/**
 * `hrda report dashboard`: the period's figures beside the national ones, as one HTML page
 * (client/reports/dashboard). It decrypts each case's dates of birth and equality answers to count
 * them, so it asks for a purpose and logs a read of every case it counted, before anything is shown.
 */
export async function dashboardReportCommand(ctx: CommandContext, opts: DashboardOptions): Promise<void> {
  const [from, to] = [instant('--from', opts.from), instant('--to', opts.to)];
  if (from >= to) throw new CliError(`--from (${from}) must be before --to (${to})`);
  if (opts.profile && !isProfileId(opts.profile)) throw new CliError(`Unknown profile "${opts.profile}"; known profiles: ${Object.keys(profiles).join(', ')}`);
  requirePurpose(ctx, 'hrda report dashboard');
  const scope = opts.profile ? { profile: opts.profile } : {};
  const records = await readDashboardRecords(storeOf(ctx), ctx.client.options.loadedDataConverter, from, scope);
  const population = populationOf(opts.profile ? [profiles[opts.profile]!] : Object.values(profiles));
  const figures = buildDashboard(records, { from, to, ...scope, generatedAt: new Date().toISOString() }, population);
  await logCliRead(ctx, 'hrda report dashboard', records.filter((r) => r.personal).map((r) => r.caseId));
  const names = new Map((opts.profile ? [profiles[opts.profile]!] : Object.values(profiles)).flatMap((p) => p.agencies.map((a) => [a.id, a.name] as const)));
  const html = renderDashboardHtml(figures, { agencyName: (id) => names.get(id) ?? id });
  if (opts.out) {
    await writeFile(opts.out, html, { mode: 0o600 });
    ctx.io.err(`Dashboard written to ${opts.out}: ${figures.cases} case${figures.cases === 1 ? '' : 's'} heard.`);
  } else ctx.io.out(html.trimEnd());
}

const profileFor = (id: string | undefined) => {
  try {
    return mashProfile(id);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
};

export interface MashWeeklyOptions {
  weekEnding: string;
  profile?: string;
  json?: boolean;
}

/** `hrda report mash-weekly`: standard incidents completed in the week and outstanding at its end (003 §7.3.1(10)). */
export async function mashWeeklyReportCommand(ctx: CommandContext, opts: MashWeeklyOptions): Promise<void> {
  const profile = profileFor(opts.profile);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.weekEnding)) throw new CliError(`--week-ending must be a date, e.g. 2026-11-27, got "${opts.weekEnding}"`);
  let week;
  try {
    week = mashReportWeek(profile.mash, opts.weekEnding);
  } catch (err) {
    throw new CliError(`--week-ending: ${(err as Error).message}`);
  }
  const report = buildMashWeeklyReport(profile.id, profile.mash, await readMashIncidents(storeOf(ctx), profile.id, week.weekStart), opts.weekEnding, new Date().toISOString());
  ctx.io.out(opts.json ? JSON.stringify(report, null, 2) : renderMashWeeklyReport(report));
}

export interface MashAuditSampleOptions {
  from: string;
  to: string;
  seed?: string;
  profile?: string;
  json?: boolean;
}

/** `hrda report mash-audit-sample`: the audit's reproducible random sample (003 §19.5.2). */
export async function mashAuditSampleCommand(ctx: CommandContext, opts: MashAuditSampleOptions): Promise<void> {
  const profile = profileFor(opts.profile);
  const [from, to] = [instant('--from', opts.from), instant('--to', opts.to)];
  if (from >= to) throw new CliError(`--from (${from}) must be before --to (${to})`);
  if (opts.seed !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(opts.seed)) throw new CliError('--seed must be 1–128 letters, digits, ".", "_" or "-"');
  const seed = opts.seed ?? newSampleSeed();
  const sample = drawMashAuditSample(profile.id, profile.mash, await readMashIncidents(storeOf(ctx), profile.id, from), from, to, seed);
  ctx.io.out(opts.json ? JSON.stringify(sample, null, 2) : renderMashAuditSample(sample));
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
  report
    .command('dashboard')
    .description('an HTML dashboard of a period: cases by month, repeat rate, cases per 10,000 adult women, time per stage, overdue actions by agency, equality — each beside the national figure')
    .requiredOption('--from <date>', 'start of the period (inclusive), e.g. 2026-01-01')
    .requiredOption('--to <date>', 'end of the period (exclusive), e.g. 2027-01-01')
    .option('--profile <id>', 'only the cases of this profile (and its population figure)')
    .option('--out <file>', 'write the page to this file (readable by its owner only) instead of stdout')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((opts: DashboardOptions & { purpose?: string }) => run((ctx) => dashboardReportCommand(ctx, opts), { purpose: opts.purpose }));
  report
    .command('mash-weekly')
    .description("the MASH's weekly report: standard incidents completed in the week and outstanding at its end, with what held them up (003 §7.3.1(10))")
    .requiredOption('--week-ending <date>', "the date the week ends on (the profile's weekday; warwickshire-mash: a Friday, at 17:00)")
    .option('--profile <id>', 'the profile with a MASH stage (default: the only one)')
    .option('--json', 'print JSON')
    .action((opts: MashWeeklyOptions) => run((ctx) => mashWeeklyReportCommand(ctx, opts)));
  report
    .command('mash-audit-sample')
    .description('the MASH audit: a reproducible random sample of standard and medium incidents not referred into the MASH (003 §19.5.2)')
    .requiredOption('--from <date>', 'incidents received from (inclusive), e.g. 2026-10-01')
    .requiredOption('--to <date>', 'incidents received before (exclusive), e.g. 2027-01-01')
    .option('--seed <seed>', 'draw with this seed (printed with every sample); a fresh one when absent')
    .option('--profile <id>', 'the profile with a MASH stage (default: the only one)')
    .option('--json', 'print JSON, with the population of case IDs the sample was drawn from')
    .action((opts: MashAuditSampleOptions) => run((ctx) => mashAuditSampleCommand(ctx, opts)));
}
