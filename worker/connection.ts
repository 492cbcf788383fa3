import { readFileSync } from 'node:fs';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { temporalAddress, type Config } from '../domain/config';

/**
 * Connection options shared by the worker and the client: address, mTLS and API key.
 * The shapes of NativeConnectionOptions and the client's ConnectionOptions agree on these fields.
 */
export function connectionOptions(config: Config): Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey'> {
  const read = (variable: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${variable}=${file} cannot be read: ${(err as Error).message}`);
    }
  };
  const mtls = config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
    ? { crt: read('TEMPORAL_TLS_CERT', config.TEMPORAL_TLS_CERT), key: read('TEMPORAL_TLS_KEY', config.TEMPORAL_TLS_KEY) }
    : undefined;
  const wantsTls = Boolean(mtls || config.TEMPORAL_API_KEY || config.TEMPORAL_TLS_CA || config.TEMPORAL_TLS_SERVER_NAME);
  return {
    address: temporalAddress(config),
    tls: wantsTls
      ? {
          ...(mtls ? { clientCertPair: mtls } : {}),
          ...(config.TEMPORAL_TLS_CA ? { serverRootCACertificate: read('TEMPORAL_TLS_CA', config.TEMPORAL_TLS_CA) } : {}),
          ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
        }
      : undefined,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}
