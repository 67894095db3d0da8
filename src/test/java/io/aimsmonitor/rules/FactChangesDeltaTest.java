package io.aimsmonitor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.fact.CarriedOver;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.SourceHealth;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FactChanges} matching unchanged facts by reference gives the changes a comparison of every
 * fact ({@link FullFactChanges}) gives, over the snapshots the store hands out: runs that change,
 * re-stamp, duplicate and drop facts, held runs and their confirmation, failed runs, a source
 * enabled and disabled, a scope that changes, source health facts new each cycle, and restarts.
 */
class FactChangesDeltaTest {

  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir
  Path dir;

  @Test
  void matchingByReferenceGivesTheChangesOfAFullComparison() {
    DataSource ds = TestDatabases.h2File(dir);
    for (int seed = 1; seed <= 4; seed++) {
      new Scenario(ds, new Random(seed), "s" + seed).run(60);
    }
  }

  @Test
  void aRunThatChangedAFewFactsIsComparedOnlyThere() {
    SnapshotRepository snapshots = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    record(snapshots, "src", estate(200, T0), T0, null);
    FactChanges changes = new FactChanges();
    changes.next(snapshots.latestGood("src").orElseThrow().facts());

    // every fact collected again as a new object; two changed, one gone, one new
    record(snapshots, "src", twoChangedOneGoneOneNew(T0), T0.plusSeconds(60), null);
    FactChanges.Changes next = changes.next(snapshots.latestGood("src").orElseThrow().facts());

    assertThat(next.updated()).hasSize(2);
    assertThat(next.inserted()).hasSize(1);
    assertThat(next.deleted()).hasSize(1);
    assertThat(changes.compared()).isEqualTo(6); // the two changed and the new one, against the three held
    assertThat(changes.next(snapshots.latestGood("src").orElseThrow().facts()).size()).isZero();
    assertThat(changes.compared()).isZero();
  }

  @Test
  void reStampedCopiesTheStoreHandsOnAreMatchedWithoutComparingThem() {
    SnapshotRepository snapshots = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    record(snapshots, "src", estate(200, T0), T0, null);
    FactChanges inStretches = new FactChanges();
    FactChanges perFact = new FactChanges();
    FactChanges compared = new FactChanges();
    FactSnapshot first = snapshots.latestGood("src").orElseThrow();
    assertThat(snapshots.takeCarried(first)).isNull(); // nothing before it to carry over
    inStretches.next(first.facts(), new FactOrigins(List.of(new FactOrigins.Part(0, first.facts(), null)), null));
    perFact.next(first.facts());
    compared.next(first.facts());

    Instant later = T0.plusSeconds(60);
    // every fact re-stamped by its run; two changed, one gone, one new
    record(snapshots, "src", twoChangedOneGoneOneNew(later), later, null);
    FactSnapshot second = snapshots.latestGood("src").orElseThrow();
    CarriedOver carried = snapshots.takeCarried(second);
    assertThat(carried.previous()).isSameAs(first.facts());
    int carriedOver = 0;
    for (int s = 0; s < carried.stretches().length; s += 3) {
      carriedOver += carried.stretches()[s + 2];
      for (int k = 0; k < carried.stretches()[s + 2]; k++) { // each a re-stamped copy of the one it says
        Fact before = first.facts().get(carried.stretches()[s + 1] + k);
        Fact now = second.facts().get(carried.stretches()[s] + k);
        assertThat(now).isNotSameAs(before);
        assertThat(now.withOrigin(before.source(), before.observedAt())).isEqualTo(before);
      }
    }
    assertThat(carriedOver).isEqualTo(197);
    assertThat(carried.stretches().length / 3).as("a changed fact breaks a stretch").isBetween(2, 7);
    Fact[] copiedFrom = carried.copiedFrom(second.facts());
    assertThat(java.util.Arrays.stream(copiedFrom).filter(java.util.Objects::nonNull).count()).isEqualTo(197);
    assertThat(snapshots.takeCarried(second)).as("taken once").isNull();

    FactChanges.Changes byStretch = inStretches.next(second.facts(),
        new FactOrigins(List.of(new FactOrigins.Part(0, second.facts(), carried)), null));
    FactChanges.Changes byReference = perFact.next(second.facts(), new FactOrigins(List.of(), copiedFrom));
    FactChanges.Changes byContent = compared.next(second.facts());
    assertThat(inStretches.compared()).isEqualTo(6); // the two changed and the new one, against the three held
    assertThat(perFact.compared()).isEqualTo(6);
    assertThat(compared.compared()).isEqualTo(6 + 2 * 197); // each copy read with its held fact
    for (FactChanges.Changes told : List.of(byStretch, byReference)) {
      for (int i = 0; i < 200; i++) {
        assertThat(told.current().get(i)).isSameAs(byContent.current().get(i)); // the held objects
      }
      assertThat(told.updated()).hasSize(2);
      assertThat(told.inserted()).hasSize(1);
      assertThat(told.deleted()).hasSize(1);
    }

    // nothing collected since: the same list, taken over as one stretch, nothing compared
    FactChanges.Changes again = inStretches.next(second.facts(),
        new FactOrigins(List.of(new FactOrigins.Part(0, second.facts(), null)), null));
    assertThat(inStretches.compared()).isZero();
    assertThat(again.size()).isZero();
    for (int i = 0; i < 200; i++) {
      assertThat(again.current().get(i)).isSameAs(byContent.current().get(i));
    }
  }

  @Test
  void aStretchOutsideItsPartIsRefused() {
    List<Fact> facts = estate(10, T0);
    FactChanges changes = new FactChanges();
    changes.next(facts, new FactOrigins(List.of(new FactOrigins.Part(0, facts, null)), null));
    List<Fact> next = estate(10, T0.plusSeconds(1));
    assertThatThrownBy(() -> changes.next(next, new FactOrigins(List.of(new FactOrigins.Part(0, next,
        new CarriedOver(facts, new int[] {5, 5, 6}))), null))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> changes.next(next, new FactOrigins(List.of(new FactOrigins.Part(1, next, null)), null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCopyOfAnObjectNotGivenLastTimeIsCompared() {
    SnapshotRepository snapshots = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    record(snapshots, "src", estate(50, T0), T0, null);
    FactChanges changes = new FactChanges();
    List<Fact> first = snapshots.latestGood("src").orElseThrow().facts();
    changes.next(first, new FactOrigins(List.of(new FactOrigins.Part(0, first, null)), null));
    for (int run = 1; run <= 2; run++) { // two runs before the next evaluation: copies of copies never given
      Instant at = T0.plusSeconds(60 * run);
      List<Fact> again = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        again.add(version("src", "m" + i, i == 7 && run == 2 ? "changed" : "x", at));
      }
      record(snapshots, "src", again, at, null);
    }
    FactSnapshot latest = snapshots.latestGood("src").orElseThrow();
    CarriedOver carried = snapshots.takeCarried(latest);
    assertThat(carried.previous()).isNotSameAs(first); // carried over from the run in between
    FactChanges.Changes next = changes.next(latest.facts(),
        new FactOrigins(List.of(new FactOrigins.Part(0, latest.facts(), carried)), null));
    assertThat(next.updated()).hasSize(1);
    assertThat(next.inserted()).isEmpty();
    assertThat(next.deleted()).isEmpty();
    assertThat(changes.compared()).isEqualTo(2 + 2 * 49); // found where they were and compared there
  }

  private static ModelVersion version(String source, String name, String description, Instant observedAt) {
    return new ModelVersion(source, null, observedAt, "mlflow", name, "1", "Production", List.of(), List.of(), null,
        description, Map.of(), null, null, null, null, null, null, null, null, null);
  }

  private static long record(SnapshotRepository snapshots, String source, List<Fact> facts, Instant at,
      String heldBecause) {
    return snapshots.record(new CollectionResult(source, at, at, true, facts, null, null, 0, 0), "mlflow",
        heldBecause, null);
  }

  /** One randomised sequence of runs and evaluations, each evaluation checked against the full comparison. */
  private static final class Scenario {
    private final DataSource ds;
    private final Random random;
    private final List<String> sources;
    /** Per source, what it would collect now: name to description. */
    private final Map<String, Map<String, String>> estates = new HashMap<>();
    private final Map<String, List<Long>> heldRuns = new HashMap<>();
    private SnapshotRepository snapshots;
    private FactChanges changes = new FactChanges();
    private FullFactChanges full = new FullFactChanges();
    /** The facts the sessions hold by reference, as a session given every change would. */
    private Map<Fact, Integer> session = new IdentityHashMap<>();
    private Instant now = T0;
    private boolean thirdEnabled = true;
    private int names;

    Scenario(DataSource ds, Random random, String prefix) {
      this.ds = ds;
      this.random = random;
      this.sources = List.of(prefix + "a", prefix + "b", prefix + "c");
      this.snapshots = TestStore.on(ds).snapshots();
      sources.forEach(s -> {
        estates.put(s, new LinkedHashMap<>());
        heldRuns.put(s, new ArrayList<>());
        for (int i = 0; i < 30; i++) {
          estates.get(s).put("m" + names++, "x");
        }
      });
    }

    void run(int steps) {
      for (int step = 0; step < steps; step++) {
        now = now.plus(Duration.ofMinutes(1));
        String source = sources.get(random.nextInt(sources.size()));
        int action = random.nextInt(100);
        if (action < 45) {
          record(source, null);
        } else if (action < 55) {
          heldRuns.get(source).add(record(source, "suspicious drop"));
        } else if (action < 62 && !heldRuns.get(source).isEmpty()) {
          List<Long> held = heldRuns.get(source);
          snapshots.confirm(source, held.remove(random.nextInt(held.size())), "admin", now);
        } else if (action < 67) {
          snapshots.record(new CollectionResult(source, now, now, false, List.of(), "http", "down", 0, 0), "mlflow");
        } else if (action < 72) {
          thirdEnabled = !thirdEnabled;
        } else if (action < 77) { // a restart: caches and sessions start empty
          snapshots = TestStore.on(ds).snapshots();
          restartEvaluation();
        } else if (action < 80) {
          changes.clear();
          full.clear();
          session = new IdentityHashMap<>();
        }
        if (random.nextInt(4) > 0) {
          evaluate();
        }
      }
    }

    private void restartEvaluation() {
      changes = new FactChanges();
      full = new FullFactChanges();
      session = new IdentityHashMap<>();
    }

    /** A run of {@code source}: some facts changed, gone, new, reported twice, all maybe observed anew. */
    private long record(String source, String heldBecause) {
      Map<String, String> estate = estates.get(source);
      for (String name : List.copyOf(estate.keySet())) {
        int roll = random.nextInt(100);
        if (roll < 8) {
          estate.put(name, "d" + random.nextInt(3));
        } else if (roll < 12) {
          estate.remove(name);
        }
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        estate.put("m" + names++, "x");
      }
      boolean restamped = random.nextInt(3) == 0; // a connector that stamps every fact with its run's start
      List<Fact> facts = new ArrayList<>();
      estate.forEach((name, description) -> {
        Instant observed = restamped ? now : T0;
        facts.add(version(source, name, description, observed));
        if (random.nextInt(40) == 0) { // one object reported twice, once equal and once changed
          facts.add(version(source, name, random.nextBoolean() ? description : "twice", observed));
        }
      });
      Collections.shuffle(facts, random);
      return FactChangesDeltaTest.record(snapshots, source, facts, now, heldBecause);
    }

    private void evaluate() {
      List<String> enabled = thirdEnabled ? sources : sources.subList(0, 2);
      Map<String, FactSnapshot> latest = snapshots.latestGood(enabled);
      List<Fact> facts = new ArrayList<>();
      List<Fact> copiedFrom = new ArrayList<>(); // as MonitorService carries it through a scope: per fact
      List<FactOrigins.Part> parts = new ArrayList<>(); // as it does without one: per snapshot
      boolean told = random.nextInt(4) > 0; // the store's copies said, or left to be compared
      boolean scoped = random.nextInt(5) == 0;
      for (String source : enabled) {
        if (latest.containsKey(source)) {
          List<Fact> snapshot = latest.get(source).facts();
          CarriedOver carried = told ? snapshots.takeCarried(latest.get(source)) : null;
          Fact[] copies = carried == null ? null : carried.copiedFrom(snapshot);
          if (!scoped) {
            parts.add(new FactOrigins.Part(facts.size(), snapshot, carried));
          }
          for (int i = 0; i < snapshot.size(); i++) {
            Fact f = snapshot.get(i);
            if (!scoped || ((ModelVersion) f).modelName().hashCode() % 3 != 0) {
              facts.add(f);
              copiedFrom.add(copies == null ? null : copies[i]);
            }
          }
        }
      }
      for (String source : enabled) { // a new health fact per source and cycle, now and then a changed one
        facts.add(new SourceHealth(source, null, now, "mlflow", T0, random.nextInt(6) == 0, null, Duration.ofHours(1),
            true));
        copiedFrom.add(null);
      }
      FactChanges.Changes delta = changes.next(facts, !told ? FactOrigins.NONE
          : scoped ? new FactOrigins(List.of(), copiedFrom.toArray(new Fact[0])) : new FactOrigins(parts, null));
      FactChanges.Changes expected = full.next(facts);

      assertThat(normal(delta.current())).isEqualTo(normal(expected.current()));
      assertThat(bag(delta.inserted())).isEqualTo(bag(expected.inserted()));
      assertThat(bag(delta.deleted())).isEqualTo(bag(expected.deleted()));
      assertThat(bag(delta.updated().stream().map(u -> List.of(normal(u.before()), normal(u.after()))).toList()))
          .isEqualTo(bag(expected.updated().stream().map(u -> List.of(normal(u.before()), normal(u.after()))).toList()));
      for (int i = 0; i < facts.size(); i++) {
        assertThat(FactChanges.sameContent(delta.current().get(i), facts.get(i))).isTrue();
      }
      applyToSession(delta);
    }

    /** Applies the changes as {@code Evaluator} does: every update and delete must find its object held. */
    private void applyToSession(FactChanges.Changes delta) {
      delta.updated().forEach(u -> {
        take(u.before());
        session.merge(u.after(), 1, Integer::sum);
      });
      delta.deleted().forEach(this::take);
      delta.inserted().forEach(f -> session.merge(f, 1, Integer::sum));
      Map<Fact, Integer> current = new IdentityHashMap<>();
      delta.current().forEach(f -> current.merge(f, 1, Integer::sum));
      assertThat(session).isEqualTo(current);
    }

    private void take(Fact fact) {
      assertThat(session).as("held by reference: %s", fact).containsKey(fact);
      session.computeIfPresent(fact, (f, n) -> n == 1 ? null : n - 1);
    }
  }

  /** A fact as rules see it: without when it was observed (the held object is kept as first observed). */
  private static Fact normal(Fact fact) {
    return fact.withOrigin(fact.source(), null);
  }

  private static List<Fact> normal(List<Fact> facts) {
    return facts.stream().map(FactChangesDeltaTest::normal).toList();
  }

  private static <T> Map<T, Integer> bag(List<T> items) {
    Map<T, Integer> out = new HashMap<>();
    items.forEach(i -> out.merge(i instanceof Fact f ? (T) normal(f) : i, 1, Integer::sum));
    return out;
  }

  /** {@code size} model versions of source {@code src}, observed at {@code at}. */
  private static List<Fact> estate(int size, Instant at) {
    List<Fact> facts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      facts.add(version("src", "m" + i, "x", at));
    }
    return facts;
  }

  /** {@link #estate} of 200 collected again as new objects: m3 and m150 changed, m199 gone, "new" new. */
  private static List<Fact> twoChangedOneGoneOneNew(Instant at) {
    List<Fact> facts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      facts.add(version("src", i == 199 ? "new" : "m" + i, i == 3 || i == 150 ? "changed" : "x", at));
    }
    return facts;
  }
}
