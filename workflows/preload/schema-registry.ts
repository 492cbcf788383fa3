/**
 * The zod schemas built while the worker's V8 context preloads the shared modules (worker/bundle.ts).
 * zod materialises a schema's methods and derived internals on first read, as own properties; the
 * SDK deep-freezes everything it preloaded before any workflow runs, after which that first read
 * throws ("Cannot define property safeParse, object is not extensible") and the case's workflow
 * task fails. So every schema made during the preload is recorded here (start-recording.ts) and has
 * each of its lazy members read once before the freeze (warm-schemas.ts). Schemas that workflows
 * build later are their own and never frozen.
 */
export const preloadedSchemas: object[] = [];
