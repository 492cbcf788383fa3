import { Client, Connection } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { Config } from '../domain/config';
import type { Database } from '../store/database';
import { dataConverterFor } from '../worker/codec';
import { connectionOptions } from '../worker/connection';
import type { ClientInterceptors } from '@temporalio/client';

/** A Temporal client for the configured cluster, namespace and data converter (its data keys in the store `db`). */
export async function connectClient(config: Config, db: Database, opts: { connectTimeout?: Duration; channelArgs?: Record<string, number>; interceptors?: ClientInterceptors } = {}): Promise<Client> {
  const connection = await Connection.connect({
    ...connectionOptions(config),
    ...(opts.connectTimeout !== undefined ? { connectTimeout: opts.connectTimeout } : {}),
    ...(opts.channelArgs ? { channelArgs: opts.channelArgs } : {}),
  });
  return new Client({
    connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config, db),
    // With tracing on, the active trace's context into the headers of each start and update (client/tracing).
    ...(opts.interceptors ? { interceptors: opts.interceptors } : {}),
  });
}
