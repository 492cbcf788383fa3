import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.time.Instant;

/**
 * The Temporal Java test server's own main (io.temporal.testserver.TestServer), plus a start time:
 * HRDA_TEST_SERVER_START_TIME (an ISO instant) sets the server's clock at start, so a scenario dated
 * in the past (a worked example of the protocol, a test written last year) still runs on its own
 * dates. Time only moves forward from there, as on the stock server.
 *
 * Usage, as the TypeScript SDK calls it: HrdaTestServer <port> [--enable-time-skipping]
 */
public final class HrdaTestServer {
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !"--enable-time-skipping".equalsIgnoreCase(args[1]))) {
      System.err.println("Usage: HrdaTestServer <port> [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean enableTimeSkipping = args.length == 2;
    String start = System.getenv("HRDA_TEST_SERVER_START_TIME");
    // 0 is the stock server's "now".
    long initialTimeMillis = start == null || start.isEmpty() ? 0L : Instant.parse(start).toEpochMilli();

    TestServicesStarter services = new TestServicesStarter(!enableTimeSkipping, initialTimeMillis);
    ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build();
    // The hook goes in before the port opens: a client may send SIGTERM the moment it can connect,
    // and a hook added during shutdown throws instead of running.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    server.start();
    server.awaitTermination();
  }
}
