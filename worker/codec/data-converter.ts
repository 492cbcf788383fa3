import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../../domain/config';
import type { Database } from '../../store/database';
import { EncryptionCodec } from './encryption-codec';
import { PostgresDataKeyStore, type DataKeyStore } from './data-keys';
import { KeyRing } from './key-ring';

/** The failure converter's module, for `dataConverter.failureConverterPath` and `bundleWorkflowCode`. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/**
 * The one data converter of the worker, the client, `hrda simulate` and the tests: payloads encrypted
 * under their case's data key (or the key ring, for payloads that belong to no case), failures'
 * messages and stack traces encoded as payloads.
 */
export function createDataConverter(keyRing: KeyRing, dataKeys?: DataKeyStore): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyRing, dataKeys)], failureConverterPath };
}

type CodecConfig = Pick<Config, 'HRDA_ENCRYPTION_KEYS' | 'HRDA_ENCRYPTION_KEY_ID'>;

const stores = new WeakMap<Database, Map<string, DataKeyStore>>();

/**
 * The data-key store in the service's store (PostgreSQL), one per process, pool and key ring: the
 * worker's codec and its retention activity share it, so a key destroyed by the one is gone for the
 * other at once (other processes see it within the cache time).
 */
export function dataKeyStoreFor(db: Database, config: CodecConfig, keyRing: KeyRing = KeyRing.fromConfig(config)): DataKeyStore {
  const id = `${keyRing.active.id}|${keyRing.ids.join(',')}`;
  let byRing = stores.get(db);
  if (!byRing) stores.set(db, (byRing = new Map()));
  let store = byRing.get(id);
  if (!store) byRing.set(id, (store = new PostgresDataKeyStore(db, keyRing)));
  return store;
}

export const dataConverterFor = (config: CodecConfig, db: Database): DataConverter => {
  const keyRing = KeyRing.fromConfig(config);
  return createDataConverter(keyRing, dataKeyStoreFor(db, config, keyRing));
};
