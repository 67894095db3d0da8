package io.aimsmonitor.connector.registry;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reading of a connector instance's {@code options}, collecting every problem (file and
 * {@code options.<key>}) before failing, so that one {@code validate} run shows them all. Used by
 * the model registry connector types; it never contacts a source system.
 */
public final class Options {

  private final ConnectorConfig config;
  private final String file;
  private final List<String> problems = new ArrayList<>();

  /** Starts reading {@code config}'s options; any key outside {@code known} is reported. */
  public Options(ConnectorConfig config, Set<String> known) {
    this.config = config;
    this.file = String.valueOf(config.file());
    for (String key : config.options().keySet()) {
      if (!known.contains(key)) {
        problem("options." + key, "unknown option (expected one of " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  /** Records a problem with a top-level key ({@code baseUrl}, {@code auth.type}) or an option ({@code options.x}). */
  public void problem(String key, String what) {
    problems.add(ConfigException.format(file, key, what));
  }

  /** Fails when {@code baseUrl} is absent: every HTTP registry connector needs it. */
  public void requireBaseUrl(String example) {
    if (config.baseUrl() == null) {
      problem("baseUrl", "is required, e.g. " + example);
    }
  }

  /**
   * Fails when {@code baseUrl} carries the API path the connector adds itself (the docs ask for the
   * server root): {@code https://host/api/2.0/mlflow} would be requested as {@code .../api/2.0/mlflow/api/2.0/...}
   * and every run would fail with 404.
   */
  public void requireServerRoot(String apiPrefix) {
    String path = config.baseUrl() == null || config.baseUrl().getPath() == null ? "" : config.baseUrl().getPath();
    if (path.equals(apiPrefix) || path.contains(apiPrefix + "/") || path.endsWith(apiPrefix)) {
      problem("baseUrl", "give the server root without " + apiPrefix + "/... (the connector adds the API path), got '"
          + config.baseUrl() + "'");
    }
  }

  /** Fails unless the auth type is one of {@code allowed}. */
  public void allowAuth(Set<String> allowed) {
    if (!allowed.contains(config.auth().type())) {
      problem("auth.type", "'" + config.auth().type() + "' is not supported by type " + config.type()
          + " (one of " + String.join(", ", new TreeSet<>(allowed)) + ")");
    }
  }

  /** A single string option, trimmed; null when absent (and a problem when {@code required}). */
  public String string(String key, boolean required) {
    Object value = config.options().get(key);
    if (value == null) {
      if (required) {
        problem("options." + key, "is required");
      }
      return null;
    }
    if (value instanceof Map || value instanceof List) {
      problem("options." + key, "expected a single value");
      return null;
    }
    String s = value.toString().trim();
    if (s.isEmpty()) {
      problem("options." + key, "must not be empty");
      return null;
    }
    return s;
  }

  /** An optional http(s) URL option without a trailing slash; null when absent. */
  public URI url(String key) {
    String s = string(key, false);
    if (s == null) {
      return null;
    }
    try {
      URI uri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
        problem("options." + key, "must be an http or https URL, got '" + s + "'");
        return null;
      }
      return uri;
    } catch (IllegalArgumentException e) {
      problem("options." + key, "not a URL: " + s);
      return null;
    }
  }

  /** A list of non-empty strings; a single string counts as a one-element list; empty when absent. */
  public List<String> stringList(String key) {
    Object value = config.options().get(key);
    if (value == null) {
      return List.of();
    }
    List<?> raw = value instanceof List<?> l ? l : value instanceof Map ? null : List.of(value);
    if (raw == null) {
      problem("options." + key, "expected a list of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Object item : raw) {
      if (item == null || item instanceof Map || item instanceof List || item.toString().isBlank()) {
        problem("options." + key, "expected a list of non-empty strings, got '" + item + "'");
      } else {
        out.add(item.toString().trim());
      }
    }
    return List.copyOf(out);
  }

  /** A mapping of strings to strings; empty when absent. */
  public Map<String, String> stringMap(String key) {
    Object value = config.options().get(key);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      problem("options." + key, "expected a mapping of names to values");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (v == null || v instanceof Map || v instanceof List || v.toString().isBlank()) {
        problem("options." + key + "." + k, "expected a non-empty single value");
      } else {
        out.put(String.valueOf(k).trim(), v.toString().trim());
      }
    });
    return out;
  }

  /** A whole number from {@code min} to {@code max}; {@code fallback} when absent. */
  public int integer(String key, int fallback, int min, int max) {
    Object value = config.options().get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= min && n.intValue() <= max) {
      return n.intValue();
    }
    problem("options." + key, "expected a whole number from " + min + " to " + max + ", got '" + value + "'");
    return fallback;
  }

  /** A boolean; {@code fallback} when absent. */
  public boolean bool(String key, boolean fallback) {
    Object value = config.options().get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    problem("options." + key, "expected true or false, got '" + value + "'");
    return fallback;
  }

  /** Throws every recorded problem at once. */
  public void check() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
