import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, whatever the caller's working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Tools built for this machine (Temporal CLI, Java test server). Git-ignored. */
export const toolsDir = process.env.HRDA_TOOLS_DIR ?? path.join(repoRoot, '.tools');

/** Local server data (the dev server's SQLite file). Git-ignored. */
export const dataDir = process.env.HRDA_DATA_DIR ?? path.join(repoRoot, '.data');
