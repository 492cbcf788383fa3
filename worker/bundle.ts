import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureConverterPath } from './codec/data-converter';

/** The workflow entry point the worker bundles (every workflow type the service runs). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const preload = (file: string) => path.join(repoRoot, 'workflows', 'preload', file);

/**
 * Every module of domain/, evaluated once per V8 context and shared by the workflows in it (the
 * SDK's `preloadModules`) instead of once per cached workflow: the zod schemas, the profiles, the
 * calendar and luxon are most of what a cached workflow costs (docs/performance.md). Sharing is
 * safe because domain/ is pure: no I/O, no Temporal, no module-level mutable state (ARCHITECTURE.md;
 * eslint.config.js refuses a module-level `let` there). machines/ is not shared: xstate numbers its
 * actors with a module-level counter, which must start afresh in each workflow to replay the same.
 *
 * The SDK freezes what it preloads, and zod builds a schema's methods on first read; the first and
 * last entries make the schemas ready for that (workflows/preload/schema-registry.ts).
 */
export function sharedModules(extra: readonly string[] = []): string[] {
  return [
    preload('start-recording.ts'),
    ...readdirSync(path.join(repoRoot, 'domain'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .sort()
      .map((file) => path.join(repoRoot, 'domain', file)),
    ...extra,
    preload('warm-schemas.ts'),
  ];
}

/**
 * What every bundle of the service's workflows needs (pass to `bundleWorkflowCode`): failures raised
 * inside the sandbox (refused updates, failed workflows) are encoded there, before the codec sees
 * them, and the pure modules are shared between workflows.
 */
export const workflowBundleOptions = { failureConverterPath, preloadModules: sharedModules() };

/**
 * The same, for a bundle that also changes shared state as it loads (a test registering a profile
 * of its own): such a module must be preloaded too, since nothing shared can change afterwards.
 */
export function workflowBundleOptionsSharing(extra: readonly string[]) {
  return { failureConverterPath, preloadModules: sharedModules(extra) };
}
