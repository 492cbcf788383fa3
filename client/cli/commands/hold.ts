import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Actor } from '../../../domain/actor';
import { holdReasonSchema, type LegalHold } from '../../../domain/legal-hold';
import { HoldRefusedError, LegalHolds } from '../../../store/holds/legal-holds';
import { EncryptionCodec, KeyRing, dataKeyStoreFor } from '../../../worker/codec';
import { AccessLog } from '../../api/access-log';
import { ArchivedCases } from '../../archive/archived-cases';
import { CaseClient } from '../../cases';
import { liftHold, placeHold } from '../../holds/legal-hold';
import { cliSub } from '../access-log';
import type { CommandContext } from '../context';
import { CliError, formatInstant } from '../output';
import type { Runner } from './runner';

/** The store's holds, their reasons sealed with the CLI's key ring and data keys. */
export function legalHoldsFor(ctx: Pick<CommandContext, 'db' | 'config'>): LegalHolds {
  const ring = KeyRing.fromConfig(ctx.config);
  return new LegalHolds(ctx.db, new EncryptionCodec(ring, dataKeyStoreFor(ctx.db, ctx.config, ring)));
}

/**
 * The CLI acts with the service's credentials, as an administrator (the role that places holds,
 * domain/legal-hold.ts), naming the operating-system user who ran it, as its access-log entries do.
 */
const cliActor = (): Actor => ({ role: 'administrator', name: cliSub() });

function reasonOf(reason: string | undefined, flag: string): string {
  const parsed = holdReasonSchema.safeParse(reason ?? '');
  if (!parsed.success) throw new CliError(`${flag}: say why (${parsed.error.issues.map((i) => i.message).join('; ')})`, 2);
  return parsed.data;
}

async function logWrite(ctx: CommandContext, command: string, caseId: string): Promise<void> {
  await new AccessLog(ctx.db).record([{ at: new Date().toISOString(), sub: cliSub(), role: 'administrator', caseId, action: 'write', route: command, view: 'full', purpose: command, requestId: randomUUID() }]);
}

const describeHold = (h: LegalHold) => [
  `  hold     ${h.holdId}`,
  `  placed   ${formatInstant(h.placedAt)} by ${h.placedBy.name ?? h.placedBy.role}: ${h.reason}`,
  ...(h.lifted ? [`  lifted   ${formatInstant(h.lifted.at)} by ${h.lifted.by.name ?? h.lifted.by.role}: ${h.lifted.reason}`] : []),
].join('\n');

function refused(err: unknown): unknown {
  if (err instanceof HoldRefusedError) return new CliError(err.message);
  if (err instanceof WorkflowNotFoundError) return new CliError(`No case ${err.workflowId?.replace(/^case-/, '') ?? ''} in this namespace or the archive.`);
  return err;
}

/** `hrda case hold CASE --reason`: a legal hold on the case and its subject. */
export async function holdCase(ctx: CommandContext, caseId: string, opts: { reason?: string; json?: boolean }): Promise<void> {
  const reason = reasonOf(opts.reason, '--reason');
  const holds = legalHoldsFor(ctx);
  const cases = new CaseClient(ctx.client, ctx.config.HRDA_TASK_QUEUE, { dataKeys: dataKeyStoreFor(ctx.db, ctx.config), archive: new ArchivedCases(ctx.db, ctx.client.options.loadedDataConverter) });
  const hold = await placeHold({ temporal: ctx.client, cases, holds, subjectSecret: ctx.config.HRDA_SUBJECT_KEY }, caseId, cliActor(), reason).catch((err: unknown) => Promise.reject(refused(err)));
  await logWrite(ctx, 'hrda case hold', caseId);
  ctx.io.out(opts.json ? JSON.stringify(hold, null, 2) : `Case ${caseId} is on legal hold: neither it nor any case of its subject is destroyed until the hold is lifted (\`hrda case release\`).\n${describeHold(hold)}`);
}

/** `hrda case release CASE --reason`: lifts the hold in place. */
export async function releaseCase(ctx: CommandContext, caseId: string, opts: { reason?: string; json?: boolean }): Promise<void> {
  const reason = reasonOf(opts.reason, '--reason');
  const hold = await liftHold({ temporal: ctx.client, holds: legalHoldsFor(ctx) }, caseId, cliActor(), reason).catch((err: unknown) => Promise.reject(refused(err)));
  await logWrite(ctx, 'hrda case release', caseId);
  ctx.io.out(opts.json ? JSON.stringify(hold, null, 2) : `The legal hold on case ${caseId} is lifted: its retention goes on (if the period has run and nothing else holds its subject, its personal data is destroyed now).\n${describeHold(hold)}`);
}

export function registerHoldCommands(group: Command, run: Runner): void {
  group
    .command('hold')
    .description('place a legal hold on a case and its subject (a domestic homicide review, litigation): nothing of them is destroyed at the end of retention until it is lifted')
    .argument('<caseId>')
    .requiredOption('--reason <why>', 'why the case is held (written to its timeline as hold.placed)')
    .option('--json', 'print the hold as JSON')
    .action((caseId: string, opts: { reason?: string; json?: boolean }) => run((ctx) => holdCase(ctx, caseId, opts)));

  group
    .command('release')
    .description("lift a case's legal hold: its retention goes on, and destroys at once if its period has run")
    .argument('<caseId>')
    .requiredOption('--reason <why>', 'why the hold is lifted (written to its timeline as hold.lifted)')
    .option('--json', 'print the hold as JSON')
    .action((caseId: string, opts: { reason?: string; json?: boolean }) => run((ctx) => releaseCase(ctx, caseId, opts)));
}
