package io.aimsmonitor.fact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one JSON form of facts: strict about names, lenient about what people leave out. */
class FactJsonTest {

  @Test
  void missingBooleansMeanFalseAndDatesMeanMidnightUtc() {
    Fact fact = FactJson.read(FactJson.MAPPER.readTree("""
        {"kind": "ModelMonitor", "modelName": "m", "signal": "drift", "lastEvaluatedAt": "2026-03-01"}"""));
    ModelMonitor monitor = (ModelMonitor) fact;
    assertThat(monitor.alertingConfigured()).isFalse();
    assertThat(monitor.lastEvaluatedAt()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
  }

  @Test
  void unknownFieldsAndKindsAreErrorsNamingThem() {
    assertThatThrownBy(() -> FactJson.read(FactJson.MAPPER.readTree("{\"kind\": \"ModelVersion\", \"ownerz\": []}")))
        .hasMessageContaining("ownerz");
    assertThatThrownBy(() -> FactJson.read(FactJson.MAPPER.readTree("{\"kind\": \"Model\"}")))
        .hasMessageContaining("Model");
    assertThatThrownBy(() -> FactJson.read(FactJson.MAPPER.readTree("{\"modelName\": \"m\"}")))
        .hasMessageContaining("missing 'kind'");
  }

  @Test
  void snapshotsRoundTripWithoutDerivedProperties() {
    ModelVersion mv = new ModelVersion("src", "http://x", Instant.parse("2026-01-01T00:00:00Z"), "mlflow", "m", "1",
        "Production", List.of("champion"), List.of("team"), "ci-bot", "d", java.util.Map.of("aims.system", "s"), "r",
        "tracking-a", "abc1234",
        "APPROVED", null, null, null, null, null);
    String json = FactJson.write(List.of(mv));
    assertThat(json).doesNotContain("\"production\"");
    assertThat(FactJson.readList(json)).containsExactly(mv);
  }
}
