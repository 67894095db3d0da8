package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingEvent.Type;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The finding lifecycle end to end, on a real store: open, resolve, reopen, stale on a failing
 * source, fresh again, and surviving a restart. Run on H2 and on PostgreSQL by the subclasses.
 */
abstract class FindingLifecycleScenario {

  static final String RULE = "test.production-has-owner";
  static final String SUBJECT = "inventory:churn/4";
  static final String ID = Finding.idOf(RULE, SUBJECT);

  /**
   * @param store the store to run on
   * @param restarted a new store over the same database, as after a process restart
   */
  void runScenario(Path dir, TestStore store, Supplier<TestStore> restarted) {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    Workbench bench = new Workbench(dir, store, clock);
    bench.writePack("test-pack", Workbench.OWNER_RULE);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();

    // 1. A production model without an owner opens a finding.
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]") + Workbench.model("fraud", "7", "[risk-team]"));
    cycle(bench);
    Finding opened = store.findings().get(ID).orElseThrow();
    assertThat(opened.status()).isEqualTo(Finding.Status.OPEN);
    assertThat(opened.stale()).isFalse();
    assertThat(opened.controls()).containsExactly("A.3.2");
    assertThat(opened.subject().key()).isEqualTo(SUBJECT);
    assertThat(opened.message()).isEqualTo("Model churn v4 has no owner.");
    assertThat(opened.evidence()).containsKeys("owners", "source", "snapshot");
    assertThat(store.findings().list(FindingRepository.Query.all()).total()).isEqualTo(1);

    // 2. The owner is set: the finding is resolved on fresh evidence.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[growth-team]"));
    cycle(bench);
    Finding resolved = store.findings().get(ID).orElseThrow();
    assertThat(resolved.status()).isEqualTo(Finding.Status.RESOLVED);
    assertThat(resolved.resolvedAt()).isEqualTo(clock.instant());

    // 3. The owner is removed again: the same finding reopens, keeping when it was first seen.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]"));
    cycle(bench);
    Finding reopened = store.findings().get(ID).orElseThrow();
    assertThat(reopened.status()).isEqualTo(Finding.Status.OPEN);
    assertThat(reopened.firstSeen()).isEqualTo(opened.firstSeen());
    assertThat(reopened.resolvedAt()).isNull();
    assertThat(types(store)).containsExactly(Type.OPENED, Type.RESOLVED, Type.REOPENED);

    // 4. The source breaks: the run fails naming the file, the last good snapshot stays, and the
    //    finding stays open, marked stale, never resolved.
    clock.advance(Duration.ofMinutes(30));
    long lastGood = store.snapshots().latestGood("inventory").orElseThrow().runId();
    bench.writeInventory("models.yaml", "- kind: ModelVersion\n  modelName: [unclosed\n");
    CollectionResult failed = bench.monitor.collect("inventory", () -> false);
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.error()).contains("inventory").contains("models.yaml");
    assertThat(failed.facts()).isEmpty();
    bench.monitor.evaluate();
    assertThat(store.snapshots().latestGood("inventory").orElseThrow().runId()).isEqualTo(lastGood);
    Finding stale = store.findings().get(ID).orElseThrow();
    assertThat(stale.status()).isEqualTo(Finding.Status.OPEN);
    assertThat(stale.stale()).isTrue();
    assertThat(types(store)).containsExactly(Type.OPENED, Type.RESOLVED, Type.REOPENED, Type.STALE);

    // 5. The source is repaired: fresh evidence again.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("models.yaml", Workbench.model("churn", "4", "[]"));
    cycle(bench);
    assertThat(store.findings().get(ID).orElseThrow().stale()).isFalse();
    assertThat(types(store)).endsWith(Type.STALE, Type.REFRESHED);

    // 6. After a restart the findings and their history are still there.
    TestStore afterRestart = restarted.get();
    Finding kept = afterRestart.findings().get(ID).orElseThrow();
    assertThat(kept.status()).isEqualTo(Finding.Status.OPEN);
    assertThat(kept.firstSeen()).isEqualTo(opened.firstSeen());
    assertThat(afterRestart.findings().history(ID)).extracting(FindingEvent::type)
        .containsExactly(Type.OPENED, Type.RESOLVED, Type.REOPENED, Type.STALE, Type.REFRESHED);
    assertThat(afterRestart.evaluations().count()).isEqualTo(5);
  }

  private static void cycle(Workbench bench) {
    CollectionResult result = bench.monitor.collect("inventory", () -> false);
    assertThat(result.succeeded()).as("collection: %s", result.error()).isTrue();
    bench.monitor.evaluate();
  }

  private static List<Type> types(TestStore store) {
    return store.findings().history(ID).stream().map(FindingEvent::type).toList();
  }
}
