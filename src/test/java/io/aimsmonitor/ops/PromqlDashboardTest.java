package io.aimsmonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard (monitoring/grafana/aims-monitor-dashboard.json): it parses, uses the
 * {@code ${datasource}} variable everywhere, and every PromQL query uses only the series and
 * labels of docs/metrics.md (or the standard JVM/process ones) and is valid PromQL for promtool.
 */
class PromqlDashboardTest {

  static final Path DASHBOARD = Path.of("monitoring/grafana/aims-monitor-dashboard.json");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void dashboardParsesAndUsesTheDatasourceVariable() {
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
    assertThat(dashboard.path("uid").asString()).isEqualTo("aims-monitor");
    assertThat(dashboard.path("title").asString()).isNotBlank();

    JsonNode datasourceVariable = null;
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("datasource".equals(variable.path("name").asString())) {
        datasourceVariable = variable;
      }
    }
    assertThat(datasourceVariable).as("templating variable 'datasource'").isNotNull();
    assertThat(datasourceVariable.path("type").asString()).isEqualTo("datasource");
    assertThat(datasourceVariable.path("query").asString()).isEqualTo("prometheus");

    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : panels(dashboard)) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
      assertThat(panel.has("gridPos")).as("panel %s has gridPos", panel.path("title")).isTrue();
      if ("row".equals(panel.path("type").asString())) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asString()).as("datasource of %s", panel.path("title"))
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as("targets of %s", panel.path("title")).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asString())) {
        assertThat(variable.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
      }
    }
  }

  @Test
  void everyQueryUsesOnlyDocumentedMetricsAndLabels() {
    MetricsCatalog catalog = MetricsCatalog.load(PromtoolRulesTest.METRICS_DOC);
    assertThat(catalog.metrics()).hasSizeGreaterThanOrEqualTo(20);
    Set<String> allowedLabels = catalog.allowedLabels();
    Set<String> used = new HashSet<>();
    Map<String, String> queries = queries();
    assertThat(queries).hasSizeGreaterThan(20);
    queries.forEach((where, expr) -> {
      Set<String> metrics = PromQl.metricNames(expr);
      assertThat(metrics).as("%s uses a metric: %s", where, expr).isNotEmpty();
      assertThat(metrics).as("%s: metrics must be in docs/metrics.md or standard: %s", where, expr)
          .allMatch(catalog::isAllowedMetric);
      assertThat(PromQl.labelNames(expr)).as("%s: labels: %s", where, expr).isSubsetOf(allowedLabels);
      used.addAll(metrics);
    });
    // The panels the dashboard is for: posture, findings, connector health, evaluation, coverage.
    assertThat(used).contains("aims_control_status", "aims_control_findings_open", "aims_findings_open",
        "aims_finding_events_total", "aims_connector_last_success_timestamp_seconds",
        "aims_connector_schedule_interval_seconds", "aims_connector_errors_total", "aims_connector_last_run_success",
        "aims_evaluation_last_timestamp_seconds", "aims_evaluation_last_duration_seconds",
        "aims_evaluations_total", "aims_rule_pack_rejected", "aims_controls_automation_ratio");
  }

  /** promtool parses every query (as a recording rule), so a syntax error cannot ship. */
  @Test
  void everyQueryIsValidPromQl(@TempDir Path dir) throws IOException {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    Map<String, String> queries = queries();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
    int i = 0;
    for (String expr : queries.values()) {
      rules.append("      - record: dashboard:query_").append(i++).append('\n')
          .append("        expr: ").append(JSON.writeValueAsString(PromQl.substituteGrafanaVariables(expr)))
          .append('\n');
    }
    Path file = dir.resolve("dashboard-queries.yaml");
    Files.writeString(file, rules);
    List<String> command = List.of(promtool.toString(), "check", "rules", file.toString());
    ExternalTools.Result result = ExternalTools.run(dir, Duration.ofMinutes(2), command);

    assertThat(result.exitCode()).as(result.describe(command) + "\n" + rules).isZero();
    assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void extractorSeparatesMetricsFromFunctionsKeywordsAndLabels() {
    String expr = "sum by (pack, rule) (max without (instance, pod) (increase(aims_finding_events_total"
        + "{job=~\"$job\", event=\"opened\"}[1h] offset 1d))) > 0 and on (pack) aims_rules_loaded"
        + " or label_replace(up, \"x\", \"$1\", \"y\", \"(.*)\") unless vector(1e3)";
    assertThat(PromQl.metricNames(expr)).containsExactlyInAnyOrder("aims_finding_events_total", "aims_rules_loaded",
        "up");
    assertThat(PromQl.labelNames(expr)).containsExactlyInAnyOrder("pack", "rule", "instance", "pod", "job", "event");
    MetricsCatalog catalog = MetricsCatalog.load(PromtoolRulesTest.METRICS_DOC);
    assertThat(catalog.isAllowedMetric("aims_findings_open")).isTrue();
    assertThat(catalog.isAllowedMetric("aims_finding_open")).isFalse();
    assertThat(catalog.isAllowedMetric("jvm_memory_used_bytes")).isTrue();
    assertThat(catalog.metrics().get("aims_findings_open").labels())
        .containsExactlyInAnyOrder("pack", "rule", "severity", "stale");
  }

  /** Panel title (and refId) to expr, for every target of every panel. */
  static Map<String, String> queries() {
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : panels(dashboard)) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asString();
        assertThat(expr).as("expr of %s", panel.path("title")).isNotBlank();
        queries.put(panel.path("title").asString() + " #" + target.path("refId").asString(), expr);
      }
    }
    return queries;
  }

  /** Top-level panels plus the panels of collapsed rows. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add);
    }
    return panels;
  }
}
