package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.store.SnapshotRepository;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes old runs but never a source's latest good snapshot, however old. */
class SnapshotRetentionTest {

  @TempDir
  Path dir;

  @Test
  void keepsTheNewestRunsAndTheLatestGoodSnapshot() {
    SnapshotRepository snapshots = TestStore.on(TestDatabases.h2File(dir)).snapshots();
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    var fact = new Attestation("src", null, t0, "ai-policy-review", "organisation", "ok", "board", t0, null, null);
    long good = snapshots.record(new CollectionResult("src", t0, t0.plusSeconds(1), true, List.of(fact), null, null, 0, 0), "file");
    for (int i = 1; i <= 5; i++) {
      Instant t = t0.plus(Duration.ofDays(i));
      snapshots.record(new CollectionResult("src", t, t.plusSeconds(1), false, List.of(), "http_5xx", "down", 0, 0), "file");
    }
    int deleted = snapshots.prune(Duration.ofDays(30), 2, t0.plus(Duration.ofDays(100)));
    assertThat(deleted).isEqualTo(3);
    assertThat(snapshots.latestGood("src").orElseThrow().runId()).isEqualTo(good);
    assertThat(snapshots.latestGood("src").orElseThrow().facts()).containsExactly(fact);
    assertThat(snapshots.history("src", 10)).hasSize(3);
  }
}
