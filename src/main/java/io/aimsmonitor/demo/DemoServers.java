package io.aimsmonitor.demo;

import io.aimsmonitor.connector.ConnectorConfig;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the bundled demo registries and the demo catalog that enabled connector instances point at, so that the demo
 * runs through the real connectors with nothing else to install. Only an {@code mlflow} instance
 * whose {@code baseUrl} is exactly {@value #DEMO_MLFLOW} starts one: a real deployment never does.
 */
public final class DemoServers implements AutoCloseable {

  public static final String DEMO_MLFLOW = "http://127.0.0.1:5099";
  /** The demo company's data catalog, a replayed DataHub ({@link DemoDataHubServer}). */
  public static final String DEMO_DATAHUB = "http://127.0.0.1:5097";

  private static final Logger log = LoggerFactory.getLogger(DemoServers.class);

  private final List<AutoCloseable> running;

  private DemoServers(List<AutoCloseable> running) {
    this.running = running;
  }

  public static DemoServers startFor(List<ConnectorConfig> enabled) {
    List<AutoCloseable> running = new ArrayList<>();
    URI demo = URI.create(DEMO_MLFLOW);
    boolean wanted = enabled.stream().anyMatch(c -> "mlflow".equals(c.type()) && demo.equals(c.baseUrl()));
    if (wanted) {
      try {
        running.add(DemoMlflowServer.start(demo.getPort()));
        log.info("demo MLflow registry of Acme Analytics listening on {}", DEMO_MLFLOW);
      } catch (UncheckedIOException e) {
        // Another aims-monitor on this host already serves it; the connector will read that one
        // or fail visibly, like any unreachable registry.
        log.warn("demo MLflow registry not started: {}", e.getMessage());
      }
    }
    URI datahub = URI.create(DEMO_DATAHUB);
    if (enabled.stream().anyMatch(c -> "datahub".equals(c.type()) && datahub.equals(c.baseUrl()))) {
      try {
        running.add(DemoDataHubServer.start(datahub.getPort()));
        log.info("demo DataHub catalog of Acme Analytics listening on {}", DEMO_DATAHUB);
      } catch (UncheckedIOException e) {
        log.warn("demo DataHub catalog not started: {}", e.getMessage());
      }
    }
    return new DemoServers(running);
  }

  public int count() {
    return running.size();
  }

  @Override
  public void close() {
    for (AutoCloseable server : running) {
      try {
        server.close();
      } catch (Exception e) {
        log.debug("closing a demo server: {}", e.getMessage());
      }
    }
  }
}
