import type { Command } from 'commander';
import { rebuildCaseRecords, type RebuildOutcome } from '../../records/rebuild';
import { storeOf, type CommandContext } from '../context';
import type { Runner } from './runner';

/**
 * `hrda ops rebuild-records`: rebuilds the case record (store/records) from the cases' histories —
 * Temporal's, and the archive's for cases Temporal no longer has. Exit status 1 if any case failed.
 */
export async function rebuildRecordsCommand(ctx: CommandContext, opts: { case?: string[]; json?: boolean }): Promise<number> {
  const line = (o: RebuildOutcome) => `${o.result.toUpperCase().padEnd(8)}${o.caseId} (${o.source}${o.version !== undefined ? `, version ${o.version}` : ''})${o.problem ? `: ${o.problem}` : ''}`;
  const outcomes = await rebuildCaseRecords(ctx.client, storeOf(ctx), {
    ...(opts.case?.length ? { caseIds: opts.case } : {}),
    ...(opts.json ? {} : { log: (o: RebuildOutcome) => ctx.io.out(line(o)) }),
  });
  const count = (r: RebuildOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  if (opts.json) ctx.io.out(JSON.stringify(outcomes, null, 2));
  ctx.io.err(`${outcomes.length} case${outcomes.length === 1 ? '' : 's'}: ${count('written')} written, ${count('kept')} kept (the store's record was more recent), ${count('failed')} failed.`);
  return count('failed') ? 1 : 0;
}

/** `hrda ops rebuild-records`, in the `ops` group (commands/ops.ts). */
export function addRebuildRecordsCommand(ops: Command, run: Runner): void {
  ops
    .command('rebuild-records')
    .description('rebuild the case record (what lists and reports read) from the live histories and the archive')
    .option('--case <caseId...>', 'only these cases')
    .option('--json', 'print JSON')
    .action((opts: { case?: string[]; json?: boolean }) => run((ctx) => rebuildRecordsCommand(ctx, opts)));
}
