package io.aimsmonitor.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric contract, read from the table in docs/metrics.md, so that alerts and dashboards are
 * checked against the document the collectors implement rather than against a copy of it.
 */
final class MetricsCatalog {

  /** One row of the table: name, type and the labels listed for it. */
  record Metric(String name, String type, Set<String> labels) {}

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`(aims_[a-z0-9_]+)`\\s*\\|\\s*(\\w+)\\s*\\|([^|]*)\\|");
  private static final Pattern BACKTICKED = Pattern.compile("`([a-z_]+)`");

  /**
   * Series that are not ours but may be used: what Micrometer's Prometheus registry adds to every
   * Spring Boot app (docs/metrics.md says so) and what Prometheus itself records per target.
   */
  static final List<String> STANDARD_PREFIXES = List.of("jvm_", "process_", "system_", "http_server_requests_",
      "tomcat_", "hikaricp_", "jdbc_", "executor_", "logback_", "disk_", "application_", "scrape_");
  static final Set<String> STANDARD_NAMES = Set.of("up");

  /** Target labels added by Prometheus / the Prometheus Operator, usable in any query. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance", "pod", "namespace", "service", "endpoint",
      "container");

  private final Map<String, Metric> metrics;

  private MetricsCatalog(Map<String, Metric> metrics) {
    this.metrics = metrics;
  }

  static MetricsCatalog load(Path metricsMd) {
    Map<String, Metric> metrics = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(metricsMd)) {
        Matcher row = ROW.matcher(line);
        if (row.find()) {
          Set<String> labels = new LinkedHashSet<>();
          Matcher label = BACKTICKED.matcher(row.group(3));
          while (label.find()) {
            labels.add(label.group(1));
          }
          metrics.put(row.group(1), new Metric(row.group(1), row.group(2), labels));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MetricsCatalog(metrics);
  }

  Map<String, Metric> metrics() {
    return metrics;
  }

  boolean isAllowedMetric(String name) {
    return metrics.containsKey(name) || STANDARD_NAMES.contains(name)
        || STANDARD_PREFIXES.stream().anyMatch(name::startsWith);
  }

  /** Every label of the table, plus the target labels. */
  Set<String> allowedLabels() {
    Set<String> labels = new LinkedHashSet<>(TARGET_LABELS);
    metrics.values().forEach(m -> labels.addAll(m.labels()));
    return labels;
  }
}
