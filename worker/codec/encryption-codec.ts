import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { KeyRing } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';

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
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyRing: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keyRing.active;
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
      cipher.setAAD(utf8(id));
      const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_ENCRYPTION_KEY_ID]: utf8(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decodeOne(payload));
  }

  /** Whether a payload is one this codec encrypted (whatever the key). */
  static isEncrypted(payload: Payload): boolean {
    return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
  }

  private decodeOne(payload: Payload): Payload {
    if (!EncryptionCodec.isEncrypted(payload)) return payload;
    const keyId = text(payload.metadata?.[METADATA_ENCRYPTION_KEY_ID]);
    if (!keyId) throw new PayloadDecryptionError(`An encrypted payload carries no ${METADATA_ENCRYPTION_KEY_ID}: it cannot be decrypted.`);
    const key = this.keyRing.key(keyId);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < ivBytes + tagBytes) throw new PayloadDecryptionError(`A payload encrypted under key "${keyId}" is truncated (${data.length} bytes).`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes), { authTagLength: tagBytes });
    decipher.setAAD(utf8(keyId));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`A payload encrypted under key "${keyId}" failed authentication: it was altered or corrupted, or the key with that id is not the one it was written with.`);
    }
    return proto.temporal.api.common.v1.Payload.decode(plain);
  }
}
