import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../../domain/config';
import { EncryptionCodec } from './encryption-codec';
import { KeyRing } from './key-ring';

/** The failure converter's module, for `dataConverter.failureConverterPath` and `bundleWorkflowCode`. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.ts', import.meta.url));

/**
 * The one data converter of the worker, the client, `hrda simulate` and the tests: payloads encrypted
 * under the key ring, failures' messages and stack traces encoded as payloads.
 */
export function createDataConverter(keyRing: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyRing)], failureConverterPath };
}

export const dataConverterFor = (config: Pick<Config, 'HRDA_ENCRYPTION_KEYS' | 'HRDA_ENCRYPTION_KEY_ID'>): DataConverter =>
  createDataConverter(KeyRing.fromConfig(config));
