package io.aimsmonitor.fact;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Facts read from JSON share one String per repeated value, as a long-lived session holds them. */
class StringsTest {

  /** FactJson's mapper with the module, as the one-line hook would make it. */
  private static final JsonMapper DEDUPING = FactJson.MAPPER.rebuild().addModule(Strings.jacksonModule()).build();

  @Test
  void factsReadFromJsonShareTheValuesTheyRepeat() {
    List<Fact> written = List.of(version("run-1"), version("run-2"));
    List<Fact> read = List.of(DEDUPING.readValue(FactJson.MAPPER.writeValueAsString(written.get(0)), Fact.class),
        DEDUPING.readValue(FactJson.MAPPER.writeValueAsString(written.get(1)), Fact.class));
    ModelVersion a = (ModelVersion) read.get(0);
    ModelVersion b = (ModelVersion) read.get(1);
    assertThat(read).isEqualTo(written);
    assertThat(a.source()).isSameAs(b.source());
    assertThat(a.modelName()).isSameAs(b.modelName());
    assertThat(a.owners().get(0)).isSameAs(b.owners().get(0)); // list elements
    assertThat(a.tags().get("team")).isSameAs(b.tags().get("team")); // map values
    assertThat(a.sourceRunId()).isNotEqualTo(b.sourceRunId());
  }

  @Test
  void aValueTheTableLostOrNeverHeldIsStillTheValue() {
    String longText = "x".repeat(500);
    assertThat(Strings.dedupe(longText)).isSameAs(longText);
    assertThat(Strings.dedupe(null)).isNull();
    String first = Strings.dedupe(new String("Production"));
    assertThat(Strings.dedupe(new String("Production"))).isSameAs(first).isEqualTo("Production");
  }

  private static ModelVersion version(String run) {
    return new ModelVersion("mlflow-prod", null, Instant.parse("2026-01-01T00:00:00Z"), "mlflow", "churn", "1",
        "Production", List.of(), List.of("risk-team"), null, "d", Map.of("team", "risk"), run, null, "abc1234",
        "APPROVED", null, null, null, null, null);
  }
}
