package io.aimsmonitor.demo;

import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled demo's replayed APIs, started on demand. A demo connector file does not name a port:
 * it names the replay it reads, {@code baseUrl: demo://mlflow}. When such an enabled instance is
 * loaded, {@link #wire} starts that replay on an ephemeral 127.0.0.1 port (once per name, shared by
 * every instance naming it) and returns the instance with the replay's real URL. A port chosen by
 * the operating system cannot be held by anyone else, so the demo never reads another program's
 * server, and two aims-monitor processes on one host each read their own replay.
 *
 * <p>A {@code demo://} name is valid only if it is a key of {@link #REPLAYS}: the connector loader
 * rejects any other (see {@link ConnectorConfigLoader#DEMO_SCHEME}), so {@code validate} reports a
 * misspelt one and a real deployment never starts a replay by accident.
 */
public final class DemoServers implements AutoCloseable {

  /**
   * Every replay a demo connector may name, by name. Adding one is one line: the name and the
   * {@code start(int port)} of a {@link DemoReplay} (0 means an ephemeral port).
   */
  static final Map<String, IntFunction<? extends DemoReplay>> REPLAYS = Map.of(
      "mlflow", DemoMlflowServer::start,
      "github", DemoGithubServer::start,
      "datahub", DemoDataHubServer::start);

  private static final Logger log = LoggerFactory.getLogger(DemoServers.class);

  private final Map<String, IntFunction<? extends DemoReplay>> replays;
  private final Map<String, DemoReplay> running = new LinkedHashMap<>();

  /** The bundled replays, none started yet. */
  public DemoServers() {
    this(REPLAYS);
  }

  DemoServers(Map<String, IntFunction<? extends DemoReplay>> replays) {
    this.replays = Map.copyOf(replays);
  }

  /** The names a connector may use as {@code baseUrl: demo://<name>}. */
  public static Set<String> names() {
    return new TreeSet<>(REPLAYS.keySet());
  }

  /**
   * {@code config} with its {@code demo://<name>} base URL replaced by the URL of that replay,
   * started now if it is not running yet. Any other instance, and a disabled one, is returned as is.
   *
   * @throws IllegalStateException when the name is unknown or the replay cannot start
   */
  public synchronized ConnectorConfig wire(ConnectorConfig config) {
    Optional<String> name = demoName(config.baseUrl());
    if (name.isEmpty() || !config.enabled()) {
      return config;
    }
    DemoReplay replay = running.get(name.get());
    if (replay == null) {
      IntFunction<? extends DemoReplay> start = replays.get(name.get());
      if (start == null) {
        throw new IllegalStateException(config.describe() + ": baseUrl: no demo server named '" + name.get()
            + "' (known: " + String.join(", ", new TreeSet<>(replays.keySet())) + ")");
      }
      try {
        replay = start.apply(0);
      } catch (RuntimeException e) {
        throw new IllegalStateException("demo server '" + name.get() + "' cannot start: " + e.getMessage(), e);
      }
      running.put(name.get(), replay);
      log.info("demo server {}://{} listening on {}", ConnectorConfigLoader.DEMO_SCHEME, name.get(), replay.baseUrl());
    }
    return config.withBaseUrl(replay.baseUrl());
  }

  /** The URL of a running replay, if it was started. */
  public synchronized Optional<URI> url(String name) {
    return Optional.ofNullable(running.get(name)).map(DemoReplay::baseUrl);
  }

  /** How many replays are running. */
  public synchronized int count() {
    return running.size();
  }

  /** The replay name of a {@code demo://<name>} URL. */
  public static Optional<String> demoName(URI baseUrl) {
    if (baseUrl == null || !ConnectorConfigLoader.DEMO_SCHEME.equalsIgnoreCase(baseUrl.getScheme())) {
      return Optional.empty();
    }
    return Optional.ofNullable(baseUrl.getHost());
  }

  @Override
  public synchronized void close() {
    running.values().forEach(DemoReplay::close);
    running.clear();
  }
}
