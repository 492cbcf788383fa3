import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { embeddedDatabaseUrl } from '../local/embedded-store';
import { dataDir } from '../local/paths';
import { isProcessRunning } from '../local/process';

/**
 * Where a running `hrda start` listens, for the CLI on the same machine (issue 18 item 4): a
 * service started on other ports (HRDA_DEV_SERVER_PORT, HRDA_POSTGRES_PORT) is found with no
 * variable set. Addresses only — no token, key or password — and 0600 all the same, like the rest
 * of .data/.
 */
export const serviceStateSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  temporal: z.object({
    address: z.string(),
    namespace: z.string(),
    /** The dev server `hrda start` ran itself, rather than a cluster named by TEMPORAL_ADDRESS. */
    embedded: z.boolean(),
    /** The time-skipping test server of `hrda start --sandbox`, whose clock `hrda clock` reads and moves. */
    sandbox: z.boolean().optional(),
  }),
  /** The embedded PostgreSQL's port; absent when HRDA_DATABASE_URL named the store. */
  postgresPort: z.number().int().positive().optional(),
  /** The embedded PostgreSQL's database when not the service's own `hrda` (the sandbox's). */
  postgresDatabase: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).optional(),
  apiUrl: z.string(),
  webUiUrl: z.string().optional(),
});
export type ServiceState = z.infer<typeof serviceStateSchema>;

export const serviceStateFile = (dir: string = dataDir) => path.join(dir, 'service.json');

export function writeServiceState(state: ServiceState, dir: string = dataDir): string {
  const file = serviceStateFile(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(serviceStateSchema.parse(state), null, 2)}\n`, { mode: 0o600 });
  // An older file keeps its mode through writeFileSync: tighten it.
  chmodSync(file, 0o600);
  return file;
}

/** Removes the file, if it still names this process (a second `hrda start` may have taken over). */
export function removeServiceState(pid: number = process.pid, dir: string = dataDir): void {
  if (readServiceState(dir)?.pid === pid) rmSync(serviceStateFile(dir), { force: true });
}

/** The state a running service left, or undefined: none, unreadable, or its process is gone (a crash leaves the file). */
export function readServiceState(dir: string = dataDir): ServiceState | undefined {
  let parsed;
  try {
    parsed = serviceStateSchema.safeParse(JSON.parse(readFileSync(serviceStateFile(dir), 'utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || !isProcessRunning(parsed.data.pid)) return undefined;
  return parsed.data;
}


/**
 * The environment the CLI reads its configuration from: the process's, with what a running
 * service's state says filled in where the environment says nothing. TEMPORAL_ADDRESS set means
 * the user chose; then the state is not read at all.
 */
export function withServiceState(env: NodeJS.ProcessEnv, dir: string = env.HRDA_DATA_DIR ?? dataDir): { env: NodeJS.ProcessEnv; from?: string } {
  const state = env.TEMPORAL_ADDRESS ? undefined : readServiceState(dir);
  if (!state) return { env };
  const filled: NodeJS.ProcessEnv = { ...env };
  if (state.temporal.embedded) {
    filled.HRDA_DEV_SERVER_PORT ??= state.temporal.address.split(':').pop();
  } else {
    filled.TEMPORAL_ADDRESS = state.temporal.address;
  }
  filled.TEMPORAL_NAMESPACE ??= state.temporal.namespace;
  if (state.postgresPort && !env.HRDA_DATABASE_URL) {
    filled.HRDA_POSTGRES_PORT ??= String(state.postgresPort);
    // The sandbox's records are in a database of their own on the same server: its URL, password and all, stays in this process.
    if (state.postgresDatabase) {
      const url = embeddedDatabaseUrl(Number(filled.HRDA_POSTGRES_PORT), state.postgresDatabase);
      if (url) filled.HRDA_DATABASE_URL = url;
    }
  }
  return { env: filled, from: `${serviceStateFile(dir)} (the service started ${state.startedAt}, process ${state.pid})` };
}
