package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first evaluation's owners from every fact, computed on their own thread beside the store's
 * writes ({@link OwnersAhead}): the same owners as in place, a failure thrown to the sync, and no
 * thread left behind.
 */
class OwnersAheadTest {

  static final Instant START = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir
  Path dir;

  @Test
  void ownersComputedAheadAreThoseComputedInPlace() {
    Random r = new Random(14);
    for (int round = 0; round < 20; round++) {
      List<Fact> facts = new ArrayList<>();
      int n = 1 + r.nextInt(400);
      for (int i = 0; i < n; i++) {
        facts.add(SubjectOwnersTest.randomFact(r, round % 5 == 4 && r.nextInt(20) == 0));
      }
      try (OwnersAhead ahead = OwnersAhead.start(facts)) {
        SubjectOwners owners = ahead.join();
        SubjectOwners inPlace = SubjectOwners.of(facts);
        assertThat(owners.all()).isEqualTo(inPlace.all());
        assertThat(owners.changedSince(inPlace)).isEmpty();
        assertThat(ahead.took()).contains("CPU");
      }
    }
    assertThat(ownersThreads()).isEmpty();
  }

  @Test
  void aFailureOfTheComputationIsTheCallersAndItsThreadEnds() {
    OwnersAhead ahead = OwnersAhead.start(List.of(), facts -> {
      throw new IllegalArgumentException("an unreadable fact");
    });
    try (ahead) {
      assertThatThrownBy(ahead::join).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("owners from every fact").hasMessageContaining("an unreadable fact")
          .cause().isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(ahead.ended()).isTrue();

    OwnersAhead error = OwnersAhead.start(List.of(), facts -> {
      throw new StackOverflowError("deep");
    });
    try (error) {
      assertThatThrownBy(error::join).as("an error as it was").isInstanceOf(StackOverflowError.class);
    }
    assertThat(error.ended()).isTrue();
  }

  @Test
  void aComputationNobodyJoinedIsStoppedAndWaitedForOnClose() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    OwnersAhead ahead = OwnersAhead.start(List.of(), facts -> {
      started.countDown();
      try {
        never.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException("cancelled", e);
      }
      return SubjectOwners.of(facts);
    });
    started.await();
    ahead.close(); // as when the store's writes failed before the sync joined it
    assertThat(ahead.ended()).isTrue();
    assertThat(ownersThreads()).isEmpty();
  }

  @Test
  void aFailureOfTheOwnersFailsTheFirstSyncAndTheNextSyncsEveryOpenFinding() {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    Workbench bench = Workbench.withReview(dir, TestStore.on(data), data, new MutableClock(START),
        ReviewProperties.defaults());
    bench.writePack("test-pack", IncrementalSyncTest.PACK);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    List<Fact> unreadable = new AbstractList<>() {
      @Override
      public Fact get(int index) {
        throw new IllegalStateException("fact " + index + " unreadable");
      }

      @Override
      public int size() {
        return 1;
      }
    };
    Reconciler.Result nothing = new Reconciler.Result(List.of(), List.of(), START, List.of(), Map.of());
    assertThatThrownBy(() -> bench.review.store(nothing, unreadable, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("owners from every fact").hasRootCauseMessage("fact 0 unreadable");
    assertThat(ownersThreads()).as("no thread left behind by the failed store").isEmpty();

    bench.writeInventory("models.yaml", IncrementalSyncTest.inventory(List.of(
        new IncrementalSyncTest.Model(List.of("team-a"), false, false))));
    IncrementalSyncTest.cycle(bench);
    assertThat(IncrementalSyncTest.assignee(bench, IncrementalSyncTest.unapproved(0))).isEqualTo("team-a");
    assertThat(IncrementalSyncTest.assignee(bench, IncrementalSyncTest.runFinding(0))).isEqualTo("team-a");
    assertThat(ownersThreads()).isEmpty();
  }

  private static List<Thread> ownersThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("aims-owners")).toList();
  }
}
