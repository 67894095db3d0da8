package io.aimsmonitor.connector;

import io.aimsmonitor.connector.ConnectorConfig.AuthConfig;
import io.aimsmonitor.connector.ConnectorConfig.HttpSettings;
import io.aimsmonitor.connector.ConnectorConfig.SecretRef;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.quartz.CronExpression;
import tools.jackson.core.JacksonException;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code connectors/*.yaml}, one instance per file, and checks every key. All problems in
 * all files are collected before failing, so that one {@code validate} run shows everything.
 */
public final class ConnectorConfigLoader {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Set<String> KEYS = Set.of("id", "type", "baseUrl", "auth", "schedule", "fullRefreshEvery",
      "enabled", "http", "options", "guard");
  private static final Set<String> AUTH_TYPES = Set.of("none", "bearer", "basic", "header", "aws");
  /** The schedule of an instance that names none: hourly, on the hour (documented in docs/connectors.md). */
  public static final String DEFAULT_SCHEDULE = "0 0 * * * ?";

  /**
   * {@code baseUrl: demo://<name>} names a replayed demo API that the application starts on an
   * ephemeral port and wires in ({@code demo.DemoServers}); valid only for the names given to the loader.
   */
  public static final String DEMO_SCHEME = "demo";

  private final YAMLMapper yaml = YAMLMapper.builder().build();
  private final ConnectorTypes types;
  private final Set<String> demoServers;

  /** A loader that accepts no {@code demo://} base URL. */
  public ConnectorConfigLoader(ConnectorTypes types) {
    this(types, Set.of());
  }

  /**
   * @param demoServers the names a {@code baseUrl: demo://<name>} may use (the bundled demo's replays)
   */
  public ConnectorConfigLoader(ConnectorTypes types, Set<String> demoServers) {
    this.types = types;
    this.demoServers = Set.copyOf(demoServers);
  }

  /** Loads every {@code *.yaml} / {@code *.yml} file directly in {@code dir}, sorted by name. */
  public List<ConnectorConfig> load(Path dir) throws ConfigException {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException(dir.toString(), null, "connector directory does not exist");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException(dir.toString(), null, "cannot list: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    List<ConnectorConfig> configs = new ArrayList<>();
    Map<String, Path> seenIds = new HashMap<>();
    for (Path file : files) {
      try {
        ConnectorConfig config = loadFile(file);
        Path clash = seenIds.putIfAbsent(config.id(), file);
        if (clash != null) {
          problems.add(ConfigException.format(file.toString(), "id",
              "'" + config.id() + "' is already used by " + clash));
          continue;
        }
        configs.add(config);
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return List.copyOf(configs);
  }

  /** Loads and validates one instance file, including the type-specific options. */
  public ConnectorConfig loadFile(Path file) throws ConfigException {
    String name = file.toString();
    Map<String, Object> root;
    try {
      Object parsed = yaml.readValue(file.toFile(), Object.class);
      if (!(parsed instanceof Map<?, ?> map)) {
        throw new ConfigException(name, null, "expected a YAML mapping with id, type, ...");
      }
      root = stringKeys(map);
    } catch (JacksonException e) {
      throw new ConfigException(name, null, "not valid YAML: " + io.aimsmonitor.fact.ParseErrors.oneLine(e));
    }
    Fields f = new Fields(name, root);
    for (String key : root.keySet()) {
      if (!KEYS.contains(key)) {
        f.problem(key, "unknown key (expected one of " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    String id = f.string("id", null, true);
    if (id != null && !ID.matcher(id).matches()) {
      f.problem("id", "'" + id + "' must be lower case letters, digits, '.', '_' or '-' (at most 63)");
    }
    String type = f.string("type", null, true);
    ConnectorType connectorType = null;
    if (type != null) {
      connectorType = types.find(type).orElse(null);
      if (connectorType == null) {
        f.problem("type", "unknown connector type '" + type + "' (known: " + String.join(", ", types.names()) + ")");
      }
    }
    URI baseUrl = null;
    String url = f.string("baseUrl", null, false);
    if (url != null) {
      try {
        baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (DEMO_SCHEME.equalsIgnoreCase(baseUrl.getScheme())) {
          String replay = baseUrl.getHost();
          if (replay == null || !demoServers.contains(replay) || !baseUrl.getRawPath().isEmpty()
              || baseUrl.getPort() != -1 || baseUrl.getRawQuery() != null) {
            f.problem("baseUrl", "'" + url + "' names no demo server: demo:// addresses are only for the bundled"
                + " demo's replays (" + (demoServers.isEmpty() ? "none available here"
                    : String.join(", ", demoServers.stream().sorted().map(n -> DEMO_SCHEME + "://" + n).toList()))
                + ")");
          }
        } else if (baseUrl.getScheme() == null || !Set.of("http", "https").contains(baseUrl.getScheme())) {
          f.problem("baseUrl", "must be an http or https URL, got '" + url + "'");
        } else if (baseUrl.getUserInfo() != null) {
          f.problem("baseUrl", "must not contain credentials; use auth.tokenEnv or auth.tokenFile");
        }
      } catch (IllegalArgumentException e) {
        f.problem("baseUrl", "not a URL: " + e.getMessage());
      }
    }
    String schedule = f.string("schedule", DEFAULT_SCHEDULE, false);
    Duration interval = null;
    if (schedule != null) {
      try {
        CronExpression cron = new CronExpression(schedule);
        Date first = cron.getNextValidTimeAfter(new Date());
        Date second = first == null ? null : cron.getNextValidTimeAfter(first);
        if (first == null) {
          // Quartz accepts such an expression (30 February, a year long past) and then refuses the trigger
          f.problem("schedule", "'" + schedule + "' never fires (no future time matches it)");
        }
        interval = second == null ? Duration.ofDays(1) : Duration.ofMillis(second.getTime() - first.getTime());
      } catch (java.text.ParseException e) {
        f.problem("schedule", "not a Quartz cron expression (seconds minutes hours day month weekday), '"
            + schedule + "': " + e.getMessage());
      }
    }
    Duration fullRefresh = f.duration("fullRefreshEvery", Duration.ofDays(1));
    boolean enabled = f.bool("enabled", true);
    AuthConfig auth = auth(f.child("auth"));
    HttpSettings http = http(f.child("http"));
    ConnectorConfig.Guard guard = guard(f.child("guard"));
    // an option written with no value ("filter:") is unset, as YAML readers expect; a null kept
    // in the map would fail every reader of options instead of reading as absent
    Map<String, Object> options = new java.util.LinkedHashMap<>(f.map("options"));
    options.values().removeIf(java.util.Objects::isNull);
    if (!f.problems.isEmpty()) {
      throw new ConfigException(f.problems);
    }
    ConnectorConfig config = new ConnectorConfig(id, type, baseUrl, auth, schedule, interval, fullRefresh, enabled,
        http, options, file.toAbsolutePath(), guard);
    connectorType.create(config); // type-specific checks; throws naming the option at fault
    return config;
  }

  private AuthConfig auth(Fields f) {
    if (f == null) {
      return AuthConfig.NONE;
    }
    f.onlyKeys(Set.of("type", "tokenEnv", "tokenFile", "username", "passwordEnv", "passwordFile", "header"));
    String type = f.string("type", "none", false);
    if (type != null && !AUTH_TYPES.contains(type)) {
      f.problem("type", "unknown auth type '" + type + "' (one of " + AUTH_TYPES.stream().sorted().toList() + ")");
    }
    SecretRef token = secret(f, "tokenEnv", "tokenFile");
    SecretRef password = secret(f, "passwordEnv", "passwordFile");
    String username = f.string("username", null, false);
    String header = f.string("header", null, false);
    if (("bearer".equals(type) || "header".equals(type)) && token == null) {
      f.problem("tokenEnv", "auth type '" + type + "' needs tokenEnv or tokenFile");
    }
    if ("header".equals(type) && header == null) {
      f.problem("header", "auth type 'header' needs the header name, e.g. PRIVATE-TOKEN");
    }
    if ("basic".equals(type) && (username == null || password == null)) {
      f.problem("username", "auth type 'basic' needs username and passwordEnv or passwordFile");
    }
    return new AuthConfig(type, token, username, password, header);
  }

  private static SecretRef secret(Fields f, String envKey, String fileKey) {
    String env = f.string(envKey, null, false);
    String file = f.string(fileKey, null, false);
    if (env != null && file != null) {
      f.problem(envKey, "give either " + envKey + " or " + fileKey + ", not both");
    }
    // a token pasted where a name belongs must not pass, and must not be echoed in the message
    if (env != null && SecretRef.envNameProblem(env) != null) {
      f.problem(envKey, SecretRef.envNameProblem(env));
    }
    if (file != null && SecretRef.pathProblem(file) != null) {
      f.problem(fileKey, SecretRef.pathProblem(file));
    }
    if (env != null) {
      return new SecretRef(env, null);
    }
    Path path = file == null ? null : f.resolve(fileKey, file);
    return path == null ? null : new SecretRef(null, path);
  }

  private static ConnectorConfig.Guard guard(Fields f) {
    ConnectorConfig.Guard d = ConnectorConfig.Guard.DEFAULTS;
    if (f == null) {
      return d;
    }
    f.onlyKeys(Set.of("maxDrop", "confirmAfterRuns", "expectEmpty"));
    double maxDrop = d.maxDrop();
    Object raw = f.values.get("maxDrop");
    if (raw != null) {
      String text = raw.toString().trim();
      try {
        maxDrop = text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
            : Double.parseDouble(text);
        if (maxDrop < 0 || maxDrop > 1) {
          f.problem("maxDrop", "expected a share from 0% to 100% (or 0 to 1), got '" + text + "'");
          maxDrop = d.maxDrop();
        }
      } catch (NumberFormatException e) {
        f.problem("maxDrop", "expected a share such as 50% or 0.5, got '" + text + "'");
      }
    }
    return new ConnectorConfig.Guard(maxDrop, f.integer("confirmAfterRuns", d.confirmAfterRuns(), 0, 100),
        f.bool("expectEmpty", d.expectEmpty()));
  }

  private HttpSettings http(Fields f) {
    HttpSettings d = HttpSettings.DEFAULTS;
    if (f == null) {
      return d;
    }
    f.onlyKeys(Set.of("connectTimeout", "requestTimeout", "runTimeout", "maxRetries", "maxInFlight", "maxPages",
        "caBundle", "proxy", "maxResponseBytes"));
    String ca = f.string("caBundle", null, false);
    String proxy = f.string("proxy", null, false);
    URI proxyUri = null;
    if (proxy != null) {
      try {
        proxyUri = URI.create(proxy);
        String problem = io.aimsmonitor.connector.http.HttpClientFactory.proxyProblem(proxyUri);
        if (problem != null) {
          f.problem("proxy", problem);
        }
      } catch (IllegalArgumentException e) {
        f.problem("proxy", "is not a URL, such as http://proxy:3128");
      }
    }
    return new HttpSettings(
        f.duration("connectTimeout", d.connectTimeout()),
        f.duration("requestTimeout", d.requestTimeout()),
        f.duration("runTimeout", d.runTimeout()),
        f.integer("maxRetries", d.maxRetries(), 0, 20),
        f.integer("maxInFlight", d.maxInFlight(), 1, 64),
        f.integer("maxPages", d.maxPages(), 1, 1_000_000),
        ca == null ? null : f.resolve("caBundle", ca),
        proxyUri,
        f.integer("maxResponseBytes", (int) d.maxResponseBytes(), 1024, Integer.MAX_VALUE));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> m ? stringKeys(m) : v));
    return out;
  }

  /** Typed access to one mapping, recording problems with the file and dotted key path. */
  private static final class Fields {
    final String file;
    final String prefix;
    final Map<String, Object> values;
    final List<String> problems;

    Fields(String file, Map<String, Object> values) {
      this(file, "", values, new ArrayList<>());
    }

    private Fields(String file, String prefix, Map<String, Object> values, List<String> problems) {
      this.file = file;
      this.prefix = prefix;
      this.values = values;
      this.problems = problems;
    }

    void problem(String key, String what) {
      problems.add(ConfigException.format(file, prefix + key, what));
    }

    void onlyKeys(Set<String> allowed) {
      values.keySet().stream().filter(k -> !allowed.contains(k))
          .forEach(k -> problem(k, "unknown key (expected one of " + allowed.stream().sorted().toList() + ")"));
    }

    Fields child(String key) {
      Object v = values.get(key);
      if (v == null) {
        return null;
      }
      if (!(v instanceof Map<?, ?> m)) {
        problem(key, "expected a mapping");
        return null;
      }
      return new Fields(file, prefix + key + ".", stringKeys(m), problems);
    }

    Map<String, Object> map(String key) {
      Fields child = child(key);
      return child == null ? Map.of() : child.values;
    }

    String string(String key, String fallback, boolean required) {
      Object v = values.get(key);
      if (v == null) {
        if (required) {
          problem(key, "is required");
        }
        return fallback;
      }
      if (v instanceof Map || v instanceof List) {
        problem(key, "expected a single value");
        return fallback;
      }
      String s = v.toString().trim();
      if (s.isEmpty()) {
        problem(key, "must not be empty");
        return fallback;
      }
      return s;
    }

    boolean bool(String key, boolean fallback) {
      Object v = values.get(key);
      if (v == null) {
        return fallback;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      problem(key, "expected true or false, got '" + v + "'");
      return fallback;
    }

    int integer(String key, int fallback, int min, int max) {
      Object v = values.get(key);
      if (v == null) {
        return fallback;
      }
      if (v instanceof Number n && n.intValue() >= min && n.intValue() <= max) {
        return n.intValue();
      }
      problem(key, "expected a whole number from " + min + " to " + max + ", got '" + v + "'");
      return fallback;
    }

    /** Durations as ISO-8601 ({@code PT30S}) or a number with a unit: {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    Duration duration(String key, Duration fallback) {
      Object v = values.get(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Durations.parse(v.toString());
      } catch (IllegalArgumentException | DateTimeParseException e) {
        problem(key, "expected a duration such as 30s, 5m, 2h, 7d or PT30S, got '" + v + "'");
        return fallback;
      }
    }

    /**
     * The file {@code path} names, relative to this configuration file; null, with a problem for
     * {@code key}, when it cannot be a path here (a NUL, or characters the file system's encoding
     * cannot hold). The value is not repeated: it may be a secret pasted in place of a path.
     */
    Path resolve(String key, String path) {
      try {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : Path.of(file).toAbsolutePath().getParent().resolve(p).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        problem(key, "is not a file path this system can open (it holds characters a file name cannot)");
        return null;
      }
    }
  }

  /** Parses the short duration syntax used in configuration files. */
  public static final class Durations {
    private Durations() {}

    public static Duration parse(String text) {
      String s = text.trim().toLowerCase(Locale.ROOT);
      if (s.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      var m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(s);
      if (!m.matches()) {
        throw new IllegalArgumentException(text);
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
  }
}
