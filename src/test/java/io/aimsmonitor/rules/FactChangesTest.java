package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSamples;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * An estate as a connector collects it: every fact a new object stamped with the run's start;
   * the version at {@code changedAt} (none when negative) has another description.
   */
  private static List<Fact> collected(int n, Instant observedAt, int changedAt) {
    List<Fact> facts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      facts.add(new ModelVersion("reg", "https://reg/m" + i, observedAt, "mlflow", "model-" + i / 10,
          String.valueOf(i % 10), "None", List.of("champion"), List.of("owner-" + i % 7), null,
          i == changedAt ? "changed" : "model " + i, Map.of("team", "t" + i % 9), "run-" + i, null, null, "APPROVED",
          T0, T0, null, null, null));
    }
    return facts;
  }

  /** Every fact of {@code next} is held as the object of {@code first} at the same place, except at {@code changedAt}. */
  private static void assertHeldAsFirstObserved(FactChanges.Changes next, List<Fact> first, int changedAt) {
    assertThat(next.current()).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      if (i != changedAt) {
        assertThat(next.current().get(i)).as("fact %d", i).isSameAs(first.get(i));
      }
    }
  }

  @Test
  void aReStampedEstateNotFromTheStoreIsComparedByContent() {
    FactChanges changes = new FactChanges();
    List<Fact> first = collected(300, T0, -1);
    changes.next(first);

    // collected anew an hour later: every object new, only observedAt differs
    FactChanges.Changes unchanged = changes.next(collected(300, T0.plus(Duration.ofHours(1)), -1));
    assertThat(unchanged.size()).isZero();
    assertHeldAsFirstObserved(unchanged, first, -1);

    List<Fact> third = collected(300, T0.plus(Duration.ofHours(2)), 123);
    FactChanges.Changes oneChanged = changes.next(third);
    assertThat(oneChanged.inserted()).isEmpty();
    assertThat(oneChanged.deleted()).isEmpty();
    assertThat(oneChanged.updated()).containsExactly(new FactChanges.Update(first.get(123), third.get(123)));
    assertHeldAsFirstObserved(oneChanged, first, 123);
    assertThat(oneChanged.current().get(123)).isSameAs(third.get(123));
  }

  /**
   * The same through the snapshot store, which hands a re-stamped, unchanged fact on as a copy of
   * the previous one (SnapshotRows.reuse): no change, the first objects held, and the one changed
   * fact exactly that update, in the snapshots' order by content.
   */
  @Test
  void aReStampedEstateFromTheStoreIsNoChangeButItsOneChangedFact(@TempDir Path dir) {
    SnapshotRepository store = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    FactChanges changes = new FactChanges();
    List<Fact> first = store(store, collected(300, T0, -1), T0);
    assertThat(changes.next(first).inserted()).hasSize(300);

    Instant t1 = T0.plus(Duration.ofHours(1));
    List<Fact> second = store(store, collected(300, t1, -1), t1);
    assertThat(second).as("what was collected, observedAt included")
        .containsExactlyInAnyOrderElementsOf(collected(300, t1, -1));
    FactChanges.Changes unchanged = changes.next(second);
    assertThat(unchanged.size()).isZero();
    assertHeldAsFirstObserved(unchanged, first, -1);

    Instant t2 = T0.plus(Duration.ofHours(2));
    List<Fact> collected = collected(300, t2, 123);
    List<Fact> third = store(store, collected, t2);
    FactChanges.Changes oneChanged = changes.next(third);
    assertThat(oneChanged.inserted()).isEmpty();
    assertThat(oneChanged.deleted()).isEmpty();
    Fact was = first.stream().filter(f -> f.subject().equals(collected.get(123).subject())).findFirst().orElseThrow();
    assertThat(oneChanged.updated()).containsExactly(new FactChanges.Update(was, collected.get(123)));
    for (int i = 0; i < third.size(); i++) {
      Fact held = oneChanged.current().get(i);
      assertThat(held).isSameAs(third.get(i).equals(collected.get(123)) ? third.get(i)
          : first.stream().filter(f -> f.subject().equals(held.subject())).findFirst().orElseThrow());
    }
  }

  /**
   * {@link FactChanges#sameContent} says what the copy it compared before said,
   * {@code held.withOrigin(now.source(), now.observedAt()).equals(now)} when the observation times
   * differ, for every fact type and every component changed, from the same source and from
   * another one (a namespace that defaulted to the old source follows the fact).
   */
  @Test
  void sameContentSaysWhatTheReStampedCopySaid() {
    int differ = 0;
    for (Class<?> type : FactSamples.types()) {
      Fact held = FactSamples.of(type, 1);
      for (String component : FactSamples.components(type)) {
        for (int seed = 1; seed <= 2; seed++) {
          Fact varied = FactSamples.varied(type, component, seed);
          for (String source : new String[] {held.source(), "elsewhere"}) {
            for (Instant at : new Instant[] {held.observedAt(), held.observedAt().plusSeconds(60)}) {
              Fact now = varied.withOrigin(source, at);
              boolean copy = now.observedAt().equals(held.observedAt()) ? held.equals(now)
                  : held.withOrigin(now.source(), now.observedAt()).equals(now);
              assertThat(FactChanges.sameContent(held, now))
                  .as("%s.%s = %d from %s at %s", type.getSimpleName(), component, seed, source, at).isEqualTo(copy);
              differ += copy ? 0 : 1;
            }
          }
        }
      }
    }
    assertThat(differ).isPositive();
    // a version whose namespace defaulted to its source, re-attributed: the namespace follows it
    ModelVersion version = new ModelVersion("reg", null, T0, "mlflow", "m", "1", null, List.of(), List.of(), null,
        null, Map.of(), "run", null, null, null, null, null, null, null, null);
    assertThat(FactChanges.sameContent(version, version.withOrigin("other", T0.plusSeconds(1)))).isTrue();
    assertThat(FactChanges.sameContent(version, new ModelVersion("other", null, T0.plusSeconds(1), "mlflow", "m", "1",
        null, List.of(), List.of(), null, null, Map.of(), "run", "reg", null, null, null, null, null, null, null)))
        .isFalse();
  }

  /** Stores {@code facts} as a run of connector {@code reg} and returns the snapshot the store then hands on. */
  private static List<Fact> store(SnapshotRepository store, List<Fact> facts, Instant at) {
    store.record(new CollectionResult("reg", at, at.plusSeconds(5), true, facts, null, null, 1, 0), "mlflow");
    return store.latestGood("reg").orElseThrow().facts();
  }
}
