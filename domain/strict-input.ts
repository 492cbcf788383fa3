import { z } from 'zod';

/**
 * Input at the service's edge — the HTTP API's bodies and query strings, the CLI's referral and
 * scenario files — is refused when it carries a field the contract does not define, naming each
 * one, rather than having it dropped without a word (a misspelt `dueAt` would otherwise leave an
 * action with the default deadline and nobody told).
 *
 * The domain's schemas stay as they are: they also parse what workflows recorded, and a stored
 * history must keep parsing whatever fields it holds. So the edge takes a strict copy: every
 * object that would strip unknown keys refuses them instead, at any depth; objects that are loose
 * on purpose (a scenario's steps, checked one by one later) stay loose. Refinements, defaults and
 * transforms are kept: they live on the schemas being copied.
 */
export function strictInput<T extends z.ZodType>(schema: T): T {
  return strict(schema) as T;
}

const copies = new WeakMap<z.ZodType, z.ZodType>();

type Def = Record<string, unknown> & { type: string };

function strict(schema: z.ZodType): z.ZodType {
  const known = copies.get(schema);
  if (known) return known;
  const def = schema._zod.def as unknown as Def;
  const inner = (key: string) => ({ [key]: strict(def[key] as z.ZodType) });
  let changes: Record<string, unknown> | undefined;
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      changes = {
        shape: Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, strict(v)])),
        // An object without a catchall strips; one with a catchall (loose, or typed) is left as it was made.
        ...(def.catchall === undefined ? { catchall: z.never() } : {}),
      };
      break;
    }
    case 'array':
      changes = inner('element');
      break;
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'nonoptional': case 'readonly': case 'catch':
      changes = inner('innerType');
      break;
    case 'pipe':
      // What is read is the pipe's input; its output is what a transform made, not what was sent.
      changes = inner('in');
      break;
    case 'union':
      changes = { options: (def.options as z.ZodType[]).map(strict) };
      break;
    case 'record':
      changes = inner('valueType');
      break;
    default:
      // Scalars, and intersections (each side would refuse the other's fields): as they are.
      return schema;
  }
  const changed = Object.entries(changes).some(([k, v]) =>
    k === 'shape' ? Object.entries(v as Record<string, z.ZodType>).some(([f, s]) => s !== (def.shape as Record<string, z.ZodType>)[f]) : Array.isArray(v) ? v.some((s, i) => s !== (def[k] as unknown[])[i]) : v !== def[k]);
  let copy = changed ? schema.clone(mergeDefs(def, changes) as never) : schema;
  // Descriptions go with the copy (the OpenAPI document shows them); a component ID stays with the original, IDs being unique.
  const meta = z.globalRegistry.get(schema);
  if (copy !== schema && meta) {
    const { id: _id, ...rest } = meta;
    if (Object.keys(rest).length) copy = copy.meta(rest);
  }
  copies.set(schema, copy);
  return copy;
}

/** A def with some members replaced, read through descriptors: spreading would resolve lazy members. */
function mergeDefs(def: Def, changes: Record<string, unknown>): Def {
  const merged = Object.defineProperties({}, Object.getOwnPropertyDescriptors(def)) as Def;
  for (const [k, v] of Object.entries(changes)) Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
  return merged;
}

/** A field at fault, by dotted path ("outcome.actions.0.dueAt"). */
export interface InputIssue {
  path: string;
  message: string;
}

/** A field's dotted path; a key that is the empty string is written `""`, so that no path is empty. */
export const fieldPath = (segments: readonly PropertyKey[]): string => segments.map((s) => (s === '' ? '""' : String(s))).join('.');

export const unknownFieldMessage = 'unknown field: not part of this request (docs/contract.md); nothing was changed';

/**
 * zod's issues as fields at fault; an object's unknown keys, which zod reports once for the object,
 * become one issue each, at the key's own path.
 */
export function inputIssues(issues: readonly z.core.$ZodIssue[], whole = '(input)'): InputIssue[] {
  return issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: fieldPath([...at, k]), message: unknownFieldMessage }));
    return [{ path: at.join('.') || whole, message: i.message }];
  });
}
