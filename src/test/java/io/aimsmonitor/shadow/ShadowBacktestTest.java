package io.aimsmonitor.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.store.ShadowRepository;
import io.aimsmonitor.testing.HostilePacks;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Backtest over the stored history: snapshots collected on different days (through the real file
 * connector and store) give per-day results from the snapshot set in force at each day's end; days
 * before any snapshot say "no data", not zero; the budget and the day range are enforced.
 */
class ShadowBacktestTest {

  @TempDir
  Path dir;

  private Workbench bench;
  private MutableClock clock;
  private ShadowMode shadow;
  private DataSource data;

  /** The store under test: H2 here, PostgreSQL in {@link ShadowBacktestPostgresTest}. */
  DataSource database(Path folder) throws Exception {
    return TestDatabases.h2File(folder.resolve("db"));
  }

  @BeforeEach
  void setUp() throws Exception {
    data = database(dir);
    clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    bench = new Workbench(dir, TestStore.on(data), clock);
    bench.writePack("live", Workbench.OWNER_RULE);
    Path candidate = Files.createDirectories(bench.rules.resolve("candidate"));
    Files.writeString(candidate.resolve("pack.yaml"), "name: candidate\nshadow: true\n");
    Files.writeString(candidate.resolve("rules.drl"), ShadowModeServeTest.CANDIDATE);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    assertThat(bench.ruleBook.shadowPacks()).extracting(p -> p.name()).containsExactly("candidate");
    assertThat(bench.ruleBook.packs()).extracting(p -> p.name()).containsExactly("live");
    shadow = shadowMode(ShadowProperties.DEFAULTS);
  }

  private ShadowMode shadowMode(ShadowProperties properties) {
    return new ShadowMode(bench.ruleBook, new ShadowRepository(JdbcClient.create(data)), bench.store.evaluations(),
        bench.store.snapshots(), bench.monitor.connectors(), UnaryOperator.identity(), properties, clock);
  }

  private void collect(String models) {
    bench.writeInventory("models.yaml", models);
    assertThat(bench.monitor.collect("inventory", () -> false).succeeded()).isTrue();
  }

  @Test
  void eachDayIsEvaluatedOverTheSnapshotsInForceAtItsEnd() {
    collect(Workbench.model("churn", "4", "[]")); // 1 Nov: 2 violations (owner, documentation)
    clock.advance(Duration.ofDays(2));
    collect(Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "2", "[alice, bob]")); // 3 Nov: 3
    clock.advance(Duration.ofDays(1));
    bench.writeInventory("models.yaml", "not: [valid"); // 4 Nov: a failed run leaves 3 Nov's snapshot in force
    assertThat(bench.monitor.collect("inventory", () -> false).succeeded()).isFalse();
    clock.advance(Duration.ofHours(2)); // now 4 Nov 12:00

    ShadowMode.Backtest backtest = shadow.backtest("candidate", 5, 10);

    assertThat(backtest.complete()).isTrue();
    assertThat(backtest.error()).isNull();
    List<String> days = backtest.results().stream()
        .map(d -> d.date() + " " + d.asOf() + " " + d.status() + " " + d.violations()).toList();
    assertThat(days).containsExactly(
        "2026-10-31 2026-11-01T00:00:00Z no-data 0",
        "2026-11-01 2026-11-02T00:00:00Z ok 2",
        "2026-11-02 2026-11-03T00:00:00Z ok 2",
        "2026-11-03 2026-11-04T00:00:00Z ok 3",
        "2026-11-04 2026-11-04T12:00:00Z ok 3");
    // different snapshots on different days: 1 and 2 Nov read the first run, 3 and 4 Nov the second
    long first = backtest.results().get(1).snapshots().get("inventory");
    long second = backtest.results().get(3).snapshots().get("inventory");
    assertThat(second).isGreaterThan(first);
    assertThat(backtest.results().get(2).snapshots()).containsEntry("inventory", first);
    assertThat(backtest.results().get(4).snapshots()).containsEntry("inventory", second);
    assertThat(backtest.results().get(3).items()).extracting(v -> v.ruleId() + " " + v.subjectName()).containsExactly(
        "candidate.production-is-documented churn v4", "candidate.production-is-documented fraud v2",
        "test.production-has-owner churn v4");
    assertThat(shadow.backtest("candidate", 2, 1).results().get(1).items()).hasSize(1); // the list is bounded
    assertThat(LocalDate.of(2026, 11, 4)).isEqualTo(backtest.results().get(4).date());

    // the backtest stored nothing: no findings, no shadow result
    assertThat(JdbcClient.create(data).sql("SELECT COUNT(*) FROM finding").query(Long.class).single()).isZero();
    assertThat(JdbcClient.create(data).sql("SELECT COUNT(*) FROM shadow_result").query(Long.class).single()).isZero();
  }

  @Test
  void theBudgetAndTheDayRangeAreEnforced() {
    collect(Workbench.model("churn", "4", "[]"));
    ShadowMode starved = shadowMode(new ShadowProperties(1000, Duration.ofDays(30), 30, Duration.ofNanos(1)));
    ShadowMode.Backtest cut = starved.backtest("candidate", 30, 10);
    assertThat(cut.complete()).isFalse();
    assertThat(cut.results()).hasSizeLessThan(30);
    assertThat(cut.error()).contains("aims.shadow.backtest-budget").contains("of 30 days");

    assertThatThrownBy(() -> shadow.backtest("candidate", 31, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aims.shadow.backtest-max-days");
    assertThatThrownBy(() -> shadow.backtest("live", 1, 10)).isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("it is a live pack");
    assertThatThrownBy(() -> new ShadowProperties(1000, Duration.ofDays(30), 400, Duration.ofMinutes(1)))
        .hasMessageContaining("backtest-max-days");
  }

  @Test
  void aShadowEvaluationStoresTheLatestResultAndPromotionMakesThePackLive() throws IOException {
    collect(Workbench.model("churn", "4", "[]"));
    bench.monitor.evaluate();
    shadow.evaluate(bench.monitor.latestFacts(), clock.instant());
    assertThat(shadow.report("candidate", 10).violations()).isEqualTo(2);
    assertThat(shadow.report("candidate", 10).newViolations()).isEqualTo(1); // the owner finding is open already

    // promotion: drop the shadow flag (and the live pack whose rule it revises); the normal reload makes it live
    Files.writeString(bench.rules.resolve("candidate/pack.yaml"), "name: candidate\n");
    var clash = bench.ruleBook.reload();
    assertThat(clash.rejected()).singleElement().satisfies(r -> assertThat(r.problems().toString())
        .contains("test.production-has-owner").contains("already defined by pack 'live'"));
    assertThat(bench.ruleBook.shadowPacks()).hasSize(1); // refused: the shadow version stays in force
    Files.walk(bench.rules.resolve("live")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    assertThat(bench.ruleBook.shadowPacks()).isEmpty();
    assertThat(bench.ruleBook.packs()).extracting(p -> p.name()).containsExactly("candidate");
    clock.advance(Duration.ofMinutes(5));
    bench.monitor.evaluate();
    shadow.evaluate(bench.monitor.latestFacts(), clock.instant());
    assertThat(JdbcClient.create(data).sql("SELECT COUNT(*) FROM finding WHERE status = 'OPEN'").query(Long.class)
        .single()).isEqualTo(2);
    assertThat(JdbcClient.create(data).sql("SELECT COUNT(*) FROM shadow_result").query(Long.class).single()).isZero();
  }

  @Test
  void aShadowPackThatTripsAGuardFailsAloneAndTheLivePackIsUnaffected() throws IOException {
    Path looping = HostilePacks.LOOPING.write(bench.rules);
    Files.writeString(looping.resolve("pack.yaml"), Files.readString(looping.resolve("pack.yaml")) + "shadow: true\n");
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    collect(Workbench.model("churn", "4", "[]"));

    var outcome = bench.monitor.evaluate();
    shadow.evaluate(bench.monitor.latestFacts(), clock.instant());

    assertThat(outcome.run().failedPacks()).isEmpty(); // only live packs count there
    assertThat(outcome.run().opened()).isEqualTo(1);
    ShadowMode.PackReport hostile = shadow.report(HostilePacks.LOOPING.pack(), 10);
    assertThat(hostile.evaluation()).isEqualTo("failed");
    assertThat(hostile.error()).contains("stopped");
    assertThat(shadow.report("candidate", 10).evaluation()).isEqualTo("ok");
    assertThat(shadow.report("candidate", 10).violations()).isEqualTo(2);
    assertThat(JdbcClient.create(data).sql("SELECT COUNT(*) FROM finding WHERE status = 'OPEN'").query(Long.class)
        .single()).isEqualTo(1);
  }
}
