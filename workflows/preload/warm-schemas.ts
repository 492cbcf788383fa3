import { preloadedSchemas } from './schema-registry';

/** Reads every getter on `target`'s prototype chain, so that each lazy member becomes an own value. */
function readGetters(target: object): void {
  for (let proto = Object.getPrototypeOf(target) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const key of Reflect.ownKeys(proto)) {
      if (!Object.getOwnPropertyDescriptor(proto, key)?.get) continue;
      try {
        void (target as Record<PropertyKey, unknown>)[key];
      } catch {
        // A member this kind of schema cannot compute is one it never computes at run time either.
      }
    }
  }
}

const unfreezable = new WeakSet<object>();

/**
 * A regular expression that survives the SDK's freeze: zod resets `lastIndex` before every test,
 * which throws on a frozen RegExp. The proxy refuses to be frozen (the SDK skips what it cannot
 * freeze) and forwards to a private copy, which nothing else reaches and so stays writable.
 */
function writableRegExp(pattern: RegExp): RegExp {
  if (unfreezable.has(pattern)) return pattern;
  const own = new RegExp(pattern.source, pattern.flags);
  const proxy = new Proxy(own, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set: (target, key, value) => Reflect.set(target, key, value, target),
    preventExtensions: () => false,
  });
  unfreezable.add(proxy);
  return proxy;
}

/** Every RegExp zod keeps on a schema or check and writes `lastIndex` to while parsing. */
function makePatternsWritable(internals: Record<string, unknown>): void {
  const def = internals.def as Record<string, unknown> | undefined;
  for (const [holder, key] of [[def, 'pattern'], [def, 'hostname'], [def, 'protocol'], [internals, 'pattern']] as const) {
    const value = holder?.[key];
    if (holder && value instanceof RegExp) holder[key] = writableRegExp(value);
  }
}

/**
 * Last of the preloaded modules: every schema recorded while the shared modules were evaluated has
 * its methods and its internals' derived values materialised now, before the SDK freezes them
 * (schema-registry.ts). Recording stops, so schemas that workflows build are not kept.
 */
const holder = globalThis as { __zod_globalConfig?: { postProcessor?: unknown } };
delete holder.__zod_globalConfig?.postProcessor;
// A zod that no longer calls the hook would leave every shared schema to fail its first read
// inside a case: refuse to start instead.
if (preloadedSchemas.length === 0) throw new Error('No zod schema was recorded while the shared modules loaded: zod no longer calls its postProcessor hook (workflows/preload/schema-registry.ts)');
for (const schema of preloadedSchemas) {
  readGetters(schema);
  // zod's memoizer wraps a container's parse until its first parse shows it cannot recurse, then
  // puts the plain parse back on the schema: one parse now, whatever its outcome, does that early.
  const { safeParse } = schema as { safeParse?: (value: unknown) => unknown };
  try {
    safeParse?.(undefined);
  } catch {
    // A schema that throws on undefined has still been through its first parse.
  }
  const internals = (schema as { _zod?: object })._zod;
  if (internals) {
    readGetters(internals);
    makePatternsWritable(internals as Record<string, unknown>);
  }
}
preloadedSchemas.length = 0;
