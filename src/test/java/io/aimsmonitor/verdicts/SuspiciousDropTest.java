package io.aimsmonitor.verdicts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.store.SnapshotRepository.RunSummary;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8, item 6: no silent mass resolution. A source whose listing suddenly comes back empty
 * (a token that lost its scope, a wrong project) is a successful run with zero facts; it is held,
 * not applied, and no finding resolves until the drop is confirmed.
 */
class SuspiciousDropTest {

  @TempDir
  Path dir;

  static final String CHURN = Finding.idOf("test.production-has-owner", "inventory:churn/4");
  static final String FRAUD = Finding.idOf("test.production-has-owner", "inventory:fraud/7");

  private Workbench bench(String connectorYaml) {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    Workbench bench = new Workbench(dir, TestStore.on(TestDatabases.h2File(dir.resolve("db"))), clock,
        dir.resolve("rules"), connectorYaml, java.util.List.of("inventory"));
    bench.writePack("test-pack", Workbench.OWNER_RULE);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[]"));
    cycle(bench);
    assertThat(bench.store.findings().get(CHURN).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);
    assertThat(bench.store.findings().get(FRAUD).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);
    return bench;
  }

  @Test
  void anEmptyListingIsHeldAndResolvesNothingUntilAnAdminConfirmsIt() {
    Workbench bench = bench("");
    long lastGood = bench.store.snapshots().latestGood("inventory").orElseThrow().runId();

    bench.clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("models.yaml", "[]");
    cycle(bench);

    RunSummary held = bench.store.snapshots().history("inventory", 1).get(0);
    assertThat(held.status()).isEqualTo("HELD");
    assertThat(held.errorReason()).isEqualTo("suspicious_drop");
    assertThat(held.error()).contains("no facts", "after 2");
    assertThat(bench.store.snapshots().latestGood("inventory").orElseThrow().runId())
        .as("the last good snapshot stays in force").isEqualTo(lastGood);
    for (String id : new String[] {CHURN, FRAUD}) {
      Finding f = bench.store.findings().get(id).orElseThrow();
      assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
      assertThat(f.stale()).as("a held run is no fresh evidence").isTrue();
      assertThat(bench.store.findings().history(id)).extracting(FindingEvent::type)
          .doesNotContain(FindingEvent.Type.RESOLVED);
    }

    // A second empty run is held too: without guard.confirmAfterRuns, only an admin confirms.
    bench.clock.advance(Duration.ofMinutes(30));
    cycle(bench);
    assertThat(bench.store.findings().get(CHURN).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);

    // Only a held run can be confirmed.
    assertThatThrownBy(() -> bench.monitor.confirmHeldRun("inventory", lastGood, "admin"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not held");
    long latest = bench.store.snapshots().history("inventory", 1).get(0).id();
    RunSummary confirmed = bench.monitor.confirmHeldRun("inventory", latest, "admin").orElseThrow();
    assertThat(confirmed.status()).isEqualTo("SUCCEEDED");
    assertThat(confirmed.confirmedBy()).isEqualTo("admin");
    bench.monitor.evaluate();
    assertThat(bench.store.findings().get(CHURN).orElseThrow().status()).isEqualTo(Finding.Status.RESOLVED);
    assertThat(bench.store.findings().get(FRAUD).orElseThrow().status()).isEqualTo(Finding.Status.RESOLVED);
  }

  @Test
  void whereConfiguredConsecutiveRunsThatAgreeConfirmTheDrop() {
    Workbench bench = bench("guard: {maxDrop: 40%, confirmAfterRuns: 2}\n");
    bench.clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]")); // 2 -> 1 fact: a 50% drop
    cycle(bench);
    assertThat(bench.store.snapshots().history("inventory", 1).get(0).held()).isTrue();
    assertThat(bench.store.findings().get(FRAUD).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);

    bench.clock.advance(Duration.ofMinutes(30));
    cycle(bench);
    RunSummary agreed = bench.store.snapshots().history("inventory", 1).get(0);
    assertThat(agreed.status()).isEqualTo("SUCCEEDED");
    assertThat(agreed.confirmedBy()).isEqualTo("2 consecutive runs");
    assertThat(bench.store.findings().get(FRAUD).orElseThrow().status()).isEqualTo(Finding.Status.RESOLVED);
    assertThat(bench.store.findings().get(CHURN).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);
  }

  @Test
  void anIntentionallyEmptySourceIsNotHeld() {
    Workbench bench = bench("guard: {expectEmpty: true}\n");
    bench.clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("models.yaml", "[]");
    cycle(bench);
    assertThat(bench.store.snapshots().history("inventory", 1).get(0).status()).isEqualTo("SUCCEEDED");
    assertThat(bench.store.findings().get(CHURN).orElseThrow().status()).isEqualTo(Finding.Status.RESOLVED);
  }

  private static void cycle(Workbench bench) {
    CollectionResult result = bench.monitor.collect("inventory", () -> false);
    assertThat(result.succeeded()).as("collection: %s", result.error()).isTrue();
    bench.monitor.evaluate();
  }
}
