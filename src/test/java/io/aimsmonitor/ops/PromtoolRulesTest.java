package io.aimsmonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shipped alerting rules (monitoring/prometheus/aims-alerts.yaml) checked with the real
 * promtool, their unit tests run, and the conventions every alert must follow.
 */
class PromtoolRulesTest {

  static final Path RULES = Path.of("monitoring/prometheus/aims-alerts.yaml");
  static final Path RULE_TESTS = Path.of("monitoring/prometheus/aims-alerts.test.yaml");
  static final Path RUNBOOK = Path.of("docs/runbook.md");
  static final Path METRICS_DOC = Path.of("docs/metrics.md");
  static final String RUNBOOK_URL_PREFIX = "https://github.com/aims-monitor/aims-monitor/blob/main/docs/runbook.md#";
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  @Test
  void promtoolCheckRulesAcceptsTheShippedRules() {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    List<String> command = List.of(promtool.toString(), "check", "rules", RULES.toString());
    ExternalTools.Result result = ExternalTools.run(Path.of("."), TIMEOUT, command);

    assertThat(result.exitCode()).as(result.describe(command)).isZero();
    assertThat(result.output()).as(result.describe(command))
        .contains("SUCCESS: " + alertRules().size() + " rules found")
        .doesNotContain("FAILED");
  }

  @Test
  void promtoolUnitTestsPass() {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    List<String> command = List.of(promtool.toString(), "test", "rules", RULE_TESTS.toString());
    ExternalTools.Result result = ExternalTools.run(Path.of("."), TIMEOUT, command);

    assertThat(result.exitCode()).as(result.describe(command)).isZero();
    assertThat(result.output()).as(result.describe(command)).contains("SUCCESS").doesNotContain("FAILED");
  }

  /** Guards the guard: the unit tests must notice a rule whose threshold has been changed. */
  @Test
  void promtoolUnitTestsDetectABrokenThreshold(@TempDir Path dir) throws IOException {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    String rules = Files.readString(RULES);
    assertThat(rules).contains("> 7200");
    Files.writeString(dir.resolve("aims-alerts.yaml"), rules.replace("> 7200", "> 72000"));
    Files.copy(RULE_TESTS, dir.resolve("aims-alerts.test.yaml"));
    List<String> command = List.of(promtool.toString(), "test", "rules", "aims-alerts.test.yaml");
    ExternalTools.Result result = ExternalTools.run(dir, TIMEOUT, command);

    assertThat(result.exitCode()).as(result.describe(command)).isNotZero();
    assertThat(result.output()).contains("FAILED").contains("AimsEvaluationNotRunning");
  }

  @Test
  void everyAlertHasAFiringAndAQuietTestCase() {
    Map<String, Boolean[]> coverage = new LinkedHashMap<>();
    for (String alert : alertRules().keySet()) {
      coverage.put(alert, new Boolean[] {false, false});
    }
    Map<String, Object> tests = YAML.readValue(RULE_TESTS.toFile(), Map.class);
    assertThat(list(tests.get("rule_files"))).containsExactly("aims-alerts.yaml");
    for (Object test : (List<?>) tests.get("tests")) {
      for (Object caseObject : list(((Map<?, ?>) test).get("alert_rule_test"))) {
        Map<?, ?> alertCase = (Map<?, ?>) caseObject;
        Boolean[] seen = coverage.get((String) alertCase.get("alertname"));
        assertThat(seen).as("test for unknown alert %s", alertCase.get("alertname")).isNotNull();
        if (list(alertCase.get("exp_alerts")).isEmpty()) {
          seen[1] = true;
        } else {
          seen[0] = true;
        }
      }
    }
    coverage.forEach((alert, seen) -> {
      assertThat(seen[0]).as("%s has a test case where it fires", alert).isTrue();
      assertThat(seen[1]).as("%s has a test case where it must not fire", alert).isTrue();
    });
  }

  @Test
  void everyAlertHasSeverityAnnotationsAndARunbookSection() throws IOException {
    Set<String> anchors = runbookAnchors();
    Map<String, Map<?, ?>> alerts = alertRules();
    assertThat(alerts).containsKeys("AimsControlDrift", "AimsHighSeverityFindingsIncreased", "AimsWaiversExpiringSoon",
        "AimsConnectorStale",
        "AimsConnectorNeverSucceeded", "AimsConnectorFailing", "AimsConnectorErrorsFrequent", "AimsRulePackRejected",
        "AimsEvaluationNotRunning", "AimsEvaluationAbsent");
    alerts.forEach((name, rule) -> {
      assertThat(name).startsWith("Aims");
      Map<String, Object> labels = map(rule.get("labels"));
      assertThat(labels).as("%s labels", name).containsKey("severity");
      assertThat(String.valueOf(labels.get("severity"))).as("%s severity", name)
          .matches("warning|critical|.*\\{\\{.*critical.*warning.*}}.*");
      Map<String, Object> annotations = map(rule.get("annotations"));
      assertThat(annotations).as("%s annotations", name).containsKeys("summary", "description", "runbook_url");
      String runbookUrl = (String) annotations.get("runbook_url");
      assertThat(runbookUrl).as("%s runbook_url", name).isEqualTo(RUNBOOK_URL_PREFIX + name.toLowerCase(Locale.ROOT));
      assertThat(anchors).as("docs/runbook.md has a section '## %s'", name).contains(name.toLowerCase(Locale.ROOT));
    });
    // Alerts on findings read aims_findings_open, which leaves out waived findings (the promtool
    // tests prove they stay quiet on them); no alert reads aims_findings, which counts them.
    alerts.forEach((name, rule) -> assertThat(PromQl.metricNames((String) rule.get("expr"))).as(name)
        .doesNotContain("aims_findings"));
  }

  @Test
  void alertsUseOnlyDocumentedMetricsAndLabels() {
    MetricsCatalog catalog = MetricsCatalog.load(METRICS_DOC);
    assertThat(catalog.metrics()).hasSizeGreaterThanOrEqualTo(20).containsKeys("aims_control_status",
        "aims_connector_schedule_interval_seconds");
    Set<String> allowedLabels = catalog.allowedLabels();
    alertRules().forEach((name, rule) -> {
      String expr = (String) rule.get("expr");
      Set<String> metrics = PromQl.metricNames(expr);
      assertThat(metrics).as("%s uses metrics", name).isNotEmpty();
      assertThat(metrics).as("%s: every metric is in docs/metrics.md or standard", name)
          .allMatch(catalog::isAllowedMetric);
      assertThat(PromQl.labelNames(expr)).as("%s: labels", name).isSubsetOf(allowedLabels);
    });
  }

  /** Alert name to rule, in file order. */
  static Map<String, Map<?, ?>> alertRules() {
    Map<String, Object> file = YAML.readValue(RULES.toFile(), Map.class);
    Map<String, Map<?, ?>> alerts = new LinkedHashMap<>();
    for (Object group : (List<?>) file.get("groups")) {
      for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
        Map<?, ?> r = (Map<?, ?>) rule;
        assertThat(r.get("alert")).as("only alerting rules are shipped: %s", r).isNotNull();
        assertThat(alerts.put((String) r.get("alert"), r)).as("duplicate alert %s", r.get("alert")).isNull();
      }
    }
    return alerts;
  }

  /** GitHub-style anchors of the runbook's headings. */
  static Set<String> runbookAnchors() throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    Matcher heading = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$").matcher(Files.readString(RUNBOOK));
    while (heading.find()) {
      anchors.add(heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
    }
    return anchors;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value == null ? List.of() : (List<Object>) value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value == null ? Map.of() : (Map<String, Object>) value;
  }
}
