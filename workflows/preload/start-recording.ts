import { preloadedSchemas } from './schema-registry';

/**
 * First of the preloaded modules, before zod is evaluated: zod calls the global config's
 * `postProcessor` with every schema once it is fully built, so each one the preload makes is
 * recorded (schema-registry.ts says why).
 */
const holder = globalThis as { __zod_globalConfig?: { postProcessor?: (schema: object) => void } };
holder.__zod_globalConfig = { ...holder.__zod_globalConfig, postProcessor: (schema) => void preloadedSchemas.push(schema) };
