import { activeEncryptionKeyId, parseConfig, usesDevelopmentEncryptionKeys, usesEmbeddedServer, type Config } from '../../domain/config';

export interface EncryptionKey {
  id: string;
  /** 32 bytes: an AES-256 key. */
  key: Buffer;
}

/** A payload names a key the ring does not hold: it was written under a key since removed, or elsewhere. */
export class UnknownEncryptionKeyError extends Error {
  override name = 'UnknownEncryptionKeyError';
  constructor(readonly keyId: string, held: readonly string[]) {
    super(`A payload is encrypted under key "${keyId}", which is not in the key ring (it holds ${held.map((id) => `"${id}"`).join(', ')}). Add that key to HRDA_ENCRYPTION_KEYS to read it.`);
  }
}

/**
 * The payload keys: every key payloads may be encrypted under, and the active one new payloads use.
 * Rotation adds a key and makes it active; older keys stay in the ring for as long as any history
 * holds payloads written under them.
 */
export class KeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;
  readonly active: EncryptionKey;

  constructor(keys: readonly EncryptionKey[], activeId: string = keys[keys.length - 1]?.id ?? '') {
    if (keys.length === 0) throw new Error('A key ring needs at least one key (HRDA_ENCRYPTION_KEYS).');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`Key "${id}" is ${key.length} bytes; AES-256 needs 32 (HRDA_ENCRYPTION_KEYS).`);
      if (byId.has(id)) throw new Error(`Key id "${id}" appears more than once in the key ring (HRDA_ENCRYPTION_KEYS).`);
      byId.set(id, key);
    }
    const active = byId.get(activeId);
    if (!active) throw new Error(`The active key "${activeId}" is not in the key ring (HRDA_ENCRYPTION_KEY_ID).`);
    this.byId = byId;
    this.active = { id: activeId, key: active };
  }

  /** The ring the configuration describes (HRDA_ENCRYPTION_KEYS, HRDA_ENCRYPTION_KEY_ID). */
  static fromConfig(config: Pick<Config, 'HRDA_ENCRYPTION_KEYS' | 'HRDA_ENCRYPTION_KEY_ID'>): KeyRing {
    const keys = config.HRDA_ENCRYPTION_KEYS.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') }));
    return new KeyRing(keys, activeEncryptionKeyId(config));
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  /** The key a payload names; an unknown id is an error naming that id and nothing else. */
  key(id: string): Buffer {
    const key = this.byId.get(id);
    if (!key) throw new UnknownEncryptionKeyError(id, this.ids);
    return key;
  }
}

/** The published development ring (the embedded default): for simulations and development only. */
export const developmentKeyRing = (): KeyRing => KeyRing.fromConfig(parseConfig({}));

/** What to tell the operator when a real cluster would receive payloads under the published development key. */
export function developmentKeyWarning(config: Config): string | undefined {
  if (!usesDevelopmentEncryptionKeys(config) || usesEmbeddedServer(config)) return undefined;
  return [
    '*'.repeat(100),
    `WARNING: HRDA_ENCRYPTION_KEYS is not set (or holds the development key) and TEMPORAL_ADDRESS names a cluster (${config.TEMPORAL_ADDRESS}).`,
    'Payloads written to it are encrypted under the PUBLISHED development key: anyone with this source code can read them.',
    'Set HRDA_ENCRYPTION_KEYS to keys of your own (docs/data-protection.md) before any real referral is submitted.',
    '*'.repeat(100),
  ].join('\n');
}
