package io.aimsmonitor.connector.mlflow;

import io.aimsmonitor.connector.ConfigException;
import io.aimsmonitor.connector.ConnectorConfig;
import io.aimsmonitor.connector.registry.Conventions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The validated {@code options} of an {@code mlflow} instance.
 *
 * @param filter MLflow search filter for registered models, e.g. {@code name LIKE 'fraud-%'}; null lists all.
 *     With a filter, versions are listed model by model; without, in one registry-wide listing.
 * @param maxResults page size of both listings (MLflow and Databricks accept at most 1000 registered models per page)
 * @param fetchRuns whether to fetch each version's source run ({@code runs/get}) for metrics, git commit and datasets
 * @param uiUrl root of the MLflow UI for evidence links, when it differs from the API's {@code baseUrl}
 * @param namespace the namespace of this tracking server's run ids (see docs/facts.md, references);
 *     null means the instance id. Instances (and files) describing the same server must share one.
 * @param registeredByIsOwner whether a version's {@code user_id} counts as its owner when it has no owner tag
 */
record MlflowOptions(String filter, int maxResults, boolean fetchRuns, URI uiUrl, String namespace,
    boolean registeredByIsOwner) {

  MlflowOptions(String filter, int maxResults, boolean fetchRuns, URI uiUrl) {
    this(filter, maxResults, fetchRuns, uiUrl, null, false);
  }

  static final int DEFAULT_MAX_RESULTS = 1000;
  static final Set<String> KEYS = Set.of("filter", "maxResults", "fetchRuns", "uiUrl", "namespace",
      Conventions.REGISTERED_BY_IS_OWNER);

  /** Reads and checks the options, reporting every problem with the file and {@code options.<key>}. */
  static MlflowOptions from(ConnectorConfig config) throws ConfigException {
    String file = String.valueOf(config.file());
    List<String> problems = new ArrayList<>();
    for (String key : config.options().keySet()) {
      if (!KEYS.contains(key)) {
        problems.add(ConfigException.format(file, "options." + key,
            "unknown option (expected one of " + String.join(", ", KEYS.stream().sorted().toList()) + ")"));
      }
    }
    if (config.baseUrl() == null) {
      problems.add(ConfigException.format(file, "baseUrl",
          "is required for type mlflow: the tracking server, e.g. http://mlflow.internal:5000"
              + " or https://<workspace>.cloud.databricks.com"));
    }
    String basePath = config.baseUrl() == null || config.baseUrl().getPath() == null ? "" : config.baseUrl().getPath();
    if (basePath.matches(".*/api(/.*)?|.*/ajax-api(/.*)?")) {
      problems.add(ConfigException.format(file, "baseUrl", "give the tracking server root without /api/... (the"
          + " connector adds /api/2.0/mlflow), got '" + config.baseUrl() + "'"));
    }
    String auth = config.auth().type();
    if (!Set.of("none", "basic", "bearer").contains(auth)) {
      problems.add(ConfigException.format(file, "auth.type",
          "type mlflow supports none, basic (MLflow basic-auth app) or bearer (Databricks token), not '" + auth + "'"));
    }

    String filter = null;
    Object rawFilter = config.options().get("filter");
    if (rawFilter != null) {
      if (rawFilter instanceof String s && !s.isBlank()) {
        filter = s.trim();
      } else {
        problems.add(ConfigException.format(file, "options.filter",
            "expected an MLflow search filter string such as \"name LIKE 'fraud-%'\", got '" + rawFilter + "'"));
      }
    }

    int maxResults = DEFAULT_MAX_RESULTS;
    Object rawMax = config.options().get("maxResults");
    if (rawMax != null) {
      if ((rawMax instanceof Integer || rawMax instanceof Long) && ((Number) rawMax).longValue() >= 1
          && ((Number) rawMax).longValue() <= 1000) {
        maxResults = ((Number) rawMax).intValue();
      } else {
        problems.add(ConfigException.format(file, "options.maxResults",
            "expected a whole number from 1 to 1000 (the page size), got '" + rawMax + "'"));
      }
    }

    boolean fetchRuns = true;
    Object rawFetch = config.options().get("fetchRuns");
    if (rawFetch != null) {
      if (rawFetch instanceof Boolean b) {
        fetchRuns = b;
      } else {
        problems.add(ConfigException.format(file, "options.fetchRuns",
            "expected true or false, got '" + rawFetch + "'"));
      }
    }

    URI uiUrl = config.baseUrl();
    Object rawUi = config.options().get("uiUrl");
    if (rawUi != null) {
      String text = String.valueOf(rawUi).trim();
      try {
        URI parsed = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        if (parsed.getScheme() == null || !Set.of("http", "https").contains(parsed.getScheme().toLowerCase(Locale.ROOT))
            || parsed.getHost() == null) {
          problems.add(ConfigException.format(file, "options.uiUrl",
              "must be an http or https URL, got '" + text + "'"));
        } else {
          uiUrl = parsed;
        }
      } catch (IllegalArgumentException e) {
        problems.add(ConfigException.format(file, "options.uiUrl", "not a URL: '" + text + "'"));
      }
    }

    String namespace = null;
    Object rawNamespace = config.options().get("namespace");
    if (rawNamespace != null) {
      if (rawNamespace instanceof String s && !s.isBlank()) {
        namespace = s.strip();
      } else {
        problems.add(ConfigException.format(file, "options.namespace",
            "expected the name of the tracking server's namespace, e.g. mlflow-prod"));
      }
    }

    boolean registeredByIsOwner = false;
    Object rawOwner = config.options().get(Conventions.REGISTERED_BY_IS_OWNER);
    if (rawOwner != null) {
      if (rawOwner instanceof Boolean b) {
        registeredByIsOwner = b;
      } else {
        problems.add(ConfigException.format(file, "options." + Conventions.REGISTERED_BY_IS_OWNER,
            "expected true or false, got '" + rawOwner + "'"));
      }
    }

    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new MlflowOptions(filter, maxResults, fetchRuns, uiUrl, namespace, registeredByIsOwner);
  }
}
