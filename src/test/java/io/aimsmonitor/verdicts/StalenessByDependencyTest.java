package io.aimsmonitor.verdicts;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.schedule.Schedules;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import io.aimsmonitor.web.api.ConnectorsController;
import io.aimsmonitor.web.api.ConnectorsController.ConnectorView;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * Issue #8, item 5: one failing source does not freeze the others. Registry A stays healthy,
 * registry B breaks. A's fix of a finding that only A's data decides resolves; a finding whose
 * subject is B's, or whose verdict could change with B's data (a join with runs B may serve),
 * stays open and stale; the API names B and how many findings it holds stale.
 */
class StalenessByDependencyTest {

  @TempDir
  Path dir;

  static final String RULES = Workbench.OWNER_RULE.replace("package test.owner;", "package test.owner;\n"
      + "import io.aimsmonitor.fact.TrainingRun;") + """
      rule "test.source-run-known"
        @control("A.6.2.3") @severity("low") @title("The training run is known") @remediation("Connect the tracker.")
      when
        $m : ModelVersion( production, sourceRunId != null )
        not TrainingRun( ref == $m.sourceRun )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " names an unknown run.", "sourceRunId", $m.sourceRunId());
      end
      """;

  static final String OWNER = "test.production-has-owner";
  static final String RUN = "test.source-run-known";

  @Test
  void theHealthySourcesFixResolvesWhileWhatCouldDependOnTheFailedSourceStaysStale() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
    Workbench bench = new Workbench(dir, store, clock, dir.resolve("rules"), "registry-a", "registry-b");
    bench.writePack("test-pack", RULES);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();

    bench.writeInventory("registry-a", "models.yaml", version("churn", "4", "[]", "run-a"));
    bench.writeInventory("registry-b", "models.yaml", version("fraud", "7", "[]", null));
    cycle(bench);
    String churnOwner = Finding.idOf(OWNER, "registry-a:churn/4");
    String churnRun = Finding.idOf(RUN, "registry-a:churn/4");
    String fraudOwner = Finding.idOf(OWNER, "registry-b:fraud/7");
    assertThat(store.findings().get(churnOwner).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);
    assertThat(store.findings().get(churnRun).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);
    assertThat(store.findings().get(fraudOwner).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);

    // B breaks; A names an owner for churn.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("registry-b", "models.yaml", "- kind: ModelVersion\n  modelName: [unclosed\n");
    bench.writeInventory("registry-a", "models.yaml", version("churn", "4", "[growth-team]", "run-a"));
    cycle(bench);

    Finding fixed = store.findings().get(churnOwner).orElseThrow();
    assertThat(fixed.status()).as("decided by A's data alone: resolves though B failed")
        .isEqualTo(Finding.Status.RESOLVED);
    Finding bSubject = store.findings().get(fraudOwner).orElseThrow();
    assertThat(bSubject.status()).isEqualTo(Finding.Status.OPEN);
    assertThat(bSubject.stale()).as("its subject is B's").isTrue();
    Finding joined = store.findings().get(churnRun).orElseThrow();
    assertThat(joined.status()).isEqualTo(Finding.Status.OPEN);
    assertThat(joined.stale()).as("B may serve the run it names").isTrue();

    // A now serves the run: the verdict could still change with B's data, so it is not resolved.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("registry-a", "runs.yaml", "- {kind: TrainingRun, runId: run-a}\n");
    cycle(bench);
    assertThat(store.findings().get(churnRun).orElseThrow().status()).isEqualTo(Finding.Status.OPEN);
    assertThat(store.findings().history(churnRun)).extracting(FindingEvent::type).contains(FindingEvent.Type.STALE)
        .doesNotContain(FindingEvent.Type.RESOLVED);
    assertThat(store.findings().history(churnRun)).filteredOn(e -> e.type() == FindingEvent.Type.STALE)
        .extracting(FindingEvent::detail).anyMatch(d -> d.contains("registry-b"));

    // Where users look: the API names the source and how many findings it holds stale.
    Map<String, ConnectorView> views = new ConnectorsController(bench.monitor.connectors(), store.snapshots(),
        new StaticListableBeanFactory().getBeanProvider(Schedules.class), store.evaluations(),
        new StaticListableBeanFactory().getBeanProvider(io.aimsmonitor.schedule.MonitorService.class),
        null /* list() records nothing in the audit log */).list().stream()
        .collect(Collectors.toMap(ConnectorView::id, v -> v));
    assertThat(views.get("registry-b").fresh()).isFalse();
    assertThat(views.get("registry-b").staleFindings()).isEqualTo(2);
    assertThat(views.get("registry-a").fresh()).isTrue();
    assertThat(views.get("registry-a").staleFindings()).isZero();

    // B recovers: the run finding resolves on fresh evidence, B's own finding is fresh again.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("registry-b", "models.yaml", version("fraud", "7", "[]", null));
    cycle(bench);
    assertThat(store.findings().get(churnRun).orElseThrow().status()).isEqualTo(Finding.Status.RESOLVED);
    assertThat(store.findings().get(fraudOwner).orElseThrow().stale()).isFalse();
    assertThat(store.evaluations().staleness()).isEmpty();
  }

  private static String version(String name, String version, String owners, String runId) {
    return Workbench.model(name, version, owners) + (runId == null ? "" : "  sourceRunId: " + runId + "\n");
  }

  private static void cycle(Workbench bench) {
    bench.monitor.collect("registry-a", () -> false);
    bench.monitor.collect("registry-b", () -> false);
    bench.monitor.evaluate();
  }
}
