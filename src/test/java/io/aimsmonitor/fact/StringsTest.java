package io.aimsmonitor.fact;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two facts built from equal values read separately (as two parsed records are) hold one string
 * per repeated value, not one each; identifiers stay the caller's own.
 */
class StringsTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void versionsOfOneModelShareTheirRepeatedValuesButNotTheirIdentifiers() {
    ModelVersion a = version("1");
    ModelVersion b = version("2");
    assertThat(a.modelName()).isSameAs(b.modelName());
    assertThat(a.owners().get(0)).isSameAs(b.owners().get(0));
    assertThat(a.tags().keySet().iterator().next()).isSameAs(b.tags().keySet().iterator().next());
    assertThat(a.tags().get("team")).isSameAs(b.tags().get("team"));
    assertThat(a.stage()).isSameAs(b.stage());
    assertThat(a.sourceRunId()).isEqualTo(b.sourceRunId()).isNotSameAs(b.sourceRunId()); // an id: not shared
  }

  @Test
  void runsShareTheirExperimentAndTheDatasetsTheyRead() {
    TrainingRun a = run("run-1");
    TrainingRun b = run("run-2");
    assertThat(a.experiment()).isSameAs(b.experiment());
    assertThat(a.inputDatasets().get(0).name()).isSameAs(b.inputDatasets().get(0).name());
    assertThat(a.params().keySet().iterator().next()).isSameAs(b.params().keySet().iterator().next());
  }

  @Test
  void aCopyWithAnotherObservationTimeKeepsTheOriginalsCollections() {
    // what the snapshot store hands on for a re-stamped fact: comparing it with the original must
    // stay a reference comparison per component (FactChanges), so sharing must not copy again
    ModelVersion a = version("1");
    ModelVersion copy = a.withOrigin(a.source(), NOW.plusSeconds(3600));
    assertThat(copy.observedAt()).isNotEqualTo(a.observedAt());
    assertThat(copy.owners()).isSameAs(a.owners());
    assertThat(copy.tags()).isSameAs(a.tags());
    assertThat(copy.aliases()).isSameAs(a.aliases());
    TrainingRun r = run("run-1");
    TrainingRun again = r.withOrigin(r.source(), NOW.plusSeconds(3600));
    assertThat(again.params()).isSameAs(r.params());
    assertThat(again.metrics()).isSameAs(r.metrics());
  }

  private static String fresh(String value) {
    return new String(value.toCharArray()); // a distinct object, as a parser makes
  }

  private static ModelVersion version(String version) {
    return new ModelVersion(fresh("reg"), null, NOW, fresh("mlflow"), fresh("churn"), version, fresh("Production"),
        List.of(), List.of(fresh("alice")), null, fresh("d"), Map.of(fresh("team"), fresh("risk")), fresh("run-1"), null,
        null, null, NOW, NOW, NOW, null, null);
  }

  private static TrainingRun run(String id) {
    return new TrainingRun(fresh("reg"), null, NOW, fresh("mlflow"), null, id, fresh("exp"), fresh("train"),
        fresh("FINISHED"), fresh("alice"), Map.of(fresh("auc"), 0.9), Map.of(fresh("lr"), fresh("0.1")), Map.of(), null,
        List.of(new TrainingRun.DatasetInput(fresh("lake.t"), null, null, fresh("training"))), NOW, NOW);
  }
}
