import { Connection } from '@temporalio/client';
// The option that gives a Connection the test server's TestService: the SDK's own TestWorkflowEnvironment
// sets it the same way (SDK 1.24, pinned); the CLI moves the clock of a sandbox another process started.
import { InternalConnectionOptionsSymbol, type InternalConnectionOptions } from '@temporalio/client/lib/connection';
import type { TimeSkippingService } from './clock';

/**
 * Keepalive for connections to the test server. grpc-java's server accepts a keepalive ping at most
 * every 5 minutes (its default permitKeepAliveTime) and answers more with GOAWAY; the client's
 * default of 30 s made grpc-js print "rejected by server because of excess pings" on stderr, past
 * the service's logger. On loopback a slower ping loses nothing.
 */
export const testServerChannelArgs = { 'grpc.keepalive_time_ms': 6 * 60_000 } as const;

/** A connection to a sandbox's test server with its TestService: the service's clock, and `hrda clock`'s. */
export async function connectTestService(address: string, connectTimeoutMs: number): Promise<{ service: TimeSkippingService; close(): Promise<void> }> {
  const options: InternalConnectionOptions = {
    address, connectTimeout: connectTimeoutMs, channelArgs: { ...testServerChannelArgs },
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  };
  const connection = await Connection.connect(options);
  return { service: connection.testService!, close: () => connection.close() };
}
