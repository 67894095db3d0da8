package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as a change between two evaluations' facts. */
class FactChangesTest {

  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private static ModelVersion version(String name, String description, Instant observedAt) {
    return new ModelVersion("reg", null, observedAt, "mlflow", name, "1", "Production", List.of(), List.of(), null,
        description, Map.of(), null, null, null, null, null, null, null, null, null);
  }

  @Test
  void insertsUpdatesAndDeletesByIdentityAndContent() {
    FactChanges changes = new FactChanges();
    ModelVersion a = version("a", "x", T0);
    ModelVersion b = version("b", "x", T0);
    FactChanges.Changes first = changes.next(List.of(a, b));
    assertThat(first.inserted()).containsExactly(a, b);

    ModelVersion b2 = version("b", "changed", T0);
    ModelVersion c = version("c", "x", T0);
    FactChanges.Changes second = changes.next(List.of(b2, c));
    assertThat(second.generation()).isEqualTo(first.generation() + 1);
    assertThat(second.inserted()).containsExactly(c);
    assertThat(second.updated()).containsExactly(new FactChanges.Update(b, b2));
    assertThat(second.deleted()).containsExactly(a);
    assertThat(second.current()).containsExactly(b2, c);
  }

  @Test
  void aFactObservedAgainUnchangedIsNoChangeAndKeepsTheObjectHeld() {
    FactChanges changes = new FactChanges();
    ModelVersion a = version("a", "x", T0);
    SourceHealth health = new SourceHealth("reg", null, T0, "mlflow", T0, false, null, Duration.ofHours(1), true);
    changes.next(List.of(a, health));
    ModelVersion again = version("a", "x", T0.plus(Duration.ofHours(1)));
    SourceHealth healthAgain = health.withOrigin("reg", T0.plus(Duration.ofHours(1)));
    FactChanges.Changes next = changes.next(List.of(again, healthAgain));
    assertThat(next.size()).isZero();
    assertThat(next.current().get(0)).isSameAs(a);
    assertThat(next.current().get(1)).isSameAs(health);
    // content that changed as well is an update, to the new observation
    SourceHealth failed = new SourceHealth("reg", null, T0.plus(Duration.ofHours(2)), "mlflow", T0, true, "down",
        Duration.ofHours(1), false);
    assertThat(changes.next(List.of(again, failed)).updated()).containsExactly(new FactChanges.Update(health, failed));
  }

  @Test
  void oneIdentityReportedTwiceIsMatchedAsAMultiset() {
    FactChanges changes = new FactChanges();
    ModelVersion x = version("a", "x", T0);
    ModelVersion y = version("a", "y", T0);
    changes.next(List.of(x, y));
    ModelVersion yAgain = version("a", "y", T0.plusSeconds(60));
    ModelVersion z = version("a", "z", T0);
    ModelVersion w = version("a", "w", T0);
    FactChanges.Changes next = changes.next(List.<Fact>of(yAgain, z, w));
    assertThat(next.current().get(0)).isSameAs(y);
    assertThat(next.updated()).containsExactly(new FactChanges.Update(x, z));
    assertThat(next.inserted()).containsExactly(w);
    assertThat(changes.next(List.of(w)).deleted()).containsExactlyInAnyOrder(y, z);
  }
}
