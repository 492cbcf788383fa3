import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { AccessLog, type AccessLogEntry } from '../api/access-log';
import type { CommandContext } from './context';
import { CliError } from './output';

/**
 * Reads of personal data through the CLI go into the same access log as the API's (DPA 2018 s62):
 * the CLI acts with the service's own credentials, so the entry names the operating-system user who
 * ran it (`cli:<user>`) and the purpose they stated with `--purpose`, which such commands require.
 */
export const cliSub = (): string => `cli:${os.userInfo().username}`;

/** The stated purpose, or a refusal (exit status 2) before anything is read. */
export function requirePurpose(ctx: Pick<CommandContext, 'purpose'>, command: string): string {
  const purpose = ctx.purpose?.trim();
  if (!purpose) throw new CliError(`${command} reads personal data: say why with --purpose "<why>" (it is written to the access log with your user name).`, 2);
  return purpose.slice(0, 500);
}

/** One entry per case read, written before the command shows anything. */
export async function logCliRead(
  ctx: Pick<CommandContext, 'db' | 'purpose'>,
  command: string,
  caseIds: readonly string[],
  opts: { view?: AccessLogEntry['view']; restrictedCaseIds?: readonly string[] } = {},
): Promise<void> {
  const purpose = requirePurpose(ctx, command);
  const at = new Date().toISOString();
  const requestId = randomUUID();
  await new AccessLog(ctx.db).record(caseIds.map((caseId) => ({
    at, sub: cliSub(), role: 'administrator', caseId, action: 'read', route: command, view: opts.view ?? 'full', purpose, requestId,
    ...(opts.restrictedCaseIds?.includes(caseId) ? { restricted: true as const } : {}),
  })));
}
