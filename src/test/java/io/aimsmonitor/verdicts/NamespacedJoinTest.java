package io.aimsmonitor.verdicts;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.store.FindingRepository;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8, item 4: a reference joins only within the system it points into. Two registries (two
 * sources) whose run ids collide, judged by the shipped packs on a real store: registry C's version
 * names run {@code run-1}, which C no longer has; registry B serves its own {@code run-1}.
 */
class NamespacedJoinTest {

  @TempDir
  Path dir;

  private static final String C_VERSION = """
      - kind: ModelVersion
        registry: mlflow
        modelName: credit-limit
        version: "3"
        stage: Production
        owners: [credit-ml]
        sourceRunId: run-1
      """;

  private static final String B_VERSION_AND_RUN = """
      - kind: ModelVersion
        registry: mlflow
        modelName: churn
        version: "7"
        stage: Production
        owners: [growth-ml]
        sourceRunId: run-1
      - kind: TrainingRun
        runId: run-1
        metrics: {auc: 0.9}
        inputDatasets: [{name: lake.b_private, digest: d1, context: training}]
      - kind: Dataset
        catalog: datahub
        qualifiedName: lake.b_private
        name: b_private
      """;

  @Test
  void aRunOfAnotherRegistryWithTheSameIdNeitherResolvesNorIsBlamedOn() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    TestStore store = TestStore.on(TestDatabases.h2File(dir.resolve("db")));
    Workbench bench = new Workbench(dir, store, clock, Path.of("rules"), "registry-b", "registry-c");
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();

    // C's version names run-1, which C does not serve; B serves nothing yet.
    bench.writeInventory("registry-c", "models.yaml", C_VERSION);
    bench.writeInventory("registry-b", "models.yaml", "[]");
    cycle(bench);
    String unknownRun = Finding.idOf("lifecycle.source-run-recorded", "registry-c:credit-limit/3");
    assertThat(store.findings().get(unknownRun)).get().extracting(Finding::status).isEqualTo(Finding.Status.OPEN);
    assertThat(store.findings().get(unknownRun).orElseThrow().evidence())
        .containsEntry("sourceRunNamespace", "registry-c");

    // B now serves a run with the same id, with its own dataset.
    clock.advance(Duration.ofMinutes(30));
    bench.writeInventory("registry-b", "models.yaml", B_VERSION_AND_RUN);
    cycle(bench);

    Finding stillOpen = store.findings().get(unknownRun).orElseThrow();
    assertThat(stillOpen.status()).as("B's run-1 is not the run C's version names").isEqualTo(Finding.Status.OPEN);
    assertThat(store.findings().history(unknownRun)).extracting(FindingEvent::type)
        .doesNotContain(FindingEvent.Type.RESOLVED);

    // B's dataset is B's model's business only.
    List<Finding> datasetFindings = store.findings().list(FindingRepository.Query.all()).items().stream()
        .filter(f -> f.subject().key().equals("registry-b:lake.b_private")).toList();
    assertThat(datasetFindings).isNotEmpty();
    assertThat(datasetFindings).allSatisfy(f -> {
      assertThat(f.message()).contains("churn v7").doesNotContain("credit-limit");
      assertThat(String.valueOf(f.evidence().get("usedBy"))).doesNotContain("credit-limit");
    });
    // and C's version is not judged on B's run: no metrics or dataset findings drawn from it
    assertThat(store.findings().list(FindingRepository.Query.all()).items())
        .filteredOn(f -> f.subject().key().equals("registry-c:credit-limit/3"))
        .extracting(Finding::message)
        .noneMatch(m -> m.contains("lake.b_private"));
  }

  private static void cycle(Workbench bench) {
    for (String source : List.of("registry-b", "registry-c")) {
      assertThat(bench.monitor.collect(source, () -> false).succeeded()).isTrue();
    }
    bench.monitor.evaluate();
  }
}
