package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The owners are a function of the set of facts: an evaluation in which no fact changed reuses the
 * last owners ({@link ReviewService#store}), which is only right if a collection listing the same
 * facts in another order gives the same owners.
 */
class SubjectOwnersTest {

  static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

  static ModelVersion version(String model, String owner, String runId) {
    return new ModelVersion("reg", null, AT, "mlflow", model, "1", "Production", List.of(), List.of(owner), null, null,
        Map.of(), runId, null, null, null, AT, AT, AT, null, null);
  }

  static TrainingRun run(String runId) {
    return new TrainingRun("reg", null, AT, "mlflow", null, runId, "exp", null, "FINISHED", "u", Map.of(), Map.of(),
        Map.of(), null, List.of(), AT, AT);
  }

  @Test
  void aRunTwoVersionsClaimTakesTheSameOwnerWhateverTheOrder() {
    List<Fact> facts = new ArrayList<>(List.of(version("b-model", "bob", "run-1"), version("a-model", "alice", "run-1"),
        run("run-1")));
    SubjectOwners one = SubjectOwners.of(facts);
    List<Fact> reversed = new ArrayList<>(facts);
    java.util.Collections.reverse(reversed);
    SubjectOwners other = SubjectOwners.of(reversed);
    assertThat(one.ownerOf("reg:run/run-1")).contains("alice"); // the version with the smallest subject key
    assertThat(other.ownerOf("reg:run/run-1")).contains("alice");
    assertThat(other.changedSince(one)).isEmpty();
    assertThat(one.ownerOf("reg:b-model/1")).as("a version's own owner").contains("bob");
  }

  @Test
  void changedSinceNamesGainedLostAndMovedOwnersWithTheirSubjectTypes() {
    SubjectOwners before = SubjectOwners.of(List.of(version("m", "alice", "run-1"), run("run-1")));
    SubjectOwners after = SubjectOwners.of(List.of(version("m", "bob", "run-1"), run("run-1"), version("n", "carol", null)));
    assertThat(after.changedSince(before)).isEqualTo(Map.of("reg:m/1", "ModelVersion", "reg:run/run-1", "TrainingRun",
        "reg:n/1", "ModelVersion"));
    assertThat(before.changedSince(after)).containsKey("reg:n/1");
  }
}
