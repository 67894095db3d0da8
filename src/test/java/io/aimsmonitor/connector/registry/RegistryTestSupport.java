package io.aimsmonitor.connector.registry;

import io.aimsmonitor.connector.CollectContext;
import io.aimsmonitor.connector.CollectContext.Cancellation;
import io.aimsmonitor.connector.CollectContext.Progress;
import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.Connector;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfigLoader;
import io.aimsmonitor.connector.ConnectorTypes;
import io.aimsmonitor.connector.http.HttpClientFactory;
import io.aimsmonitor.connector.http.Secrets;
import io.aimsmonitor.fact.Fact;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds configurations and runs connectors against a local fake server, for the registry connector tests. */
public final class RegistryTestSupport {

  public static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private RegistryTestSupport() {}

  /** Two retries and a request timeout generous enough for a cold JVM's first request. */
  public static HttpSettings fastHttp() {
    return new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(1), 2, 2, 50, null, null);
  }

  /** {@code config} with a 300 ms request timeout and one retry, for tests of slow servers. */
  public static ConnectorConfig withShortTimeout(ConnectorConfig config) {
    HttpSettings h = config.http();
    return new ConnectorConfig(config.id(), config.type(), config.baseUrl(), config.auth(), config.schedule(),
        config.expectedInterval(), config.fullRefreshEvery(), config.enabled(),
        new HttpSettings(h.connectTimeout(), Duration.ofMillis(300), h.runTimeout(), 1, h.maxInFlight(), h.maxPages(),
            null, null),
        config.options(), config.file());
  }

  public static ConnectorConfig config(String id, String type, String baseUrl, AuthConfig auth,
      Map<String, Object> options) {
    return new ConnectorConfig(id, type, baseUrl == null ? null : URI.create(baseUrl), auth, "0 0 * * * ?",
        Duration.ofHours(1), Duration.ofDays(1), true, fastHttp(), options, Path.of("connectors/" + id + ".yaml"));
  }

  public static AuthConfig bearer(String env) {
    return new AuthConfig("bearer", new ConnectorConfig.SecretRef(env, null), null, null, null);
  }

  /** What one run produced. */
  public record Run(List<Fact> facts, List<Duration> rateLimitWaits, int pages) {}

  /** Runs {@code connector} once with {@code env} as the environment secrets are read from. */
  public static Run run(ConnectorConfig config, Connector connector, Map<String, String> env) throws Exception {
    List<Fact> facts = new ArrayList<>();
    List<Duration> waits = new ArrayList<>();
    int[] pages = {0};
    Progress progress = new Progress() {
      @Override public void page(String what) {
        pages[0]++;
      }

      @Override public void items(int count) {}

      @Override public void rateLimitWait(Duration wait) {
        waits.add(wait);
      }
    };
    HttpClientFactory http = new HttpClientFactory(config, new Secrets(env), progress, Cancellation.NEVER, CLOCK);
    connector.collect(new CollectContext(config, http, facts::add, Cancellation.NEVER, progress, List.of(), true, CLOCK));
    return new Run(List.copyOf(facts), List.copyOf(waits), pages[0]);
  }

  /** A test resource as text. */
  public static String resource(String path) {
    try (InputStream in = RegistryTestSupport.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code yaml} as {@code connectors/<name>} under {@code dir} and loads it the way the product does. */
  public static ConnectorConfig load(Path dir, String name, String yaml) throws ConfigException, IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return new ConnectorConfigLoader(ConnectorTypes.discover()).loadFile(file);
  }
}
