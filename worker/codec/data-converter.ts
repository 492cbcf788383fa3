import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../../domain/config';
import type { Database } from '../../store/database';
import { EncryptionCodec, type EncryptionCodecOptions } from './encryption-codec';
import { newDataKeyCache, PostgresDataKeyStore, type DataKeyCache, type DataKeyStore } from './data-keys';
import { KeyRing } from './key-ring';

/** The failure converter's module, for `dataConverter.failureConverterPath` and `bundleWorkflowCode`. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/**
 * The one data converter of the worker, the client, `hrda simulate` and the tests: payloads encrypted
 * under their case's data key (or the key ring, for payloads that belong to no case), failures'
 * messages and stack traces encoded as payloads.
 */
export function createDataConverter(keyRing: KeyRing, dataKeys?: DataKeyStore, options: EncryptionCodecOptions = {}): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyRing, dataKeys, options)], failureConverterPath };
}

type CodecConfig = Pick<Config, 'HRDA_ENCRYPTION_KEYS' | 'HRDA_ENCRYPTION_KEY_ID'>;

const stores = new WeakMap<Database, Map<string, DataKeyStore>>();
const caches = new WeakMap<Database, DataKeyCache>();

/**
 * The data-key store in the service's store (PostgreSQL), one per process, pool and key ring: the
 * worker's codec and its retention activity share it, so a key destroyed by the one is gone for the
 * other at once (other processes see it within the cache time).
 */
export function dataKeyStoreFor(db: Database, config: CodecConfig, keyRing: KeyRing = KeyRing.fromConfig(config), opts: { waitForStoreMs?: number } = {}): DataKeyStore {
  const id = `${keyRing.active.id}|${keyRing.ids.join(',')}|${opts.waitForStoreMs ?? 0}`;
  let byRing = stores.get(db);
  if (!byRing) stores.set(db, (byRing = new Map()));
  let store = byRing.get(id);
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = newDataKeyCache()));
  if (!store) byRing.set(id, (store = new PostgresDataKeyStore(db, keyRing, { ...opts, cache })));
  return store;
}

/**
 * How long the worker's data-key reads wait out a store outage (PostgresDataKeyStore's
 * `waitForStoreMs`): its codec and its retention activities share this store.
 */
export const workerStoreWaitMs = 5 * 60_000;

/** The worker's data-key store: the one its codec and its activities share, waiting out an outage. */
export const workerDataKeyStoreFor = (db: Database, config: CodecConfig): DataKeyStore =>
  dataKeyStoreFor(db, config, KeyRing.fromConfig(config), { waitForStoreMs: workerStoreWaitMs });

export const dataConverterFor = (config: CodecConfig, db: Database, options: EncryptionCodecOptions = {}): DataConverter => {
  const keyRing = KeyRing.fromConfig(config);
  return createDataConverter(keyRing, dataKeyStoreFor(db, config, keyRing), options);
};

/** The worker's: payloads that are not encrypted are refused (EncryptionCodecOptions.unencrypted), each refusal logged. */
export const workerDataConverterFor = (config: CodecConfig, db: Database, log: (message: string, fields: object) => void): DataConverter =>
  createDataConverter(KeyRing.fromConfig(config), workerDataKeyStoreFor(db, config), {
    unencrypted: 'refuse',
    onRefused: (payload) => log('Refused a payload that is not encrypted under the key ring (a start, signal or update from outside the service?)', payload),
  });
