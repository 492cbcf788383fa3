import { Connection } from '@temporalio/client';
// The option that gives a Connection the test server's TestService: the SDK's own TestWorkflowEnvironment
// sets it the same way (SDK 1.24, pinned). The CLI needs it to move the clock of a sandbox it did not start.
import { InternalConnectionOptionsSymbol, type InternalConnectionOptions } from '@temporalio/client/lib/connection';
import type { TimeSkippingService } from './clock';

/** A connection to a running sandbox's test server with its TestService, for `hrda clock`. */
export async function connectTestService(address: string, connectTimeoutMs: number): Promise<{ service: TimeSkippingService; close(): Promise<void> }> {
  const options: InternalConnectionOptions = { address, connectTimeout: connectTimeoutMs, [InternalConnectionOptionsSymbol]: { supportsTestService: true } };
  const connection = await Connection.connect(options);
  return { service: connection.testService!, close: () => connection.close() };
}
