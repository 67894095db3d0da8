package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.store.FindingFilter;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.store.FindingSort;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A cycle in which nothing changed writes nothing but its evaluation run: no finding row, no
 * event. Run over the shipped packs and the demo inventory, whose evidence holds records (quality
 * checks, input datasets) that come back from the store as maps.
 */
class UnchangedCycleTest {

  @TempDir
  Path dir;

  @Test
  void anUnchangedCycleWritesOnlyTheEvaluationRun() throws IOException {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    Workbench bench = new Workbench(dir, TestStore.on(data), clock, Path.of("rules"), "inventory");
    for (String file : List.of("models.csv", "llm-models.yaml", "training-runs.yaml", "monitors.yaml",
        "attestations.yaml")) {
      try (InputStream in = getClass().getResourceAsStream("/demo/acme/" + file)) {
        Files.copy(in, bench.inventory.resolve(file));
      }
    }
    // A catalog entry whose evidence is records: failing and old quality checks, an acquisition record.
    bench.writeInventory("catalog.yaml", """
        - kind: Dataset
          catalog: datahub
          qualifiedName: lending.applications_2025
          name: applications_2025
          owners: [data-platform]
          classification: [PII.Sensitive]
          description: Retail loan applications 2021-2025.
          upstream: [raw.loan_applications]
          qualityChecks: [{name: not_null_id, lastResult: FAILED, lastRunAt: 2026-01-30}]
          acquisition: {origin: loan origination system, license: internal}
        """);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    JdbcClient jdbc = JdbcClient.create(data);

    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
    assertThat(count(jdbc, "finding")).as("the demo opens findings").isGreaterThan(10);
    assertThat(jdbc.sql("SELECT COUNT(*) FROM finding WHERE evidence LIKE '%\"qualityChecks\":[{%'").query(Long.class).single())
        .as("some evidence holds records, which the store gives back as maps").isPositive();
    Map<String, List<Map<String, Object>>> before = tables(jdbc);
    long runs = count(jdbc, "evaluation_run");

    clock.advance(Duration.ofMinutes(15));
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();

    assertThat(count(jdbc, "evaluation_run")).isEqualTo(runs + 1);
    Map<String, List<Map<String, Object>>> after = tables(jdbc);
    after.forEach((table, rows) -> assertThat(rows).as(table + " after an unchanged cycle").isEqualTo(before.get(table)));
    // ... and yet every finding still violated reads as seen by this evaluation, in every reader
    FindingRepository findings = bench.store.findings();
    assertThat(findings.list(FindingRepository.Query.all()).items()).allSatisfy(f ->
        assertThat(f.lastSeen()).isEqualTo(clock.instant()));
    assertThat(findings.page(FindingFilter.all(), FindingSort.parse("-lastSeen"), null, 500)
        .items()).allSatisfy(f -> assertThat(f.lastSeen()).isEqualTo(clock.instant()));
  }

  private static long count(JdbcClient jdbc, String table) {
    return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
  }

  /** Every row of the tables evaluation writes to, in a stable order. */
  private static Map<String, List<Map<String, Object>>> tables(JdbcClient jdbc) {
    List<Map<String, Object>> findings = jdbc.sql("SELECT * FROM finding ORDER BY id").query().listOfRows();
    return Map.of(
        "finding", findings,
        "finding_event", jdbc.sql("SELECT * FROM finding_event ORDER BY id").query().listOfRows(),
        "finding_control", jdbc.sql("SELECT * FROM finding_control ORDER BY finding_id, control_id").query().listOfRows(),
        "finding_owner", jdbc.sql("SELECT * FROM finding_owner ORDER BY finding_id, owner").query().listOfRows(),
        "source_staleness", jdbc.sql("SELECT * FROM source_staleness ORDER BY connector_id").query().listOfRows());
  }
}
