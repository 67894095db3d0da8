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
 * @param guard when a successful run that suddenly returns far fewer facts is held instead of applied
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
    Path file,
    Guard guard) {

  public ConnectorConfig {
    options = options == null ? Map.of() : Map.copyOf(options);
    auth = auth == null ? AuthConfig.NONE : auth;
    http = http == null ? HttpSettings.DEFAULTS : http;
    guard = guard == null ? Guard.DEFAULTS : guard;
  }

  /** With the default {@link Guard}. */
  public ConnectorConfig(String id, String type, URI baseUrl, AuthConfig auth, String schedule,
      Duration expectedInterval, Duration fullRefreshEvery, boolean enabled, HttpSettings http,
      Map<String, Object> options, Path file) {
    this(id, type, baseUrl, auth, schedule, expectedInterval, fullRefreshEvery, enabled, http, options, file, null);
  }

  /**
   * The suspicious-drop guard (the {@code guard} block of a connector file). A successful run whose
   * fact count falls by more than {@code maxDrop} of the last good snapshot's, or to zero, is held:
   * stored, shown, not applied, until an admin confirms it or, when {@code confirmAfterRuns} is set,
   * that many consecutive runs return the same count.
   *
   * @param maxDrop the share of facts a run may lose against the last good snapshot, 0 to 1
   * @param confirmAfterRuns consecutive held runs with the same fact count that confirm the drop; 0: only an admin
   * @param expectEmpty the source may legitimately return nothing: a drop to zero is not suspicious
   */
  public record Guard(double maxDrop, int confirmAfterRuns, boolean expectEmpty) {
    public static final Guard DEFAULTS = new Guard(0.5, 0, false);
  }

  /**
   * Where a secret comes from: an environment variable or a mounted file, never the YAML itself.
   * A name that does not look like a variable name or a path (a token pasted into {@code tokenEnv})
   * is reported by the loader and masked wherever the reference is shown: {@link #toString()} is
   * the only way messages, logs and the API name it.
   */
  public record SecretRef(String env, Path file) {

    static final String MASKED = "(masked: not a variable name or path)";
    private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final java.util.regex.Pattern UPPER_SNAKE = java.util.regex.Pattern.compile("[A-Z0-9_]+");
    private static final java.util.List<String> TOKEN_PREFIXES = java.util.List.of("ghp_", "gho_", "ghu_", "ghs_",
        "ghr_", "github_pat_", "glpat-", "gldt-", "hf_", "dapi", "xoxb-", "xoxp-", "xoxa-", "sk-", "AKIA", "ASIA",
        "eyJ");

    /** Why {@code name} is not an environment variable name, without repeating it; null when it is one. */
    public static String envNameProblem(String name) {
      if (!ENV_NAME.matcher(name).matches() || looksLikeCredential(name)) {
        return "is not an environment variable name (letters, digits and '_', not starting with a digit, like"
            + " MLFLOW_TOKEN); it looks like a credential pasted in place of the name. The value is not shown:"
            + " put the secret in an environment variable and give its name here";
      }
      return null;
    }

    /** Why {@code path} is not a file path, without repeating it; null when it looks like one. */
    public static String pathProblem(String path) {
      String fileName = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
      if (path.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
          || looksLikeCredential(fileName)) {
        return "is not a file path (such as /var/run/secrets/aims/token); it looks like a credential pasted in"
            + " place of the path. The value is not shown: put the secret in a file and give its path here";
      }
      return null;
    }

    /**
     * True for text shaped like a token rather than a name: 20+ characters with a known token prefix
     * (ghp_, glpat-, hf_, dapi, sk-, AKIA, a JWT's eyJ), white space ("Bearer ..."), or 20+ characters mixing letters and digits
     * that is neither UPPER_SNAKE_CASE nor words joined by '_', '-' or '.'.
     */
    static boolean looksLikeCredential(String s) {
      // real tokens with these prefixes are 20+ characters; HF_TOKEN or a short hf_token is a name
      if ((s.length() >= 20 && TOKEN_PREFIXES.stream().anyMatch(s::startsWith))
          || s.chars().anyMatch(Character::isWhitespace)) {
        return true;
      }
      boolean digit = s.chars().anyMatch(Character::isDigit);
      boolean letter = s.chars().anyMatch(Character::isLetter);
      boolean upper = s.chars().anyMatch(Character::isUpperCase);
      boolean lowerCase = s.chars().anyMatch(Character::isLowerCase);
      boolean separated = s.contains("_") || s.contains("-") || s.contains(".");
      if (s.length() < 20 || !digit || !letter || UPPER_SNAKE.matcher(s).matches()) {
        return false;
      }
      return (upper && lowerCase) || !separated;
    }

    @Override
    public String toString() {
      if (env != null) {
        return "env:" + (envNameProblem(env) == null ? env : MASKED);
      }
      return "file:" + (file == null || pathProblem(file.toString()) == null ? file : MASKED);
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
   * @param maxResponseBytes the largest response body read; a larger one fails the run ({@code too_large})
   */
  public record HttpSettings(
      Duration connectTimeout,
      Duration requestTimeout,
      Duration runTimeout,
      int maxRetries,
      int maxInFlight,
      int maxPages,
      Path caBundle,
      URI proxy,
      long maxResponseBytes) {
    /**
     * 32 MiB: the largest page the supported APIs send at their maximum page size is a few MiB
     * (MLflow's 1000 runs with params and metrics, Hugging Face's 1000 models with card data), and
     * a body is held in memory once as bytes and once parsed, so this bounds a run's peak to about
     * 100 MB per request in flight.
     */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    public static final HttpSettings DEFAULTS = new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(30), 4, 4, 10_000, null, null, DEFAULT_MAX_RESPONSE_BYTES);

    /** Settings with the default response size limit. */
    public HttpSettings(Duration connectTimeout, Duration requestTimeout, Duration runTimeout, int maxRetries,
        int maxInFlight, int maxPages, Path caBundle, URI proxy) {
      this(connectTimeout, requestTimeout, runTimeout, maxRetries, maxInFlight, maxPages, caBundle, proxy,
          DEFAULT_MAX_RESPONSE_BYTES);
    }
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
