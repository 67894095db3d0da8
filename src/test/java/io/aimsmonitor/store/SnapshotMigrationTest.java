package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A database created before snapshots were stored per fact (schema V95, facts as one JSON text per
 * run) upgrades in place: its runs read back with the same facts, text and hashes, and the next
 * collection continues from them.
 */
class SnapshotMigrationTest {

  @TempDir
  Path dir;

  @Test
  void runsStoredAsOneTextReadBackAfterTheUpgrade() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.toAbsolutePath().resolve("aims") + ";DB_CLOSE_DELAY=0");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration/common", "classpath:db/migration/h2")
        .target("95").load().migrate();
    JdbcClient jdbc = JdbcClient.create(ds);
    Instant t0 = SnapshotStoreScenario.T0;
    List<Fact> old = SnapshotStoreScenario.estate(40, t0, false);
    List<Fact> newer = SnapshotStoreScenario.estate(40, t0.plusSeconds(3600), true);
    // as the previous version wrote them: the facts text and, for the newer run, its hash
    String oldText = FactJson.write(old);
    String newerText = FactJson.write(newer);
    long oldRun = legacyRun(jdbc, t0, oldText, null);
    long newerRun = legacyRun(jdbc, t0.plusSeconds(3600), newerText, SnapshotRepository.sha256(newerText));

    Flyway.configure().dataSource(ds).locations("classpath:db/migration/common", "classpath:db/migration/h2")
        .load().migrate();
    SnapshotRepository snapshots = TestStore.on(ds).snapshots();
    assertThat(snapshots.latestGood("src").orElseThrow().runId()).isEqualTo(newerRun);
    assertThat(snapshots.latestGood("src").orElseThrow().facts()).containsExactlyElementsOf(newer);
    assertThat(snapshots.snapshot(oldRun).facts()).containsExactlyElementsOf(old);
    assertThat(snapshots.storedFacts(oldRun)).contains(oldText);
    assertThat(snapshots.factsSha256(List.of(oldRun, newerRun)))
        .containsEntry(oldRun, SnapshotRepository.sha256(oldText))
        .containsEntry(newerRun, SnapshotRepository.sha256(newerText));

    // the first collection after the upgrade stores rows; the old runs stay readable until retention
    Instant t2 = t0.plusSeconds(7200);
    long next = snapshots.record(SnapshotStoreScenario.run("src", SnapshotStoreScenario.estate(40, t2, true), t2), "mlflow");
    assertThat(TestStore.on(ds).snapshots().latestGood("src").orElseThrow().facts())
        .containsExactlyInAnyOrderElementsOf(SnapshotStoreScenario.estate(40, t2, true));
    assertThat(snapshots.storedFacts(newerRun)).contains(newerText);
    assertThat(snapshots.prune(Duration.ofDays(1), 1, t0.plus(Duration.ofDays(10)))).isEqualTo(2);
    assertThat(snapshots.storedFacts(oldRun)).isEmpty();
    assertThat(TestStore.on(ds).snapshots().latestGood("src").orElseThrow().runId()).isEqualTo(next);
  }

  private static long legacyRun(JdbcClient jdbc, Instant at, String facts, String sha256) {
    jdbc.sql("INSERT INTO connector_run (connector_id, connector_type, started_at, finished_at, status, fact_count,"
            + " facts, facts_sha256) VALUES ('src', 'mlflow', ?, ?, 'SUCCEEDED', 40, ?, ?)")
        .params(SnapshotRepository.utc(at), SnapshotRepository.utc(at.plusSeconds(5)), facts, sha256).update();
    return jdbc.sql("SELECT MAX(id) FROM connector_run").query(Long.class).single();
  }
}
