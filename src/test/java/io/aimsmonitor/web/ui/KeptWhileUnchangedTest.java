package io.aimsmonitor.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The overview's figures are computed once per change of the findings, and never kept past their age. */
class KeptWhileUnchangedTest {

  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
  private final AtomicInteger computed = new AtomicInteger();
  private final KeptWhileUnchanged<Integer> kept = new KeptWhileUnchanged<>(Duration.ofMinutes(1));

  private int read(String version, Instant now) {
    return kept.get(version, now, computed::incrementAndGet);
  }

  @Test
  void unchangedFindingsAreServedFromTheKeptValue() {
    assertThat(read("7/40", t0)).isEqualTo(1);
    assertThat(read("7/40", t0.plusSeconds(30))).isEqualTo(1);
    assertThat(read("7/40", t0.plusSeconds(59))).isEqualTo(1);
    assertThat(computed).hasValue(1);
  }

  @Test
  void aChangeOfTheFindingsIsShownAtTheNextRead() {
    read("7/40", t0);
    assertThat(read("7/41", t0.plusSeconds(1))).as("a reviewer's action wrote an event").isEqualTo(2);
    assertThat(read("8/41", t0.plusSeconds(2))).as("an evaluation ran").isEqualTo(3);
    assertThat(read("8/41", t0.plusSeconds(3))).isEqualTo(3);
  }

  @Test
  void figuresAreNeverOlderThanTheirMaximumAge() {
    read("7/40", t0);
    assertThat(read("7/40", t0.plus(Duration.ofMinutes(1)))).isEqualTo(2);
    assertThat(read("7/40", t0.plus(Duration.ofMinutes(1)).minusSeconds(30))).as("a clock set back").isEqualTo(3);
  }
}
