package io.aimsmonitor.fact;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link Fact#equalsApartFromObservedAt} compares every component but the observation time, for
 * every fact type: a component added to a record and not compared there fails here, because the
 * facts are built over the record components by reflection ({@link FactSamples}). And it says what
 * the copy it replaces said: {@code withOrigin(source(), other.observedAt()).equals(other)}.
 */
class FactContentTest {

  @Test
  void everyComponentButTheObservationTimeIsCompared() {
    assertThat(FactSamples.types()).hasSize(7);
    for (Class<?> type : FactSamples.types()) {
      Fact fact = FactSamples.of(type, 1);
      assertThat(fact.equalsApartFromObservedAt(FactSamples.of(type, 1))).as("%s equal", type).isTrue();
      for (String component : FactSamples.components(type)) {
        Fact varied = FactSamples.varied(type, component, 2);
        boolean observedAt = component.equals("observedAt");
        assertThat(fact.equalsApartFromObservedAt(varied)).as("%s.%s differs", type.getSimpleName(), component)
            .isEqualTo(observedAt);
        assertThat(varied.equalsApartFromObservedAt(fact)).as("%s.%s differs", type.getSimpleName(), component)
            .isEqualTo(observedAt);
      }
    }
  }

  @Test
  void saysWhatTheRestampedCopysEqualsSaid() {
    for (Class<?> type : FactSamples.types()) {
      for (Class<?> otherType : FactSamples.types()) {
        assertThat(FactSamples.of(type, 1).equalsApartFromObservedAt(FactSamples.of(otherType, 1)))
            .isEqualTo(type == otherType);
      }
      Fact fact = FactSamples.of(type, 1);
      for (String component : FactSamples.components(type)) {
        for (int seed = 1; seed <= 3; seed++) {
          Fact other = FactSamples.varied(type, component, seed);
          for (Instant at : new Instant[] {other.observedAt(), other.observedAt().plusSeconds(60)}) {
            Fact now = other.withOrigin(other.source(), at);
            assertThat(fact.equalsApartFromObservedAt(now)).as("%s.%s = %d", type.getSimpleName(), component, seed)
                .isEqualTo(fact.withOrigin(fact.source(), now.observedAt()).equals(now));
          }
        }
      }
    }
  }
}
