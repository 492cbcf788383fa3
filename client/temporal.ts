import { Client, Connection } from '@temporalio/client';
import type { Config } from '../domain/config';
import { dataConverterFor } from '../worker/codec';
import { connectionOptions } from '../worker/connection';

/** A Temporal client for the configured cluster, namespace and data converter. */
export async function connectClient(config: Config): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) });
}
