import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../../domain/config';
import { EncryptionCodec } from './encryption-codec';
import { LocalDataKeyStore, type DataKeyStore } from './data-keys';
import { KeyRing } from './key-ring';

/** The failure converter's module, for `dataConverter.failureConverterPath` and `bundleWorkflowCode`. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/** The project's .data/data-keys: the embedded default's data-key store. */
export const defaultDataKeyDir = fileURLToPath(new URL('../../.data/data-keys', import.meta.url));

/**
 * The one data converter of the worker, the client, `hrda simulate` and the tests: payloads encrypted
 * under their case's data key (or the key ring, for payloads that belong to no case), failures'
 * messages and stack traces encoded as payloads.
 */
export function createDataConverter(keyRing: KeyRing, dataKeys?: DataKeyStore): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyRing, dataKeys)], failureConverterPath };
}

type CodecConfig = Pick<Config, 'HRDA_ENCRYPTION_KEYS' | 'HRDA_ENCRYPTION_KEY_ID'> & Partial<Pick<Config, 'HRDA_DATA_KEY_DIR'>>;

const stores = new Map<string, DataKeyStore>();

/**
 * The data-key store the configuration names (HRDA_DATA_KEY_DIR, else the project's .data/data-keys),
 * one per process and folder: the worker's codec and its retention activity share it, so a key
 * destroyed by the one is gone for the other at once (other processes see it within the cache time).
 */
export function dataKeyStoreFor(config: CodecConfig, keyRing: KeyRing = KeyRing.fromConfig(config)): DataKeyStore {
  const dir = config.HRDA_DATA_KEY_DIR ?? defaultDataKeyDir;
  const id = `${dir}|${keyRing.active.id}|${keyRing.ids.join(',')}`;
  let store = stores.get(id);
  if (!store) stores.set(id, (store = new LocalDataKeyStore(dir, keyRing)));
  return store;
}

export const dataConverterFor = (config: CodecConfig): DataConverter => {
  const keyRing = KeyRing.fromConfig(config);
  return createDataConverter(keyRing, dataKeyStoreFor(config, keyRing));
};
