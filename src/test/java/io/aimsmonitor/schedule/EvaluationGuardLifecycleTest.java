package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.store.EvaluationRepository.PackFailure;
import io.aimsmonitor.testing.HostilePacks;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pack that turns hostile fails alone: its previous findings stand (not resolved), the other
 * packs' results are used, the failure is stored with the guard and the rule, and the next
 * evaluation runs as usual once the pack is fixed.
 */
class EvaluationGuardLifecycleTest {

  @TempDir
  Path dir;

  private static final String OWNER = "test.production-has-owner";
  private static final String OTHER = "other.production-has-owner";

  @ParameterizedTest
  @EnumSource(HostilePacks.class)
  void aHostilePackFailsAloneAndItsFindingsStand(HostilePacks hostile) throws Exception {
    TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    Workbench bench = new Workbench(dir, store, clock);
    bench.writePack("test-pack", Workbench.OWNER_RULE);
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]"));
    bench.ruleBook.reload();
    cycle(bench);
    String churn = Finding.idOf(OWNER, "inventory:churn/4");
    assertThat(store.findings().get(churn).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);

    // The pack gains a hostile rule; the evidence changes so that a working pack would resolve churn.
    Path pack = bench.rules.resolve("test-pack");
    Files.writeString(pack.resolve("pack.yaml"), "name: test-pack\n" + HostilePacks.LIMITS);
    Files.writeString(pack.resolve("hostile.drl"), hostile.drl());
    bench.writePack("other", Workbench.OWNER_RULE.replace(OWNER, OTHER).replace("package test.owner", "package test.other"));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[growth]") + Workbench.model("fraud", "7", "[]"));
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    var outcome = cycle(bench);

    assertThat(outcome.run().failedPacks()).containsExactly("test-pack");
    Finding stood = store.findings().get(churn).orElseThrow();
    assertThat(stood.status()).as("the failed pack's finding is not resolved").isEqualTo(Finding.Status.OPEN);
    assertThat(store.findings().get(Finding.idOf(OWNER, "inventory:fraud/7"))).as("nor does it open new ones").isEmpty();
    assertThat(store.findings().get(Finding.idOf(OTHER, "inventory:fraud/7")).orElseThrow().status())
        .as("the other pack's results are used").isEqualTo(Finding.Status.OPEN);
    PackFailure failure = store.evaluations().latestFailures().get("test-pack");
    assertThat(failure.guard()).isEqualTo(hostile.guard);
    assertThat(failure.rule()).isEqualTo(hostile.rule);
    assertThat(failure.message()).contains("'" + hostile.rule + "'");
    assertThat(store.evaluations().guardTrips().get("test-pack")).containsEntry(hostile.guard, 1L);

    // Fixed: the next evaluation uses the pack again, and churn (which has an owner now) resolves.
    Files.delete(pack.resolve("hostile.drl"));
    assertThat(bench.ruleBook.reload().loaded()).containsExactly("test-pack");
    clock.advance(Duration.ofMinutes(10));
    assertThat(cycle(bench).run().failedPacks()).isEmpty();
    assertThat(store.findings().get(churn).orElseThrow().status()).isEqualTo(Finding.Status.RESOLVED);
    assertThat(store.findings().get(Finding.idOf(OWNER, "inventory:fraud/7")).orElseThrow().status())
        .isEqualTo(Finding.Status.OPEN);
  }

  @org.junit.jupiter.api.Test
  void aPackThatRanAwayIsNotStartedAgainAfterARestart() {
    Path db = dir.resolve("db");
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    Workbench bench = new Workbench(dir, TestStore.on(TestDatabases.h2File(db)), clock);
    HostilePacks.ENDLESS.write(bench.rules);
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]"));
    bench.ruleBook.reload();
    cycle(bench);
    assertThat(bench.store.evaluations().latestFailures().get(HostilePacks.ENDLESS.pack()).runaway()).isTrue();

    // A new process: new evaluator, same store. The pack loads, but is not started.
    Workbench restarted = new Workbench(dir, TestStore.on(TestDatabases.h2File(db)), clock);
    assertThat(restarted.ruleBook.reload().loaded()).containsExactly(HostilePacks.ENDLESS.pack());
    clock.advance(Duration.ofMinutes(10));
    var outcome = cycle(restarted);
    assertThat(outcome.run().failedPacks()).containsExactly(HostilePacks.ENDLESS.pack());
    assertThat(restarted.store.evaluations().latestFailures().get(HostilePacks.ENDLESS.pack()).message())
        .contains("is quarantined");
    assertThat(restarted.store.evaluations().guardTrips().get(HostilePacks.ENDLESS.pack()))
        .as("not run, so not tripped again").containsEntry("timeout", 1L);
  }

  private static MonitorService.EvaluationOutcome cycle(Workbench bench) {
    assertThat(bench.monitor.collect("inventory", () -> false).succeeded()).isTrue();
    return bench.monitor.evaluate();
  }
}
