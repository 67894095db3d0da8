package io.aimsmonitor.connector;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One connector instance, as written in {@code connectors/<id>.yaml} and validated by
 * {@link ConnectorConfigLoader}.
 *
 * @param id unique instance id; becomes {@code source} on every fact and the {@code connector} metric label
 * @param type the {@link ConnectorType#name()}
 * @param baseUrl root URL of the source API; null for types that read no HTTP API
 * @param schedule Quartz cron expression (seconds first), e.g. {@code 0 0 * * * ?} for hourly
 * @param expectedInterval the time between two scheduled runs; a source not collected successfully
 *     within twice this interval is stale
 * @param fullRefreshEvery for incremental connectors: how often to fetch everything regardless
 * @param options type-specific options, checked by the type
 * @param file the file the instance was read from, for error messages and relative paths
 */
public record ConnectorConfig(
    String id,
    String type,
    URI baseUrl,
    AuthConfig auth,
    String schedule,
    Duration expectedInterval,
    Duration fullRefreshEvery,
    boolean enabled,
    HttpSettings http,
    Map<String, Object> options,
    Path file) {

  public ConnectorConfig {
    options = options == null ? Map.of() : Map.copyOf(options);
    auth = auth == null ? AuthConfig.NONE : auth;
    http = http == null ? HttpSettings.DEFAULTS : http;
  }

  /** Where a secret comes from: an environment variable or a mounted file, never the YAML itself. */
  public record SecretRef(String env, Path file) {
    @Override
    public String toString() {
      return env != null ? "env:" + env : "file:" + file;
    }
  }

  /**
   * How to authenticate. {@code type} is {@code none}, {@code bearer}, {@code basic} or
   * {@code header} (a custom header such as GitLab's {@code PRIVATE-TOKEN}); {@code aws} types
   * use the AWS default credential chain.
   */
  public record AuthConfig(String type, SecretRef token, String username, SecretRef password, String header) {
    public static final AuthConfig NONE = new AuthConfig("none", null, null, null, null);
  }

  /**
   * HTTP behaviour shared by all HTTP connectors.
   *
   * @param maxInFlight the most requests this instance has open at once
   * @param maxPages safety net: a run fails when one listing exceeds this many pages
   * @param caBundle PEM file of extra trusted CAs, or null
   * @param proxy HTTP proxy URL, or null
   */
  public record HttpSettings(
      Duration connectTimeout,
      Duration requestTimeout,
      Duration runTimeout,
      int maxRetries,
      int maxInFlight,
      int maxPages,
      Path caBundle,
      URI proxy) {
    public static final HttpSettings DEFAULTS = new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(30), 4, 4, 10_000, null, null);
  }

  /** The same instance reading another base URL (a demo replay's real address, see {@code demo.DemoServers}). */
  public ConnectorConfig withBaseUrl(URI url) {
    return new ConnectorConfig(id, type, url, auth, schedule, expectedInterval, fullRefreshEvery, enabled, http, options,
        file);
  }

  /** A string option, or {@code fallback} when absent. */
  public String option(String key, String fallback) {
    Object value = options.get(key);
    return value == null ? fallback : value.toString();
  }

  /** Where to name this instance in messages. */
  public String describe() {
    return "connector '" + id + "' (" + type + ", " + (file == null ? "built-in" : file) + ")";
  }
}
