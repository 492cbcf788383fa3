import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type FailureConverter, type Payload } from '@temporalio/common';
import { developmentEncryptionKeys, parseConfig, usesDevelopmentEncryptionKeys } from '../../domain/config';
import {
  developmentKeyWarning, EncryptionCodec, failureConverterPath, KeyRing, METADATA_ENCRYPTION_KEY_ID, PayloadDecryptionError, UnknownEncryptionKeyError,
} from '../../worker/codec';
import { exampleReferral } from '../support/referrals';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const referral = exampleReferral();
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const latin1 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('latin1');
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

describe('the payload codec', () => {
  it('round-trips a payload, and what it stores shows no personal data', async () => {
    const codec = new EncryptionCodec(new KeyRing([{ id: 'a', key: keyA }]));
    const [encoded] = await codec.encode([toPayload(referral)]);
    expect(text(encoded!.metadata![METADATA_ENCODING_KEY])).toBe('binary/encrypted');
    expect(text(encoded!.metadata![METADATA_ENCRYPTION_KEY_ID])).toBe('a');
    for (const secret of [referral.victim.name, referral.victim.dateOfBirth, referral.incident.summary, 'json/plain']) {
      expect(latin1(encoded!.data)).not.toContain(secret);
    }
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(referral);
  });

  it('uses a fresh IV for every payload: the same value never encrypts the same way twice', async () => {
    const codec = new EncryptionCodec(new KeyRing([{ id: 'a', key: keyA }]));
    const [one, two] = await codec.encode([toPayload('same'), toPayload('same')]);
    expect(Buffer.from(one!.data!).equals(Buffer.from(two!.data!))).toBe(false);
    expect(Buffer.from(one!.data!).subarray(0, 12).equals(Buffer.from(two!.data!).subarray(0, 12))).toBe(false);
  });

  it('rotates: new payloads use the active key, payloads under older keys still decode', async () => {
    const before = new EncryptionCodec(new KeyRing([{ id: 'a', key: keyA }]));
    const [underA] = await before.encode([toPayload(referral)]);

    const rotated = new EncryptionCodec(new KeyRing([{ id: 'a', key: keyA }, { id: 'b', key: keyB }]));
    const [underB] = await rotated.encode([toPayload(referral)]);
    expect(text(underB!.metadata![METADATA_ENCRYPTION_KEY_ID])).toBe('b');
    const decoded = await rotated.decode([underA!, underB!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([referral, referral]);

    // An explicit active key wins over "newest last".
    const pinned = new EncryptionCodec(new KeyRing([{ id: 'a', key: keyA }, { id: 'b', key: keyB }], 'a'));
    const [underPinned] = await pinned.encode([toPayload(1)]);
    expect(text(underPinned!.metadata![METADATA_ENCRYPTION_KEY_ID])).toBe('a');
  });

  it('detects tampering with the ciphertext, the tag, or the key id (GCM authentication)', async () => {
    const ring = new KeyRing([{ id: 'a', key: keyA }, { id: 'b', key: keyB }], 'a');
    const codec = new EncryptionCodec(ring);
    const [encoded] = await codec.encode([toPayload(referral)]);
    const flipped = (at: number): Payload => {
      const data = Buffer.from(encoded!.data!);
      data[at] = data[at]! ^ 0x01;
      return { ...encoded!, data };
    };
    const length = encoded!.data!.length;
    for (const altered of [flipped(20), flipped(length - 1), flipped(3)]) {
      await expect(codec.decode([altered])).rejects.toThrow(PayloadDecryptionError);
    }
    const relabelled = { ...encoded!, metadata: { ...encoded!.metadata, [METADATA_ENCRYPTION_KEY_ID]: Buffer.from('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/key "b" failed authentication/);
    await expect(codec.decode([{ ...encoded!, data: Buffer.from(encoded!.data!).subarray(0, 20) }])).rejects.toThrow(/truncated/);
  });

  it('refuses a payload under a key it does not hold, naming the key id and nothing of the data', async () => {
    const [underA] = await new EncryptionCodec(new KeyRing([{ id: 'retired-2019', key: keyA }])).encode([toPayload(referral)]);
    const codec = new EncryptionCodec(new KeyRing([{ id: 'current', key: keyB }]));
    const error = await codec.decode([underA!]).then(() => undefined, (err: Error) => err);
    expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
    expect(error!.message).toContain('"retired-2019"');
    expect(error!.message).toContain('HRDA_ENCRYPTION_KEYS');
    for (const secret of [referral.victim.name, referral.victim.dateOfBirth, keyA.toString('base64'), keyB.toString('base64')]) {
      expect(error!.message).not.toContain(secret);
    }
  });

  it('passes payloads that were never encrypted through on decode', async () => {
    const codec = new EncryptionCodec(new KeyRing([{ id: 'a', key: keyA }]));
    const plain = toPayload({ legacy: true });
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('the key ring configuration', () => {
  const k = (byte: number) => Buffer.alloc(32, byte).toString('base64');

  it('reads id:base64key pairs, newest last, or the key HRDA_ENCRYPTION_KEY_ID names', () => {
    expect(KeyRing.fromConfig(parseConfig({ HRDA_ENCRYPTION_KEYS: `old:${k(1)}, new:${k(2)}` })).active.id).toBe('new');
    const pinned = KeyRing.fromConfig(parseConfig({ HRDA_ENCRYPTION_KEYS: `old:${k(1)},new:${k(2)}`, HRDA_ENCRYPTION_KEY_ID: 'old' }));
    expect(pinned.active).toEqual({ id: 'old', key: Buffer.alloc(32, 1) });
    expect(pinned.ids).toEqual(['old', 'new']);
  });

  it('names the variable and the entry at fault, and never echoes key material', () => {
    const secret = 'c2VjcmV0LWtleS1tYXRlcmlhbA==';
    const cases: [Record<string, string>, RegExp][] = [
      [{ HRDA_ENCRYPTION_KEYS: secret }, /HRDA_ENCRYPTION_KEYS: entry 1 is not id:base64key/],
      [{ HRDA_ENCRYPTION_KEYS: `a:${k(1)},b:${secret}` }, /HRDA_ENCRYPTION_KEYS: entry 2 \(key id "b"\): the key must be 32 random bytes in base64/],
      [{ HRDA_ENCRYPTION_KEYS: `a:${k(1)},a:${k(2)}` }, /HRDA_ENCRYPTION_KEYS: key id "a" appears more than once/],
      [{ HRDA_ENCRYPTION_KEYS: `bad id:${k(1)}` }, /HRDA_ENCRYPTION_KEYS: entry 1: a key id is/],
      [{ HRDA_ENCRYPTION_KEYS: `a:${k(1)}`, HRDA_ENCRYPTION_KEY_ID: 'b' }, /HRDA_ENCRYPTION_KEY_ID: names no key in HRDA_ENCRYPTION_KEYS \(its key ids: a\)/],
      [{ HRDA_UI_ORIGIN: 'http://127.0.0.1:8233/' }, /HRDA_UI_ORIGIN: "http:\/\/127.0.0.1:8233\/" is not an origin/],
    ];
    for (const [env, message] of cases) {
      const error = (() => {
        try {
          parseConfig(env);
        } catch (err) {
          return err as Error;
        }
        throw new Error(`accepted ${Object.keys(env).join(', ')}`);
      })();
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain(k(1));
    }
  });

  it('defaults to the published development ring, and warns loudly when a real cluster would get it', () => {
    const embedded = parseConfig({});
    expect(usesDevelopmentEncryptionKeys(embedded)).toBe(true);
    expect(KeyRing.fromConfig(embedded).active.id).toBe(developmentEncryptionKeys.split(':')[0]);
    expect(developmentKeyWarning(embedded)).toBeUndefined();
    expect(developmentKeyWarning(parseConfig({ TEMPORAL_ADDRESS: 'temporal.example.org:7233' }))).toMatch(/WARNING: .*PUBLISHED development key/s);
    expect(developmentKeyWarning(parseConfig({ TEMPORAL_ADDRESS: 'temporal.example.org:7233', HRDA_ENCRYPTION_KEYS: `prod-1:${k(7)}` }))).toBeUndefined();
    // Still in the ring after a rotation away from it: old payloads stay readable to anyone.
    expect(developmentKeyWarning(parseConfig({ TEMPORAL_ADDRESS: 'temporal.example.org:7233', HRDA_ENCRYPTION_KEYS: `${developmentEncryptionKeys},prod-1:${k(7)}` }))).toBeDefined();
  });
});

describe('the failure converter', () => {
  it('loads by path without TypeScript, as the SDK requires it, and encodes messages and stack traces', () => {
    // The SDK require()s failureConverterPath from its CommonJS code: the same here.
    const { failureConverter } = createRequire(import.meta.url)(failureConverterPath) as { failureConverter: FailureConverter };
    const failure = failureConverter.errorToFailure(new Error(`search for ${referral.victim.name} failed`), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    // The message now rides in a payload, which the codec encrypts with every other payload.
    expect(failure.encodedAttributes?.data).toBeDefined();
    expect(failureConverter.failureToError(failure, defaultPayloadConverter).message).toBe(`search for ${referral.victim.name} failed`);
  });
});
