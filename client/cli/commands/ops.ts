import type { Command } from 'commander';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dataConverterFor } from '../../../worker/codec';
import { archivePass } from '../../archive/archiver';
import { archiveStatus } from '../../archive/status';
import { auditBundle } from '../../audit/audit-case';
import type { CommandContext } from '../context';
import { CliError, formatInstant } from '../output';
import type { Runner } from './runner';
import { quietCliRuntime } from '../runtime';

export interface OpsArchiveOptions {
  /** Run an archive pass now (after the service's archiver was down, say) before reporting. */
  pass?: boolean;
  json?: boolean;
}

/**
 * `hrda ops archive`: how far the archive has got — the closed runs not archived yet (the backlog),
 * when a pass last completed, and its open alerts. Exit status 1 while any alert is open, so a
 * monitoring job can run it.
 */
export async function opsArchive(ctx: CommandContext, opts: OpsArchiveOptions, deps: { workflowBundle?: WorkflowBundleWithSourceMap } = {}): Promise<number> {
  if (!ctx.db) throw new CliError('No store configured: set HRDA_DATABASE_URL, or start the embedded service with `hrda start`.');
  if (opts.pass) {
    ctx.io.err('Bundling the current workflow code, then archiving what has closed…');
    const workflowBundle = deps.workflowBundle ?? (await auditBundle());
    const pass = await archivePass({ db: ctx.db, client: ctx.client, workflowBundle, dataConverter: dataConverterFor(ctx.config, ctx.db), log: (l) => ctx.io.err(l) });
    ctx.io.err(pass === 'busy'
      ? 'Another archiver is passing now (the service\'s): nothing to do here.'
      : `Pass: ${pass.listed} closed run(s) listed, ${pass.archived} archived, ${pass.alreadyArchived} archived before, ${pass.replayFailures} did not replay, ${pass.lost} lost, ${pass.retryLater} to retry.`);
  }
  const status = await archiveStatus(ctx.client, ctx.db);
  if (opts.json) {
    ctx.io.out(JSON.stringify(status, null, 2));
  } else {
    ctx.io.out([
      `Archive of namespace ${ctx.config.TEMPORAL_NAMESPACE}:`,
      `  backlog          ${status.backlog} closed run${status.backlog === 1 ? '' : 's'} not archived yet`,
      `  archived through ${formatInstant(status.archivedThrough)} (every run closed before is in the archive)`,
      `  last pass        ${status.lastPassAt ? formatInstant(status.lastPassAt) : 'never'}`,
      `  archived         ${status.archivedRuns} run${status.archivedRuns === 1 ? '' : 's'}, ${(status.archivedBytes / 1024 / 1024).toFixed(1)} MiB`,
      `  retention        ${status.retentionHours === null ? 'unknown' : `${+(status.retentionHours / 24).toFixed(2)} days`} (the namespace's: Temporal removes closed runs after it)`,
      status.alerts.length ? `  alerts (${status.alerts.length}):` : '  alerts           none',
      ...status.alerts.map((a) => `    ${formatInstant(a.raisedAt)}  ${a.kind}  ${a.subject}: ${a.detail}`),
    ].join('\n'));
  }
  return status.alerts.length ? 1 : 0;
}

export function registerOpsCommands(program: Command, run: Runner): Command {
  const group = program.command('ops').description('the state of the service and its store, for operators');
  group
    .command('archive')
    .description("the archive of closed workflows: its backlog (closed, not yet archived), last pass and open alerts; exit status 1 while an alert is open")
    .option('--pass', 'run an archive pass now, then report (the service runs one every HRDA_ARCHIVE_INTERVAL_SECONDS)')
    .option('--json', 'print JSON')
    .action((opts: OpsArchiveOptions) => {
      if (opts.pass) {
        quietCliRuntime();
      }
      return run((ctx) => opsArchive(ctx, opts));
    });
  return group;
}
