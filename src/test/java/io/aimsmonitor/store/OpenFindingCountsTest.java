package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.WaiverRequest;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.schedule.MonitorService;
import io.aimsmonitor.testing.LogCapture;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The open findings per severity that evaluations keep ({@link OpenFindingCounts}) equal a fresh
 * count of the table after every cycle of a random sequence: findings opened, resolved and reopened,
 * a rule's severity changed, waivers requested, revoked and expiring, a source not collected fresh
 * (findings held stale) and back, reviewers acknowledging, assigning and commenting, and another
 * replica evaluating now and then. And they are kept, not counted: only the first cycle and those
 * after another replica changed findings count the table.
 *
 * <p>The random sequence runs over a connection pool, as the application's store does (HikariCP):
 * without one, every statement opened a PostgreSQL connection, or opened, compacted and closed the
 * H2 file database, which was most of this class's time and none of what it checks.
 */
class OpenFindingCountsTest {

  static final String UNAPPROVED = "test.unapproved";
  static final String NO_METRICS = "test.run-without-metrics";
  static final String NO_OWNER = "test.no-owner";
  static final Instant START = Instant.parse("2026-11-01T10:00:00Z");
  static final String JUSTIFICATION = "Accepted by the risk committee for this quarter.";

  @TempDir
  Path dir;

  static String pack(String unapprovedSeverity) {
    return """
        package test.counts;
        import io.aimsmonitor.fact.ModelVersion;
        import io.aimsmonitor.fact.TrainingRun;
        global io.aimsmonitor.rules.Violations violations;
        rule "test.unapproved"
          @control("A.6.2.5") @severity("%s") @title("Model is approved") @remediation("Approve it.")
        when
          $m : ModelVersion( approvalStatus == null )
        then
          violations.report(kcontext, $m, "Model " + $m.modelName() + " is not approved.", "approvalStatus", "none");
        end
        rule "test.no-owner"
          @control("A.3.2") @severity("high") @title("Model has an owner") @remediation("Name one.")
        when
          $m : ModelVersion( owners.isEmpty() )
        then
          violations.report(kcontext, $m, "Model " + $m.modelName() + " has no owner.", "owners", "none");
        end
        rule "test.run-without-metrics"
          @control("A.3.2") @severity("low") @title("Run logs metrics") @remediation("Log metrics.")
        when
          $r : TrainingRun( metrics.isEmpty() )
        then
          violations.report(kcontext, $r, "Run " + $r.runId() + " logs no metrics.", "metrics", "none");
        end
        """.formatted(unapprovedSeverity);
  }

  /** One model version (owners, approval) and the training run that produced it (metrics or none). */
  record Model(List<String> owners, boolean approved, boolean metrics) {}

  static String inventory(List<Model> models) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < models.size(); i++) {
      Model m = models.get(i);
      out.append("""
          - kind: ModelVersion
            registry: mlflow
            modelName: model-%d
            version: "1"
            stage: Production
            owners: %s
            sourceRunId: run-%d
          """.formatted(i, m.owners(), i));
      if (m.approved()) {
        out.append("  approvalStatus: APPROVED\n");
      }
      out.append("- {kind: TrainingRun, runId: run-%d%s}\n".formatted(i, m.metrics() ? ", metrics: {auc: 0.9}" : ""));
    }
    return out.toString();
  }

  static String findingOf(String rule, int model) {
    return Finding.idOf(rule, rule.equals(NO_METRICS) ? "inventory:run/run-" + model : "inventory:model-" + model + "/1");
  }

  @Test
  void keptCountsEqualAFreshCountThroughARandomSequenceOfCycles() {
    randomCycles(TestDatabases.h2File(dir.resolve("db")));
  }

  /** The same on the real PostgreSQL server ({@code AIMS_TEST_POSTGRES_URL}; required under CI=true). */
  @Test
  void keptCountsEqualAFreshCountThroughARandomSequenceOfCyclesOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema schema = TestDatabases.postgres()) {
      randomCycles(schema.dataSource());
    }
  }

  private void randomCycles(DataSource unpooled) {
    try (HikariDataSource pool = pooled(unpooled)) {
      randomCyclesOn(pool);
    }
  }

  /** A small pool over {@code data}; the test is single-threaded, but a transaction and a read may overlap. */
  private static HikariDataSource pooled(DataSource data) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(data);
    config.setMaximumPoolSize(4);
    config.setPoolName("open-finding-counts");
    return new HikariDataSource(config);
  }

  private void randomCyclesOn(DataSource data) {
    JdbcClient jdbc = JdbcClient.create(data);
    MutableClock clock = new MutableClock(START);
    Workbench bench = Workbench.withReview(dir, TestStore.on(data), data, clock, ReviewProperties.defaults());
    // another replica: its own service and store objects over the same database, rules and sources
    Workbench other = Workbench.withReview(dir, TestStore.on(data), data, clock, ReviewProperties.defaults());
    FindingRepository findings = bench.store.findings();
    bench.writePack("test-pack", pack("medium"));
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    Random random = new Random(42);
    List<List<String>> owners = List.of(List.of(), List.of("team-a"), List.of("team-b", "team-a"));
    List<Model> models = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      models.add(new Model(owners.get(random.nextInt(owners.size())), random.nextBoolean(), random.nextBoolean()));
    }
    bench.writeInventory("models.yaml", inventory(models));

    int kept = 0;
    int counted = 0;
    int otherChanged = 0;
    boolean recountDue = true; // the first cycle after start cannot know
    boolean stale = false;
    java.util.Set<String> seen = new java.util.TreeSet<>();
    try (LogCapture logs = LogCapture.of(MonitorService.class, Level.INFO)) {
      for (int round = 0; round < 50; round++) {
        boolean collect = true;
        switch (random.nextInt(12)) {
          case 0, 1, 2, 3 -> { // facts change: findings open, resolve, reopen
            for (int k = random.nextInt(4); k >= 0; k--) {
              int i = random.nextInt(models.size());
              Model m = models.get(i);
              models.set(i, switch (random.nextInt(3)) {
                case 0 -> new Model(owners.get(random.nextInt(owners.size())), m.approved(), m.metrics());
                case 1 -> new Model(m.owners(), !m.approved(), m.metrics());
                default -> new Model(m.owners(), m.approved(), !m.metrics());
              });
            }
            bench.writeInventory("models.yaml", inventory(models));
            seen.add("facts");
          }
          case 4 -> { // a rule's severity changes: its open findings move from one severity to another
            bench.writePack("test-pack", pack(random.nextBoolean() ? "critical" : "medium"));
            assertThat(bench.ruleBook.reload().rejected()).isEmpty();
            seen.add("severity");
          }
          case 5 -> { // a waiver for a rule over some subjects, or for one open finding
            Instant now = clock.instant();
            Instant until = now.plus(Duration.ofMinutes(30 + random.nextInt(300)));
            String rule = List.of(UNAPPROVED, NO_METRICS, NO_OWNER).get(random.nextInt(3));
            String id = findingOf(rule, random.nextInt(models.size()));
            if (random.nextBoolean()) {
              bench.review.requestWaiver(WaiverRequest.forRule(rule, "inventory:*" + random.nextInt(10) + "*",
                  JUSTIFICATION, until), "alice");
            } else if (findings.get(id).map(Finding::isOpen).orElse(false)) {
              bench.review.requestWaiver(WaiverRequest.forFinding(id, JUSTIFICATION, until), "bob");
            }
            seen.add("waiver");
          }
          case 6 -> { // a waiver revoked: its findings are open again at once
            Instant now = clock.instant();
            bench.review.waivers().stream().filter(w -> w.inForce(now)).findFirst()
                .ifPresent(w -> bench.review.revoke(w.id(), "No longer accepted.", "carol"));
            seen.add("revoke");
          }
          case 7 -> { // reviewers at work: events that change no status
            String id = findingOf(List.of(UNAPPROVED, NO_METRICS, NO_OWNER).get(random.nextInt(3)),
                random.nextInt(models.size()));
            if (findings.get(id).isPresent()) {
              bench.review.acknowledge(id, "dave", "seen");
              bench.review.assign(id, "explicit-team", "dave");
              bench.review.comment(id, "looking into it", "erin");
              seen.add("reviewer");
            }
          }
          case 8 -> { // the source is not collected for hours: its findings are held stale, not resolved
            collect = false;
            clock.advance(Duration.ofHours(3));
            stale = true;
            seen.add("stale");
          }
          case 9 -> { // another replica collects and evaluates (possibly changing facts first)
            if (random.nextBoolean()) {
              int i = random.nextInt(models.size());
              Model m = models.get(i);
              models.set(i, new Model(m.owners(), !m.approved(), m.metrics()));
              bench.writeInventory("models.yaml", inventory(models));
            }
            long before = evaluationEvents(jdbc);
            assertThat(other.ruleBook.reload().rejected()).isEmpty();
            collect(other);
            other.monitor.evaluate();
            if (evaluationEvents(jdbc) != before) {
              recountDue = true;
              otherChanged++;
            }
            // a reader on that replica, whose counts were never kept, counts; one on this replica sees
            // that its kept counts are no longer known; both are exact
            assertThat(other.store.findings().openBySeverity().open()).isEqualTo(fresh(jdbc, false));
            assertThat(findings.openBySeverity().open()).as("round %d: read here after another replica evaluated",
                round).isEqualTo(fresh(jdbc, false));
            seen.add("other");
          }
          default -> { }
        }
        if (collect) {
          collect(bench);
          stale = false;
        }
        clock.advance(Duration.ofMinutes(random.nextInt(3) * 20L));
        long countedBefore = findings.openCounted();
        logs.events().clear();
        bench.monitor.evaluate();
        long counts = findings.openCounted() - countedBefore;

        assertThat(summary(logs.events())).as("round %d: the log line", round).isEqualTo(line(fresh(jdbc, true)));
        assertThat(findings.openBySeverity().open()).as("round %d: open, waived included", round)
            .isEqualTo(fresh(jdbc, false));
        assertThat(findings.openBySeverity().waived()).as("round %d: waived", round).isEqualTo(waived(jdbc));
        assertThat(findings.openCounted() - countedBefore - counts).as("round %d: reading them again counted", round)
            .isZero();
        assertThat(counts).as("round %d: counted from the table (expected: %s)", round, recountDue)
            .isEqualTo(recountDue ? 1 : 0);
        if (recountDue) {
          counted++;
        } else {
          kept++;
        }
        recountDue = false;
      }
    }
    assertThat(seen).as("what the sequence did").containsExactlyInAnyOrder("facts", "severity", "waiver", "revoke",
        "reviewer", "stale", "other");
    assertThat(otherChanged).as("rounds in which another replica changed findings").isPositive();
    assertThat(kept).as("cycles that kept the counts").isGreaterThan(30);
    assertThat(counted).as("cycles that counted").isEqualTo(1 + otherChanged);
    assertThat(fresh(jdbc, false).values().stream().mapToLong(Long::longValue).sum()).as("findings open at the end")
        .isPositive();
    assertThat(jdbc.sql("SELECT COUNT(*) FROM finding WHERE status = 'OPEN' AND stale").query(Long.class).single()
        + (stale ? 0 : 1)).as("some finding was held stale at some point, or is").isPositive();
  }

  /**
   * The waived findings are counted from the waiver index, not over the open findings: with 3,000
   * open findings, 5 of them waived and every one with a workflow row (a default assignee), H2 reads
   * a handful of rows ({@code scanCount} in {@code EXPLAIN ANALYZE}), as it does to check that no
   * evaluation wrote an event since the counts were kept.
   */
  @Test
  void theWaivedAndTheCheckReadAHandfulOfRowsNotTheOpenFindings() {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    JdbcClient jdbc = JdbcClient.create(data);
    FindingRepository findings = TestStore.on(data).findings();
    io.aimsmonitor.rules.RuleDefinition rule = new io.aimsmonitor.rules.RuleDefinition("t.critical", "t", "Critical",
        Severity.CRITICAL, List.of("A.3.2"), "full", "", "Fix it.", List.of(), List.of(),
        java.util.Set.of(io.aimsmonitor.fact.ModelVersion.class));
    List<io.aimsmonitor.rules.Violation> all = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      all.add(new io.aimsmonitor.rules.Violation(rule.id(), new io.aimsmonitor.fact.Subject("ModelVersion",
          "mlflow:m-" + i, "m-" + i, null), "broken", Map.of("source", "mlflow"), List.of()));
    }
    findings.apply(new io.aimsmonitor.finding.Reconciler().reconcile(new io.aimsmonitor.finding.Reconciler.Input(
        Map.of(), all, Map.of(rule.id(), rule), java.util.Set.of(rule.id()), io.aimsmonitor.finding.Staleness.NONE,
        Map.of(), START)));
    jdbc.sql("INSERT INTO finding_workflow (finding_id, assignee) SELECT id, 'team-a' FROM finding").update();
    jdbc.sql("UPDATE finding_workflow SET waiver_id = 'W-1' WHERE finding_id IN"
        + " (SELECT id FROM finding ORDER BY id FETCH FIRST 5 ROWS ONLY)").update();
    jdbc.sql("ANALYZE").update();

    Map<Severity, Long> waived = zero();
    waived.put(Severity.CRITICAL, 5L);
    assertThat(findings.openBySeverity().waived()).isEqualTo(waived);
    assertThat(scanned(jdbc, OpenFindingCounts.WAIVED)).as("rows read counting the waived").isLessThan(20);
    assertThat(scanned(jdbc, OpenFindingCounts.SINCE.replace(":review", "'WAIVED'").replace(":head", "2995")))
        .as("rows read checking the events since").isLessThan(20);
    // what it guards against: the same count as a join, which H2 drives from the open findings
    assertThat(scanned(jdbc, "SELECT f.severity_rank, COUNT(*) FROM finding_workflow w JOIN finding f"
        + " ON f.id = w.finding_id WHERE w.waiver_id IS NOT NULL AND f.status = 'OPEN' GROUP BY f.severity_rank"))
        .as("rows read by a join").isGreaterThan(3000);
  }

  /** The rows H2 read for {@code sql}: the sum of the {@code scanCount}s of {@code EXPLAIN ANALYZE}. */
  private static long scanned(JdbcClient jdbc, String sql) {
    String plan = jdbc.sql("EXPLAIN ANALYZE " + sql).query(String.class).single();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
    long rows = 0;
    while (m.find()) {
      rows += Long.parseLong(m.group(1));
    }
    assertThat(plan).contains("scanCount");
    return rows;
  }

  private static void collect(Workbench bench) {
    CollectionResult result = bench.monitor.collect("inventory", () -> false);
    assertThat(result.succeeded()).as("collection: %s", result.error()).isTrue();
  }

  /** Finding events of the evaluation's types (any but the review workflow's). */
  private static long evaluationEvents(JdbcClient jdbc) {
    return jdbc.sql("SELECT COUNT(*) FROM finding_event WHERE type NOT IN (:review)")
        .param("review", OpenFindingCounts.REVIEW_EVENTS.stream().map(Enum::name).toList()).query(Long.class).single();
  }

  /** Open findings per severity counted from the table now: without the waived ones, or all. */
  private static Map<Severity, Long> fresh(JdbcClient jdbc, boolean withoutWaived) {
    Map<Severity, Long> out = zero();
    jdbc.sql("SELECT f.severity, COUNT(*) FROM finding f WHERE f.status = 'OPEN'"
            + (withoutWaived ? " AND NOT " + FindingRepository.WAIVED : "") + " GROUP BY f.severity")
        .query((rs, n) -> Map.entry(Severity.valueOf(rs.getString(1)), rs.getLong(2))).list()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Map<Severity, Long> waived(JdbcClient jdbc) {
    Map<Severity, Long> out = zero();
    jdbc.sql("SELECT f.severity, COUNT(*) FROM finding f WHERE f.status = 'OPEN' AND " + FindingRepository.WAIVED
            + " GROUP BY f.severity")
        .query((rs, n) -> Map.entry(Severity.valueOf(rs.getString(1)), rs.getLong(2))).list()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Map<Severity, Long> zero() {
    Map<Severity, Long> out = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      out.put(s, 0L);
    }
    return out;
  }

  /** The log line's text for these counts, as the README shows it: most severe first, none of zero. */
  private static String line(Map<Severity, Long> bySeverity) {
    Map<Severity, Long> shown = new TreeMap<>(java.util.Comparator.reverseOrder());
    bySeverity.forEach((s, n) -> {
      if (n > 0) {
        shown.put(s, n);
      }
    });
    long total = shown.values().stream().mapToLong(Long::longValue).sum();
    List<String> parts = shown.entrySet().stream()
        .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue()).toList();
    return "open findings: " + total + (total == 0 ? "" : " (" + String.join(", ", parts) + ")")
        + " - /api/findings?status=open";
  }

  private static String summary(List<ILoggingEvent> events) {
    return events.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("open findings:"))
        .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no open-findings line logged"));
  }
}
