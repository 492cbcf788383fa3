import type { TimelineEntry } from '../../domain/timeline';

/** The first place two timelines part: the entry's index and each side's entry there (absent when one is shorter). */
export interface TimelineDifference {
  index: number;
  reported?: TimelineEntry;
  rebuilt?: TimelineEntry;
  /** The first field of the entry that differs, e.g. "data.respondBy". */
  field?: string;
}

export function firstTimelineDifference(reported: readonly TimelineEntry[], rebuilt: readonly TimelineEntry[]): TimelineDifference | undefined {
  const length = Math.max(reported.length, rebuilt.length);
  for (let index = 0; index < length; index++) {
    const a = reported[index];
    const b = rebuilt[index];
    const field = firstValueDifference(a, b);
    if (field !== undefined) return { index, ...(a ? { reported: a } : {}), ...(b ? { rebuilt: b } : {}), ...(a && b && field ? { field } : {}) };
  }
  return undefined;
}

/**
 * The path of the first field where two JSON values differ ('' for the values themselves), or
 * undefined when they are equal as JSON (an absent field and an undefined one are the same).
 */
export function firstValueDifference(a: unknown, b: unknown, path = ''): string | undefined {
  const normal = (v: unknown) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)) as unknown);
  return differs(normal(a), normal(b), path);
}

function differs(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = differs(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
    const d = differs(ra[key], rb[key], path ? `${path}.${key}` : key);
    if (d !== undefined) return d;
  }
  return undefined;
}
