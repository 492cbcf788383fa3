import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureConverterPath } from './codec/data-converter';

/** The workflow entry point the worker bundles (every workflow type the service runs). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every module of domain/ and machines/, evaluated once per V8 context and shared by the workflows
 * in it (the SDK's `preloadModules`), instead of once per cached workflow: the zod schemas, the
 * profiles, the bank-holiday table and the machines' setup cost about 3.4 MiB a workflow when
 * each one evaluates them again, about 0.26 MiB when shared (docs/performance.md). Sharing is safe
 * because those folders are pure: no I/O, no Temporal, and no module-level mutable state
 * (ARCHITECTURE.md; eslint.config.js refuses a module-level `let` there).
 */
export const sharedModules: readonly string[] = ['domain', 'machines'].flatMap((dir) =>
  readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => path.join(repoRoot, dir, file)),
);

/**
 * What every bundle of the service's workflows needs (pass to `bundleWorkflowCode`): failures raised
 * inside the sandbox (refused updates, failed workflows) are encoded there, before the codec sees
 * them, and the pure modules are shared between workflows.
 */
export const workflowBundleOptions = { failureConverterPath, preloadModules: [...sharedModules] };
