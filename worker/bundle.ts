import { fileURLToPath } from 'node:url';
import { failureConverterPath } from './codec/data-converter';

/** The workflow entry point the worker bundles (every workflow type the service runs). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * What every bundle of the service's workflows needs (pass to `bundleWorkflowCode`): failures raised
 * inside the sandbox (refused updates, failed workflows) are encoded there, before the codec sees them.
 *
 * Not `preloadModules`: sharing domain/ and machines/ between workflows would cut a cached
 * workflow's memory about thirteen-fold, but the reusable V8 context freezes what it preloads and
 * zod 4 defines methods on its schemas lazily (`safeParse` on first use), so every case failed its
 * first workflow task with "Cannot define property safeParse, object is not extensible"
 * (docs/performance.md).
 */
export const workflowBundleOptions = { failureConverterPath };
