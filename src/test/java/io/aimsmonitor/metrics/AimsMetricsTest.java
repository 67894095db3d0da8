package io.aimsmonitor.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/** The aims_* series: values from the store, bounded labels, and series of deleted rules disappearing. */
class AimsMetricsTest {

  private static final Set<String> ALLOWED_LABELS = Set.of("control", "family", "status", "pack", "rule", "severity",
      "connector", "type", "reason", "event", "stale", "scope", "version", "guard");

  @TempDir
  Path dir;

  @Test
  void exportsStateFromTheStoreWithBoundedLabelsAndForgetsDeletedRules() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
    Workbench bench = new Workbench(dir, store, clock);
    bench.writePack("test-pack", Workbench.OWNER_RULE);
    bench.ruleBook.reload();
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk]"));
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
    AimsMetrics metrics = new AimsMetrics(ControlCatalog.bundled(), bench.ruleBook, store.findings(), store.snapshots(),
        store.evaluations(), bench.monitor.connectors(), bench.monitor, clock);

    String text = scrape(metrics.collect());
    assertThat(text).contains("aims_control_status{control=\"A.3.2\",family=\"A.3\",status=\"non_compliant\"} 1.0")
        .contains("aims_control_status{control=\"A.3.2\",family=\"A.3\",status=\"compliant\"} 0.0")
        .as("a manual control no rule decides needs an attestation")
        .contains("aims_control_status{control=\"A.2.2\",family=\"A.2\",status=\"attestation_required\"} 1.0")
        .doesNotContain("status=\"not_evaluated\"")
        .contains("aims_findings_open{pack=\"test-pack\",rule=\"test.production-has-owner\",severity=\"high\",stale=\"false\"} 1.0")
        .contains("aims_control_findings_open{control=\"A.3.2\",severity=\"high\"} 1.0")
        .contains("aims_finding_events_total{event=\"opened\",pack=\"test-pack\",rule=\"test.production-has-owner\",severity=\"high\"} 1.0")
        .contains("aims_connector_last_run_success{connector=\"inventory\",type=\"file\"} 1.0")
        .contains("aims_connector_facts{connector=\"inventory\",type=\"file\"} 2.0")
        .contains("aims_connector_last_run_pages{connector=\"inventory\",type=\"file\"} 0.0")
        .contains("aims_connector_last_run_rate_limit_waits{connector=\"inventory\",type=\"file\"} 0.0")
        .contains("aims_connector_schedule_interval_seconds{connector=\"inventory\",type=\"file\"} 3600.0")
        .contains("aims_rule_pack_info{pack=\"test-pack\",version=\"")
        .contains("aims_evaluations_total 1.0")
        .contains("aims_controls_automation_ratio{scope=\"annex_a\"} " + (1.0 / 38));
    assertLabelsBounded(text);

    // The connector breaks: the control becomes unknown rather than compliant or non-compliant
    // once the finding is only supported by stale evidence.
    clock.advance(Duration.ofMinutes(5));
    bench.writeInventory("models.yaml", "not: [valid");
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
    text = scrape(metrics.collect());
    assertThat(text).contains("aims_connector_last_run_success{connector=\"inventory\",type=\"file\"} 0.0")
        .contains("aims_connector_errors_total{connector=\"inventory\",reason=\"malformed\",type=\"file\"} 1.0")
        .contains("aims_control_status{control=\"A.3.2\",family=\"A.3\",status=\"unknown\"} 1.0")
        .contains("aims_findings_open{pack=\"test-pack\",rule=\"test.production-has-owner\",severity=\"high\",stale=\"true\"} 1.0");

    // The pack is deleted: after the next evaluation no series names it or its rule.
    FileSystemUtils.deleteRecursively(bench.rules.resolve("test-pack"));
    Files.createDirectories(bench.rules);
    bench.ruleBook.reload();
    bench.monitor.evaluate();
    text = scrape(metrics.collect());
    assertThat(text).doesNotContain("test-pack").doesNotContain("test.production-has-owner")
        .contains("aims_control_status{control=\"A.3.2\",family=\"A.3\",status=\"not_covered\"} 1.0")
        .contains("aims_rule_packs_loaded 0.0");
  }

  private static void assertLabelsBounded(String text) {
    var label = Pattern.compile("([a-z_]+)=\"");
    for (String line : text.split("\n")) {
      if (line.startsWith("aims_")) {
        var m = label.matcher(line);
        while (m.find()) {
          assertThat(ALLOWED_LABELS).as("label in %s", line).contains(m.group(1));
        }
        assertThat(line).as("no subject keys in labels").doesNotContain("churn").doesNotContain("inventory:");
      }
    }
  }

  private static String scrape(MetricSnapshots snapshots) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, snapshots);
    return out.toString(StandardCharsets.UTF_8);
  }
}
