package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSamples;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link SnapshotRows#restamped} takes a fact as a copy of the previous one exactly when the copy
 * {@code equals} what was collected (what it built and compared before it compared without the
 * copy), for every fact type and every component changed, and the copy it hands on is then equal
 * to what was collected.
 */
class SnapshotRowsRestampedTest {

  @Test
  void aCopyIsHandedOnExactlyWhenItEqualsWhatWasCollected() {
    int taken = 0;
    int refused = 0;
    for (Class<?> type : FactSamples.types()) {
      Fact before = FactSamples.of(type, 1);
      for (String component : FactSamples.components(type)) {
        for (int seed = 1; seed <= 2; seed++) {
          Fact varied = FactSamples.varied(type, component, seed);
          for (String source : new String[] {before.source(), "elsewhere"}) {
            for (Instant at : new Instant[] {before.observedAt(), before.observedAt().plusSeconds(60)}) {
              Fact now = varied.withOrigin(source, at);
              Fact copy = before.withOrigin(before.source(), now.observedAt());
              boolean expected = !now.observedAt().equals(before.observedAt()) && copy.equals(now);
              Fact handedOn = SnapshotRows.restamped(before, now);
              String what = type.getSimpleName() + "." + component + " = " + seed + " from " + source + " at " + at;
              if (expected) {
                assertThat(handedOn).as(what).isEqualTo(now).isNotSameAs(now).isNotSameAs(before);
                taken++;
              } else {
                assertThat(handedOn).as(what).isNull();
                refused++;
              }
            }
          }
        }
      }
    }
    assertThat(taken).isPositive();
    assertThat(refused).isPositive();
  }
}
