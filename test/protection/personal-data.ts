import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { ReferralInput } from '../../domain/referral';
import { exampleReferral } from '../support/referrals';

/** A referral whose personal data is distinctive enough that finding any of it anywhere is a leak, not a coincidence. */
export function distinctiveReferral(overrides: Partial<ReferralInput> = {}): ReferralInput {
  const { receivedAt: _now, ...rest } = exampleReferral({
    referrer: { agency: 'police', name: 'PC Ysolde Carbonnel', contact: 'ysolde.carbonnel@police.example.org' },
    incident: { occurredAt: '2026-11-23T22:10:00Z', summary: 'Pushed down the stairwell at Quillon Mews after an argument about the car keys.', flags: ['strangulation'] },
    victim: {
      name: 'Morwenna Tregarthen', dateOfBirth: '1987-03-14', consent: { share: true, contact: true },
      contact: { email: 'm.tregarthen@mail.example.net', phone: '07700 900456', address: '12 Harbour Row, Weymouth DT4 8AA' },
    },
    perpetrator: { name: 'Lachlan Penhallow', dateOfBirth: '1984-11-09', mappaLevel: 2, contact: { email: 'lachlan.p@mail.example.net', phone: '07700 900789' } },
    children: [{ name: 'Isolde Tregarthen', dateOfBirth: '2018-05-21' }],
    ...overrides,
  });
  return rest;
}

/** Every name, date of birth, contact detail and free text of a referral, and (unless told not to) each surname on its own. */
export function personalDataOf(referral: ReferralInput, opts: { surnames?: boolean } = {}): string[] {
  const people = [referral.victim, referral.perpetrator, ...(referral.children ?? []), ...(referral.household ?? [])];
  const contacts = [referral.victim.contact, referral.perpetrator.contact].flatMap((c) => [c?.email, c?.phone, c?.address]);
  const values = [
    ...people.flatMap((p) => [p.name, opts.surnames === false ? undefined : p.name.split(' ').at(-1), 'dateOfBirth' in p ? p.dateOfBirth : undefined]),
    ...contacts,
    referral.incident.summary,
    referral.referrer.name,
    referral.referrer.contact,
  ];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 4))];
}

/** Which of `secrets` appear in `haystack`, case-insensitively. */
export const leaked = (haystack: string, secrets: readonly string[]): string[] =>
  secrets.filter((s) => haystack.toLowerCase().includes(s.toLowerCase()));

/** A protobuf message as text: its encoded bytes read as UTF-8 and as Latin-1, where any payload stored in clear would show. */
export function rawText(bytes: Uint8Array): string {
  return `${Buffer.from(bytes).toString('utf8')}\n${Buffer.from(bytes).toString('latin1')}`;
}

/** A message's fields walked, with bytes read as text (JSON.stringify would show them as base64 or numbers). */
export function fieldsText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        walk(x);
      }
    }
    else if (v !== undefined && v !== null) out.push(String(v));
  };
  walk(value);
  return out.join('\n');
}

const service = proto.temporal.api.workflowservice.v1;

/**
 * What the server holds for a namespace, read with the raw gRPC service (no data converter, no codec):
 * the list of executions (with search attributes and memos), each execution's description (pending
 * activities' last failures) and its whole history, as protobuf bytes and as walked fields.
 */
export async function rawNamespaceText(client: Client, namespace: string): Promise<{ text: string; workflowIds: string[]; histories: Map<string, proto.temporal.api.history.v1.IHistoryEvent[]> }> {
  const ws = client.workflowService;
  const parts: string[] = [];
  const histories = new Map<string, proto.temporal.api.history.v1.IHistoryEvent[]>();
  const listed = await ws.listWorkflowExecutions({ namespace, pageSize: 1000 });
  parts.push(rawText(service.ListWorkflowExecutionsResponse.encode(listed).finish()), fieldsText(listed));
  for (const info of listed.executions) {
    const execution = { workflowId: info.execution!.workflowId!, runId: info.execution!.runId! };
    const described = await ws.describeWorkflowExecution({ namespace, execution });
    parts.push(rawText(service.DescribeWorkflowExecutionResponse.encode(described).finish()), fieldsText(described));
    const events: proto.temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await ws.getWorkflowExecutionHistory({ namespace, execution, ...(nextPageToken ? { nextPageToken } : {}) });
      parts.push(rawText(service.GetWorkflowExecutionHistoryResponse.encode(page).finish()), fieldsText(page));
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    histories.set(`${execution.workflowId}/${execution.runId}`, events);
  }
  return { text: parts.join('\n'), workflowIds: listed.executions.map((e) => e.execution!.workflowId!), histories };
}

/**
 * The encodings of every payload in a message, except search attributes (which Temporal indexes and
 * never passes through a codec): all of them should be binary/encrypted.
 */
/**
 * A `patched()` marker's details ({ id, deprecated }) are written by the SDK's core, not through the
 * data converter: they hold the patch's name only, in clear, by Temporal's design.
 */
export function isPatchMarker(key: string | undefined, v: unknown): boolean {
  return key === 'markerRecordedEventAttributes' && (v as { markerName?: string }).markerName === 'core_patch';
}

export function payloadEncodings(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (key === 'searchAttributes' || v instanceof Uint8Array || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x));
    if (isPatchMarker(key, v)) return;
    const metadata = (v as { metadata?: Record<string, Uint8Array> }).metadata;
    if (metadata && typeof metadata === 'object' && 'data' in v) {
      found.push(metadata.encoding ? Buffer.from(metadata.encoding).toString('utf8') : '(none)');
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value);
  return found;
}

/** The messages of every failure in a message (failures, their causes, last failures of pending activities). */
export function failureMessages(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (v instanceof Uint8Array || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x));
    if (key && /failure$|^cause$/i.test(key) && 'message' in v) found.push(String((v as { message?: unknown }).message ?? ''));
    for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(value);
  return found;
}
