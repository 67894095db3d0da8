package io.aimsmonitor.demo;

import io.aimsmonitor.connector.ConnectorConfig;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the bundled demo servers that enabled connector instances point at, so that the demo
 * runs through the real connectors with nothing else to install. Only an {@code mlflow} instance
 * whose {@code baseUrl} is exactly {@value #DEMO_MLFLOW}, or a {@code github-actions} instance
 * whose {@code baseUrl} is exactly {@value #DEMO_GITHUB}, starts one: a real deployment never does.
 */
public final class DemoServers implements AutoCloseable {

  public static final String DEMO_MLFLOW = "http://127.0.0.1:5099";
  public static final String DEMO_GITHUB = "http://127.0.0.1:5098";

  private static final Logger log = LoggerFactory.getLogger(DemoServers.class);

  private final List<AutoCloseable> running;

  private DemoServers(List<AutoCloseable> running) {
    this.running = running;
  }

  public static DemoServers startFor(List<ConnectorConfig> enabled) {
    List<AutoCloseable> running = new ArrayList<>();
    if (wanted(enabled, "mlflow", DEMO_MLFLOW)) {
      try {
        running.add(DemoMlflowServer.start(URI.create(DEMO_MLFLOW).getPort()));
        log.info("demo MLflow registry of Acme Analytics listening on {}", DEMO_MLFLOW);
      } catch (UncheckedIOException e) {
        // Another aims-monitor on this host already serves it; the connector will read that one
        // or fail visibly, like any unreachable registry.
        log.warn("demo MLflow registry not started: {}", e.getMessage());
      }
    }
    if (wanted(enabled, "github-actions", DEMO_GITHUB)) {
      try {
        running.add(DemoGithubServer.start(URI.create(DEMO_GITHUB).getPort()));
        log.info("demo GitHub Actions API of Acme Analytics listening on {}", DEMO_GITHUB);
      } catch (UncheckedIOException e) {
        log.warn("demo GitHub Actions API not started: {}", e.getMessage());
      }
    }
    return new DemoServers(running);
  }

  private static boolean wanted(List<ConnectorConfig> enabled, String type, String url) {
    URI demo = URI.create(url);
    return enabled.stream().anyMatch(c -> type.equals(c.type()) && demo.equals(c.baseUrl()));
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
        log.debug("closing a demo server", e);
      }
    }
  }
}
