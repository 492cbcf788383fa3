import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Where this checkout keeps what it builds and runs on this machine: read by the tooling (scripts/),
// the composition root (app/) and the CLI, which finds a running service's state in .data (client/service-state.ts).

/** The repository root, whatever the caller's working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Tools built for this machine (Temporal CLI, Java test server). Git-ignored. */
export const toolsDir = process.env.HRDA_TOOLS_DIR ?? path.join(repoRoot, '.tools');

/** Local server data (the dev server's SQLite file). Git-ignored. */
export const dataDir = process.env.HRDA_DATA_DIR ?? path.join(repoRoot, '.data');
