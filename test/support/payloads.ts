import type { Payload } from '@temporalio/common';

/**
 * Every payload in a workflow history, or in any part of one, depth first. `skip` leaves out a
 * field and everything under it (a test that reads what a workflow wrote can leave out the search
 * attributes and patch markers the SDK writes).
 */
export function payloadsIn(value: unknown, skip: (key: string, value: unknown) => boolean = () => false, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((v) => payloadsIn(v, skip, found));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && o.data instanceof Uint8Array) found.push(o as Payload);
    else for (const [k, v] of Object.entries(o)) if (!skip(k, v)) payloadsIn(v, skip, found);
  }
  return found;
}

/** Payloads as the Web UI sends them to the codec server: metadata values and data in base64. */
export function codecJsonOf(payloads: Payload[]): { metadata: Record<string, string>; data: string }[] {
  return payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  }));
}
