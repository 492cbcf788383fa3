import type { TestProject } from 'vitest/node';
import { ensureTemporalCli } from '../scripts/temporal-cli';
import { ensureTestServer } from '../scripts/test-server';

/**
 * Provisions both Temporal servers once per run (a no-op when they are already built),
 * so that `npm test` works on a fresh machine and test files only start them.
 */
export default async function setup(project: TestProject) {
  const log = (line: string) => console.error(`[provision] ${line}`);
  const [temporalCli, testServer] = await Promise.all([ensureTemporalCli({ log }), ensureTestServer({ log })]);
  project.provide('temporalCli', temporalCli);
  project.provide('testServer', testServer);
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCli: string;
    testServer: string;
  }
}
