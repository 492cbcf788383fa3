import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { SerializationContext } from '@temporalio/common';
import { isScope, maxGeneration, PersonalDataDestroyedError, type DataKeyStore } from './data-keys';
import type { KeyRing } from './key-ring';
import { DataKeyScopes } from './scopes';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** A payload under a ring key names that key here. */
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';
/** A payload under a per-case (or per-subject) data key names its scope and generation here: `case:<id>#<n>`. */
export const METADATA_DATA_KEY = 'encryption-data-key';

const ivBytes = 12;
const tagBytes = 16;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** An encrypted payload that cannot be read: altered, truncated, or not what its metadata says. */
export class PayloadDecryptionError extends ValueError {
  override name = 'PayloadDecryptionError';
}

/**
 * AES-256-GCM over each whole payload (its metadata and data, as protobuf), with a random 12-byte IV
 * per payload. The result's data is IV ‖ ciphertext ‖ tag, its metadata says `binary/encrypted` and
 * names the key; the key id is also authenticated data, so it cannot be swapped unnoticed.
 * Payloads that are not `binary/encrypted` are passed through on decode (histories written before
 * encryption was turned on); nothing is ever encoded in clear.
 *
 * With a data-key store, a payload that belongs to a case (its own workflow, its disputes, the
 * activities they run) is encrypted under that case's data key instead, and a subject workflow's
 * under the subject's: the SDK tells the codec whose payload it is (its serialization context).
 * Destroying the data key at the end of retention then destroys that case's personal data
 * everywhere (worker/codec/data-keys.ts).
 */
export interface EncryptionCodecOptions {
  /**
   * What decode does with a payload that is not encrypted. `pass` (clients, the codec server, the
   * audit: histories written before encryption) hands it on as it is. `refuse` (the worker) puts
   * {@link refusedPayload} in its place and calls `onRefused`: anyone who can reach the Temporal
   * frontend could otherwise start a case or send an update with an actor of their choosing,
   * while a payload under the key ring can only come from a holder of the key. The placeholder
   * fails every schema the workflows parse their input with, so an update carrying it is refused
   * by its validator and never enters the history.
   */
  unencrypted?: 'pass' | 'refuse';
  onRefused?: (payload: { encoding: string | undefined; bytes: number }) => void;
}

/** What the worker decodes in place of a payload that was not encrypted. */
export const refusedPayload = { refused: 'a payload that is not encrypted under the key ring' } as const;
const refusedPayloadEncoded: Payload = {
  metadata: { [METADATA_ENCODING_KEY]: utf8('json/plain') },
  data: utf8(JSON.stringify(refusedPayload)),
};

export class EncryptionCodec implements PayloadCodec {
  private readonly scopes: DataKeyScopes | undefined;

  constructor(
    private readonly keyRing: KeyRing,
    private readonly dataKeys?: DataKeyStore,
    private readonly options: EncryptionCodecOptions = {},
  ) {
    this.scopes = dataKeys ? new DataKeyScopes(dataKeys) : undefined;
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const scope = this.scopes && payloads.length ? await this.scopes.of(context) : undefined;
    // A subject referred again after retention gets a new key; a case whose key was destroyed writes
    // nothing personal again (at most the error a query for it gets), so that goes under the ring.
    const dataKey = scope && this.dataKeys ? await this.dataKeys.current(scope, { renew: scope.startsWith('subject:') }) : undefined;
    if (dataKey?.state === 'live') {
      const label = `${dataKey.scope}#${dataKey.generation}`;
      return payloads.map((payload) => ({
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_DATA_KEY]: utf8(label) },
        data: seal(dataKey.key, label, payload),
      }));
    }
    const { id, key } = this.keyRing.active;
    return payloads.map((payload) => ({
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_ENCRYPTION_KEY_ID]: utf8(id) },
      data: seal(key, id, payload),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  /** Whether a payload is one this codec encrypted (whatever the key). */
  static isEncrypted(payload: Payload): boolean {
    return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
  }

  /**
   * The data-key scope and generation a payload is under, if it is under one (`case:<id>`, 3). A
   * label this service could not have written (another scope's shape, a generation out of the
   * store's range) is none: such a payload is refused as undecryptable, never looked up.
   */
  static dataKeyOf(payload: Payload): { scope: string; generation: number } | undefined {
    const label = text(payload.metadata?.[METADATA_DATA_KEY]);
    const match = label ? /^(.+)#([1-9]\d{0,9})$/.exec(label) : null;
    if (!match || !isScope(match[1]!) || Number(match[2]) > maxGeneration) return undefined;
    return { scope: match[1]!, generation: Number(match[2]) };
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    if (!EncryptionCodec.isEncrypted(payload)) {
      if (this.options.unencrypted !== 'refuse') return payload;
      // Named by its encoding and size only: what it holds is whatever an attacker chose to send.
      this.options.onRefused?.({ encoding: text(payload.metadata?.[METADATA_ENCODING_KEY]), bytes: payload.data?.length ?? 0 });
      return refusedPayloadEncoded;
    }
    const dataKey = EncryptionCodec.dataKeyOf(payload);
    if (!dataKey && payload.metadata?.[METADATA_DATA_KEY]) {
      throw new PayloadDecryptionError('A payload names a data key this service does not write (a case or subject scope and a generation from 1): it cannot be decrypted.');
    }
    if (dataKey) {
      if (!this.dataKeys) throw new PayloadDecryptionError(`A payload is encrypted under the data key of ${dataKey.scope}, and this process has no data-key store (the service's PostgreSQL store).`);
      const found = await this.dataKeys.get(dataKey.scope, dataKey.generation);
      if (found.state === 'destroyed') throw new PersonalDataDestroyedError(found.scope, found.destroyedAt);
      return open(found.key, `${dataKey.scope}#${dataKey.generation}`, payload);
    }
    const keyId = text(payload.metadata?.[METADATA_ENCRYPTION_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(`An encrypted payload carries no ${METADATA_ENCRYPTION_KEY_ID}: it cannot be decrypted.`);
    return open(this.keyRing.key(keyId), keyId, payload);
  }
}

/** AES-256-GCM over the whole payload as protobuf; `label` (the key's name) is authenticated data. */
function seal(key: Buffer, label: string, payload: Payload): Buffer {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(utf8(label));
  const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, label: string, payload: Payload): Payload {
  const data = Buffer.from(payload.data ?? new Uint8Array());
  if (data.length < ivBytes + tagBytes) throw new PayloadDecryptionError(`A payload encrypted under key "${label}" is truncated (${data.length} bytes).`);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes), { authTagLength: tagBytes });
  decipher.setAAD(utf8(label));
  decipher.setAuthTag(data.subarray(data.length - tagBytes));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
  } catch {
    throw new PayloadDecryptionError(`A payload encrypted under key "${label}" failed authentication: it was altered or corrupted, or the key with that id is not the one it was written with.`);
  }
  return proto.temporal.api.common.v1.Payload.decode(plain);
}
