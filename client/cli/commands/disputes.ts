import type { Command } from 'commander';
import { buildDisputesReport, readDisputes, renderDisputesReport } from '../../reports/disputes';
import { storeOf } from '../context';
import { CliError } from '../output';
import type { Runner } from './runner';

const instant = (name: string, value: string) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new CliError(`${name} must be a date or instant, e.g. 2026-11-01, got "${value}"`);
  return new Date(ms).toISOString();
};

/** `hrda disputes report`: the escalation report of PROTOCOL.md §1.6 for a period. */
export function registerDisputeCommands(program: Command, run: Runner): void {
  program
    .command('disputes')
    .description('disputes under the escalation protocol')
    .command('report')
    .description('escalations raised in a period: by stage, area and agency, time to resolution, for the QA and Strategy Groups')
    .requiredOption('--from <date>', 'start of the period (inclusive)')
    .requiredOption('--to <date>', 'end of the period (exclusive)')
    .option('--json', 'print JSON')
    .action((opts: { from: string; to: string; json?: boolean }) =>
      run(async (ctx) => {
        const [from, to] = [instant('--from', opts.from), instant('--to', opts.to)];
        const report = buildDisputesReport(await readDisputes(storeOf(ctx), ctx.client.options.loadedDataConverter, from, to), from, to);
        ctx.io.out(opts.json ? JSON.stringify(report, null, 2) : renderDisputesReport(report));
      }),
    );
}
