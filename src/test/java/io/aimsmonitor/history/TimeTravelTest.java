package io.aimsmonitor.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.finding.ControlReport;
import io.aimsmonitor.review.ReviewProperties;
import io.aimsmonitor.review.WaiverRequest;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Time travel over a real finding history: a control non-compliant for two days, fixed, broken
 * again (a regression), then waived; its status as of each moment and the period figures follow.
 */
class TimeTravelTest {

  @TempDir
  Path dir;

  @Test
  void statusAsOfPastInstantsAndPeriodFigures() throws Exception {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
    MutableClock clock = new MutableClock(t0);
    Workbench bench = Workbench.withReview(dir, TestStore.on(data), data, clock, ReviewProperties.defaults());
    bench.writePack("owner", Workbench.OWNER_RULE);
    bench.ruleBook.reload();
    TimeTravel travel = new TimeTravel(new FindingHistory(JdbcClient.create(data)), ControlCatalog.bundled(),
        () -> bench.ruleBook.rules().values(), bench.review::waivers, clock);

    // day 0: churn has no owner; day 2: owner set (resolved); day 3: owner removed (regression); day 4: waived
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]"));
    evaluate(bench);
    clock.advance(Duration.ofDays(2));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[ana]"));
    evaluate(bench);
    clock.advance(Duration.ofDays(1));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]"));
    evaluate(bench);
    clock.advance(Duration.ofDays(1));
    String finding = JdbcClient.create(data).sql("SELECT id FROM finding").query(String.class).single();
    bench.review.requestWaiver(WaiverRequest.forFinding(finding, "Owner leaves; successor named next week",
        clock.instant().plus(Duration.ofDays(10))), "alice");
    clock.advance(Duration.ofDays(1));

    assertEquals("not_evaluated", status(travel.controlsAsOf(t0.minusSeconds(60)), "A.3.2"), "before any evaluation");
    assertEquals("non_compliant", status(travel.controlsAsOf(t0.plus(Duration.ofDays(1))), "A.3.2"));
    assertEquals("compliant", status(travel.controlsAsOf(t0.plus(Duration.ofHours(60))), "A.3.2"));
    assertEquals("non_compliant", status(travel.controlsAsOf(t0.plus(Duration.ofHours(80))), "A.3.2"));
    assertEquals("compliant", status(travel.controlsAsOf(clock.instant()), "A.3.2"), "waived: an accepted risk");

    TimeTravel.PeriodReport period = travel.period(t0, t0.plus(Duration.ofDays(5)));
    TimeTravel.ControlPeriod a32 = period.controls().stream().filter(c -> c.id().equals("A.3.2")).findFirst()
        .orElseThrow();
    assertEquals(Duration.ofDays(3).getSeconds(), a32.secondsOutOfCompliance(), "2 days, then 1 until the waiver");
    assertEquals(48.0, a32.meanTimeToRemediateHours());
    assertEquals(1, a32.regressions());
    assertEquals("non_compliant", a32.statusAtStart(), "the first evaluation finished at the period's start");
    assertEquals("compliant", a32.statusAtEnd());
    assertEquals(1, period.regressions().size());
    assertEquals(1, period.waivers().size());
    assertEquals("alice", period.waivers().get(0).approvedBy());
    assertEquals(1, period.summary().findingsOpened());
    assertTrue(period.findings().get(0).waivedAtEnd());
    TimeTravel.ControlPeriod untouched = period.controls().stream().filter(c -> c.id().equals("A.9.2")).findFirst()
        .orElseThrow();
    assertEquals(0, untouched.secondsOutOfCompliance());
    assertNull(untouched.meanTimeToRemediateHours());
  }

  private static void evaluate(Workbench bench) {
    bench.monitor.collect("inventory", () -> false);
    bench.monitor.evaluate();
  }

  private static String status(List<ControlReport.Row> rows, String id) {
    return rows.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow().status();
  }
}
