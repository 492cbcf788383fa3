import type { LoadedDataConverter, Payload as TemporalPayload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { casePersonalFactsSchema, type CasePersonalFacts } from '../../domain/case-record';

const Payload = proto.temporal.api.common.v1.Payload;

/**
 * The personal part of a case record goes through the same data converter as the case's payloads in
 * Temporal: encoded, then encrypted by the codec under the case's data key (the serialization context
 * names the case's workflow, worker/codec/scopes.ts). Destroying the key destroys it here too.
 */
export async function sealPersonalFacts(converter: LoadedDataConverter, namespace: string, workflowId: string, facts: unknown): Promise<Buffer> {
  let payloads = [converter.payloadConverter.toPayload(facts)];
  for (const codec of converter.payloadCodecs) payloads = await codec.encode(payloads, { type: 'workflow', namespace, workflowId });
  return Buffer.from(Payload.encode(payloads[0]!).finish());
}

/** The personal facts, or null when they cannot be read (the case's data key was destroyed). */
export async function openPersonalFacts(converter: LoadedDataConverter, sealed: Uint8Array): Promise<CasePersonalFacts | null> {
  const value = await openSealed(converter, sealed);
  return value === null ? null : casePersonalFactsSchema.parse(value);
}

/** A sealed value, or null when its data key was destroyed. */
export async function openSealed(converter: LoadedDataConverter, sealed: Uint8Array): Promise<unknown> {
  let payloads: TemporalPayload[] = [Payload.decode(sealed)];
  try {
    for (const codec of [...converter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  } catch (err) {
    if ((err as Error).name === 'PersonalDataDestroyedError') return null;
    throw err;
  }
  return converter.payloadConverter.fromPayload(payloads[0]!);
}
