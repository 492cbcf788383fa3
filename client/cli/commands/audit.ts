import { CaseEntries } from '../../../store/entries/case-entries';
import path from 'node:path';
import type { Command } from 'commander';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalAddress } from '../../../domain/config';
import { dataConverterFor, dataKeyStoreFor } from '../../../worker/codec';
import { ArchivedCases } from '../../archive/archived-cases';
import { exportDhrPack } from '../../audit/dhr-pack';
import { CaseClient } from '../../cases';
import { MeetingClient } from '../../meetings';
import { legalHoldsFor } from './hold';
import { auditBundle, auditCase, listCaseIds, type CaseAudit } from '../../audit/audit-case';
import { exportCaseBundle } from '../../audit/export';
import { auditFindings, auditSummaryLine } from '../../audit/findings';
import { AccessLog } from '../../api/access-log';
import { logCliRead, requirePurpose } from '../access-log';
import { explain, type CommandContext, type StoreContext } from '../context';
import { CliError, Progress } from '../output';
import type { Runner, StoreRunner } from './runner';
import { quietCliRuntime } from '../runtime';
import { verifyAccessLog } from '../../audit/verify-log';

export interface AuditDeps {
  /** The workflow code to replay against; the current code, bundled, by default. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

async function bundleFor(ctx: CommandContext, deps: AuditDeps): Promise<WorkflowBundleWithSourceMap> {
  if (deps.workflowBundle) return deps.workflowBundle;
  ctx.io.err('Bundling the current workflow code…');
  return auditBundle();
}

/** `hrda audit replay`: exit status 0 when every case passed, 1 when any did not (or could not be checked). */
export async function auditReplay(ctx: CommandContext, caseId: string | undefined, opts: { all?: boolean; query?: string; json?: boolean }, deps: AuditDeps = {}): Promise<number> {
  if (Boolean(caseId) === Boolean(opts.all)) throw new CliError('Name one case (hrda audit replay <caseId>) or ask for all of them (--all).', 2);
  requirePurpose(ctx, 'hrda audit replay');
  const ids = caseId ? [caseId] : await listCaseIds(ctx.client, opts.query, ctx.db);
  if (ids.length === 0) {
    ctx.io.err(`No cases in namespace ${ctx.config.TEMPORAL_NAMESPACE}${opts.query ? ` match ${opts.query}` : ''}.`);
    return 0;
  }
  // Replaying decrypts every payload of each case's history.
  await logCliRead(ctx, 'hrda audit replay', ids);
  const workflowBundle = await bundleFor(ctx, deps);
  const dataConverter = dataConverterFor(ctx.config, ctx.db);
  const progress = ids.length > 1 ? new Progress(ctx.io, ids.length, 'Replaying') : undefined;
  const records: object[] = [];
  let failed = 0;
  for (const id of ids) {
    progress?.step(id);
    let audit: CaseAudit | undefined;
    let error: string | undefined;
    try {
      audit = await auditCase(ctx.client, id, { workflowBundle, dataConverter, ...(ctx.db ? { archive: ctx.db } : {}) });
    } catch (err) {
      const explained = explain(err, ctx.config);
      error = explained instanceof Error ? explained.message : String(explained);
    }
    const findings = audit ? auditFindings(audit) : [`Could not be audited: ${error}`];
    if (!audit?.ok) failed++;
    if (opts.json) {
      records.push(audit
        ? { caseId: id, ok: audit.ok, status: audit.status, runs: audit.runs, events: audit.events, timelineEntries: audit.rebuilt.timeline.length, replay: audit.replay, rebuildProblems: audit.rebuildProblems, timeline: audit.timeline, ...(audit.result ? { result: audit.result } : {}), findings }
        : { caseId: id, ok: false, error });
    } else {
      const lines = [audit ? auditSummaryLine(audit) : `FAIL ${id}`, ...findings.map((f) => `     ${f}`)];
      if (progress && !audit?.ok) progress.note(lines.join('\n'));
      ctx.io.out(lines.join('\n'));
    }
  }
  progress?.finish();
  if (opts.json) ctx.io.out(JSON.stringify(records, null, 2));
  ctx.io.err(`${ids.length} case${ids.length === 1 ? '' : 's'} audited: ${ids.length - failed} passed, ${failed} failed.`);
  return failed ? 1 : 0;
}

/** `hrda audit export`: writes the bundle; exit status 1 when its checks failed (the bundle is written all the same). */
export async function auditExport(ctx: CommandContext, caseId: string, opts: { out?: string }, deps: AuditDeps = {}): Promise<number> {
  const outDir = path.resolve(opts.out ?? `audit-${caseId}`);
  requirePurpose(ctx, 'hrda audit export');
  const workflowBundle = await bundleFor(ctx, deps);
  ctx.io.err(`Fetching and checking the history of case ${caseId}…`);
  const bundle = await exportCaseBundle(ctx.client, caseId, {
    workflowBundle,
    dataConverter: dataConverterFor(ctx.config, ctx.db),
    archive: ctx.db,
    outDir,
    accessLog: new AccessLog(ctx.db),
    // The export's own read is in the log it exports.
    beforeRead: () => logCliRead(ctx, 'hrda audit export', [caseId]),
    source: { address: temporalAddress(ctx.config), namespace: ctx.config.TEMPORAL_NAMESPACE },
  });
  const findings = auditFindings(bundle.audit);
  ctx.io.out([
    `Audit bundle for case ${caseId} in ${bundle.dir}:`,
    ...bundle.files.map((f) => `  ${f}`),
    `${bundle.accessLog.length} access-log entr${bundle.accessLog.length === 1 ? 'y' : 'ies'}; ${bundle.audit.runs} run${bundle.audit.runs === 1 ? '' : 's'}, ${bundle.audit.events} history events.`,
    !bundle.audit.ok
      ? `Checks FAILED:\n${findings.map((f) => `  ${f}`).join('\n')}`
      : bundle.audit.source === 'archive'
        ? 'Checks passed: Temporal no longer has the workflow; its archived history replays and the case rebuilt from it matches what the workflow returned.'
        : 'Checks passed: the history replays and its rebuilt timeline matches the workflow’s.',
  ].join('\n'));
  return bundle.audit.ok ? 0 : 1;
}

/** `hrda audit dhr-pack`: the case as it stood, for a domestic homicide review (client/audit/dhr-pack.ts). */
export async function auditDhrPack(ctx: CommandContext, caseId: string, opts: { out?: string }): Promise<void> {
  const outDir = path.resolve(opts.out ?? `dhr-${caseId}`);
  const purpose = requirePurpose(ctx, 'hrda audit dhr-pack');
  const dataKeys = dataKeyStoreFor(ctx.db, ctx.config);
  const holds = legalHoldsFor(ctx);
  const cases = new CaseClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, { dataKeys, archive: new ArchivedCases(ctx.db, ctx.client.options.loadedDataConverter), holds, entries: new CaseEntries(ctx.db) });
  const key = await dataKeys.status(`case:${caseId}`).catch(() => undefined);
  if (key?.state === 'destroyed') throw new CliError(`Case ${caseId}: its personal data was destroyed on ${key.destroyedAt} (${key.reason}); there is nothing left to export. \`hrda case show ${caseId}\` shows what remains.`);
  const pack = await exportDhrPack({
    cases,
    meetings: (profileId) => new MeetingClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, profileId, { dataKeys, archive: ctx.db }),
    holds,
    accessLog: new AccessLog(ctx.db),
  }, caseId, { outDir, purpose, beforeRead: () => logCliRead(ctx, 'hrda audit dhr-pack', [caseId]) });
  const held = pack.holds.find((h) => !h.lifted);
  ctx.io.out([
    `Domestic homicide review pack for case ${caseId} in ${pack.dir}:`,
    ...pack.files.map((f) => `  ${f}`),
    `${pack.timeline.length} timeline entries, ${pack.meetings.length} meeting${pack.meetings.length === 1 ? '' : 's'}, ${pack.accessLog.length} access-log entr${pack.accessLog.length === 1 ? 'y' : 'ies'}.`,
    held ? `On legal hold since ${held.placedAt}.` : 'Not on legal hold: `hrda case hold` keeps it past its retention while the review is pending.',
  ].join('\n'));
}

/** `hrda audit verify-log`: exit status 0 when the access log's chain is whole, 1 naming each entry at fault. */
export async function auditVerifyLog(ctx: StoreContext, opts: { json?: boolean } = {}): Promise<number> {
  const result = await verifyAccessLog(ctx.db);
  if (opts.json) {
    ctx.io.out(JSON.stringify(result, null, 2));
  } else if (result.ok) {
    ctx.io.out(`OK   the access log's ${result.entries} entr${result.entries === 1 ? 'y is' : 'ies are'} whole: each follows the one before, none edited or deleted.`);
  } else {
    ctx.io.out([`FAIL the access log was altered (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${result.entries} entries):`, ...result.problems.map((p) => `     ${p.problem}`)].join('\n'));
  }
  return result.ok ? 0 : 1;
}

export function registerAuditCommands(program: Command, run: Runner, runOnStore: StoreRunner): void {
  const group = program.command('audit').description("check cases against their Temporal histories, and export an auditor's bundle");

  group
    .command('replay')
    .description('replay case histories against the current workflow code, rebuild each timeline from its history alone and compare it with what the workflow reports; exit status 1 on any mismatch')
    .argument('[caseId]', 'the case to check')
    .option('--all', 'every case in the namespace (progress on stderr)')
    .option('--query <query>', "with --all: a visibility query choosing the cases (default HrdaKind = 'case')")
    .option('--json', 'print the results as JSON')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((caseId: string | undefined, opts: { all?: boolean; query?: string; json?: boolean; purpose?: string }) => {
      quietCliRuntime();
      return run((ctx) => auditReplay(ctx, caseId, opts), { purpose: opts.purpose });
    });

  group
    .command('export')
    .description("write a case's audit bundle: history, timeline and access log as JSON, the checks, and a readable HTML report")
    .argument('<caseId>')
    .option('--out <dir>', 'the bundle folder (default ./audit-<caseId>)')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((caseId: string, opts: { out?: string; purpose?: string }) => {
      quietCliRuntime();
      return run((ctx) => auditExport(ctx, caseId, opts), { purpose: opts.purpose });
    });

  group
    .command('dhr-pack')
    .description('write a case as it stood for a domestic homicide review: timeline (with legal holds), matrices, meeting papers and minutes (its own part), the access log; JSON and HTML')
    .argument('<caseId>')
    .option('--out <dir>', 'the pack folder (default ./dhr-<caseId>); readable by its owner only')
    .option('--purpose <why>', 'why you read this personal data (required; written to the access log with your OS user name)')
    .action((caseId: string, opts: { out?: string; purpose?: string }) => {
      quietCliRuntime();
      return run((ctx) => auditDhrPack(ctx, caseId, opts), { purpose: opts.purpose });
    });

  group
    .command('verify-log')
    .description("check the access log's hash chain from its first entry: exit status 1, naming each entry, when one was edited or deleted")
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }) => runOnStore((ctx) => auditVerifyLog(ctx, opts)));
}
