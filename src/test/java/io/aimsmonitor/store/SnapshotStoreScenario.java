package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.fact.Attestation;
import io.aimsmonitor.fact.Fact;
import io.aimsmonitor.fact.FactJson;
import io.aimsmonitor.fact.FactSnapshot;
import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Snapshots stored per fact (V105), run by {@link SnapshotStoreH2Test} and
 * {@link SnapshotStorePostgresTest}: a collection writes only what changed, and every way of
 * reading a snapshot gives back what was collected.
 */
abstract class SnapshotStoreScenario {

  static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  /** {@code n} model versions observed at {@code at}; with {@code changed}, every hundredth has another owner. */
  static List<Fact> estate(int n, Instant at, boolean changed) {
    List<Fact> facts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean flip = changed && i % 100 == 7;
      facts.add(new ModelVersion("src", "https://registry/m" + i, at, "mlflow", "model-" + i / 10, String.valueOf(i % 10),
          i % 10 == 9 ? "Production" : "None", List.of(), List.of(flip ? "mallory" : "owner-" + i % 7), null,
          "model " + i, Map.of("team", "t" + i % 9, "tier", "gold", "cost", "c" + i % 3), "run-" + i, null, null,
          "APPROVED", T0.minus(Duration.ofDays(30)), T0.minus(Duration.ofDays(2)), null, null, null));
    }
    return facts;
  }

  static CollectionResult run(String connector, List<Fact> facts, Instant at) {
    return new CollectionResult(connector, at, at.plusSeconds(5), true, facts, null, null, 1, 0);
  }

  static long count(JdbcClient jdbc, String where, Object... params) {
    return jdbc.sql("SELECT COUNT(*) FROM snapshot_fact" + (where.isEmpty() ? "" : " WHERE " + where))
        .params(params).query(Long.class).single();
  }

  /** A second collection with 1% of the facts changed writes 1% of the rows; an identical one writes none. */
  void aCollectionWritesOnlyTheFactsThatChanged(DataSource ds) {
    JdbcClient jdbc = JdbcClient.create(ds);
    SnapshotRepository snapshots = TestStore.on(ds).snapshots();
    long first = snapshots.record(run("src", estate(1000, T0, false), T0), "mlflow");
    assertThat(count(jdbc, "")).isEqualTo(1000);

    // collected an hour later: every fact carries the new observation time, 10 of 1000 differ
    Instant t1 = T0.plus(Duration.ofHours(1));
    long second = snapshots.record(run("src", estate(1000, t1, true), t1), "mlflow");
    assertThat(count(jdbc, "")).as("only the changed facts' bodies are added").isEqualTo(1010);
    assertThat(count(jdbc, "from_run = ?", second)).isEqualTo(10);
    assertThat(count(jdbc, "until_run = ?", second)).as("the rows of the old versions closed").isEqualTo(10);

    Instant t2 = T0.plus(Duration.ofHours(2));
    long third = snapshots.record(run("src", estate(1000, t2, true), t2), "mlflow");
    assertThat(count(jdbc, "")).as("an identical snapshot writes no fact body").isEqualTo(1010);
    assertThat(count(jdbc, "from_run = ? OR until_run = ?", third, third)).isZero();

    // and each run still reads back as collected, with its own observation time
    SnapshotRepository restarted = TestStore.on(ds).snapshots();
    assertThat(restarted.snapshot(first).facts()).containsExactlyInAnyOrderElementsOf(estate(1000, T0, false));
    assertThat(restarted.snapshot(second).facts()).containsExactlyInAnyOrderElementsOf(estate(1000, t1, true));
    assertThat(restarted.latestGood("src").orElseThrow().facts()).containsExactlyInAnyOrderElementsOf(estate(1000, t2, true));
  }

  /**
   * What is cached at collection is what a restart reads, in the same order; snapshot(runId), the
   * stored text and its hash agree, also with duplicates and facts observed at other times.
   */
  void everyReadGivesBackWhatWasCollected(DataSource ds) {
    SnapshotRepository snapshots = TestStore.on(ds).snapshots();
    List<Fact> facts = new ArrayList<>(estate(50, T0, false));
    Attestation policy = new Attestation("src", null, T0.minusSeconds(90), "ai-policy", "org", "ok, with \"quotes\", commas",
        "board", T0, null, null);
    facts.add(policy);
    facts.add(policy); // the same fact twice stays twice
    facts.add(facts.get(3));
    long id = snapshots.record(run("src", facts, T0), "mlflow");
    List<Fact> cached = snapshots.latestGood("src").orElseThrow().facts();
    assertThat(cached).containsExactlyInAnyOrderElementsOf(facts);

    SnapshotRepository restarted = TestStore.on(ds).snapshots();
    FactSnapshot loaded = restarted.latestGood("src").orElseThrow();
    assertThat(loaded.runId()).isEqualTo(id);
    assertThat(loaded.facts()).as("the same order as cached").containsExactlyElementsOf(cached);
    assertThat(restarted.snapshot(id).facts()).containsExactlyElementsOf(cached);

    String text = restarted.storedFacts(id).orElseThrow();
    assertThat(FactJson.readList(text)).containsExactlyElementsOf(cached);
    assertThat(restarted.factsSha256(List.of(id))).containsEntry(id, SnapshotRepository.sha256(text));
    assertThat(SnapshotRows.text(JdbcClient.create(ds), id)).contains(text);

    // a failed run stores no facts and leaves the good one in force
    long failed = snapshots.record(new CollectionResult("src", T0.plusSeconds(60), T0.plusSeconds(61), false, List.of(),
        "http_5xx", "down", 0, 0), "mlflow");
    assertThat(restarted.storedFacts(failed)).isEmpty();
    assertThat(restarted.factsSha256(List.of(failed))).isEmpty();
    assertThat(TestStore.on(ds).snapshots().latestGood("src").orElseThrow().runId()).isEqualTo(id);
  }

  /**
   * A held run is stored but not in force; confirming it makes it the latest good snapshot; a
   * backtest reads the snapshot in force at each time; retention deletes only rows no kept run holds.
   */
  void heldRunsBacktestsAndRetentionReadTheRightSnapshot(DataSource ds) {
    JdbcClient jdbc = JdbcClient.create(ds);
    SnapshotRepository snapshots = TestStore.on(ds).snapshots();
    List<Fact> full = estate(200, T0, false);
    long good = snapshots.record(run("src", full, T0), "mlflow");
    Instant t1 = T0.plus(Duration.ofDays(1));
    List<Fact> dropped = estate(20, t1, false);
    long held = snapshots.record(run("src", dropped, t1), "mlflow", "the fact count dropped", null);

    SnapshotRepository restarted = TestStore.on(ds).snapshots();
    assertThat(restarted.latestGood("src").orElseThrow().runId()).isEqualTo(good);
    assertThat(restarted.latestGood("src").orElseThrow().facts()).containsExactlyInAnyOrderElementsOf(full);
    assertThat(restarted.snapshot(held).facts()).containsExactlyInAnyOrderElementsOf(dropped);

    restarted.confirm("src", held, "admin", t1.plusSeconds(60));
    assertThat(restarted.latestGood("src").orElseThrow().runId()).isEqualTo(held);
    assertThat(TestStore.on(ds).snapshots().latestGood("src").orElseThrow().facts())
        .containsExactlyInAnyOrderElementsOf(dropped);

    // a later run agreeing with the held one, then one with the full estate back
    Instant t2 = T0.plus(Duration.ofDays(2));
    long back = snapshots.record(run("src", estate(200, t2, true), t2), "mlflow");
    assertThat(restarted.goodRunAsOf("src", T0.plus(Duration.ofHours(12)))).contains(good);
    assertThat(restarted.goodRunAsOf("src", t1.plusSeconds(30))).as("held until confirmed").contains(good);
    assertThat(restarted.goodRunAsOf("src", t1.plus(Duration.ofHours(1)))).contains(held);
    assertThat(restarted.snapshot(restarted.goodRunAsOf("src", T0.plus(Duration.ofHours(12))).orElseThrow()).facts())
        .containsExactlyInAnyOrderElementsOf(full);
    String goodText = restarted.storedFacts(good).orElseThrow();

    // retention keeping one run: the first two go, and with them the rows only they held
    long rowsBefore = count(jdbc, "");
    assertThat(restarted.prune(Duration.ofDays(1), 1, T0.plus(Duration.ofDays(40)))).isEqualTo(2);
    assertThat(restarted.storedFacts(good)).isEmpty();
    assertThat(restarted.storedFacts(held)).isEmpty();
    assertThat(count(jdbc, "")).isLessThan(rowsBefore).isEqualTo(200);
    assertThat(count(jdbc, "until_run IS NOT NULL")).isZero();
    FactSnapshot latest = TestStore.on(ds).snapshots().latestGood("src").orElseThrow();
    assertThat(latest.runId()).isEqualTo(back);
    assertThat(latest.facts()).containsExactlyInAnyOrderElementsOf(estate(200, t2, true));
    assertThat(goodText).isNotEqualTo(restarted.storedFacts(back).orElseThrow());
  }

  /**
   * A write that fails half-way (the run row, the closed rows and a batch of new rows written,
   * then the database fails) keeps nothing: the previous snapshot stays in force, its rows current,
   * in the database and in the cache.
   */
  void aWriteThatFailsHalfWayKeepsNothing(DataSource ds) {
    JdbcClient jdbc = JdbcClient.create(ds);
    JdbcTemplate failing = new JdbcTemplate(ds) {
      @Override
      public int[] batchUpdate(String sql, List<Object[]> args) {
        int[] done = super.batchUpdate(sql, args);
        if (sql.startsWith("INSERT")) {
          throw new DataAccessResourceFailureException("disk full, after " + done.length + " rows");
        }
        return done;
      }
    };
    SnapshotRepository snapshots = new SnapshotRepository(jdbc, failing,
        new TransactionTemplate(new DataSourceTransactionManager(ds)));
    long good = TestStore.on(ds).snapshots().record(run("src", estate(1000, T0, false), T0), "mlflow");
    assertThat(snapshots.latestGood("src").orElseThrow().runId()).isEqualTo(good);

    Instant t1 = T0.plusSeconds(60);
    assertThatThrownBy(() -> snapshots.record(run("src", estate(1000, t1, true), t1), "mlflow"))
        .hasMessageContaining("disk full, after 10 rows");

    assertThat(jdbc.sql("SELECT COUNT(*) FROM connector_run").query(Long.class).single()).isEqualTo(1);
    assertThat(count(jdbc, "")).isEqualTo(1000);
    assertThat(count(jdbc, "until_run IS NOT NULL")).isZero();
    assertThat(snapshots.latestGood("src").orElseThrow().runId()).as("in the cache").isEqualTo(good);
    FactSnapshot reloaded = TestStore.on(ds).snapshots().latestGood("src").orElseThrow();
    assertThat(reloaded.runId()).isEqualTo(good);
    assertThat(reloaded.facts()).containsExactlyInAnyOrderElementsOf(estate(1000, T0, false));
  }

  /** Two sources' snapshots never mix, even with facts of the same content. */
  void connectorsKeepTheirOwnRows(DataSource ds) {
    SnapshotRepository snapshots = TestStore.on(ds).snapshots();
    List<Fact> facts = estate(30, T0, false);
    long a = snapshots.record(run("a", facts, T0), "mlflow");
    long b = snapshots.record(run("b", facts.subList(0, 10), T0), "mlflow");
    snapshots.record(run("a", facts.subList(0, 5), T0.plusSeconds(60)), "mlflow");
    SnapshotRepository restarted = TestStore.on(ds).snapshots();
    assertThat(restarted.snapshot(a).facts()).hasSize(30);
    assertThat(restarted.latestGood("b").orElseThrow().runId()).isEqualTo(b);
    assertThat(restarted.latestGood("b").orElseThrow().facts()).containsExactlyInAnyOrderElementsOf(facts.subList(0, 10));
    assertThat(restarted.latestGood("a").orElseThrow().facts()).containsExactlyInAnyOrderElementsOf(facts.subList(0, 5));
  }

  /**
   * A fact collected again unchanged but stamped with the new run's time is handed on as a copy of
   * the previous snapshot's object with that time: equal to what was collected, sharing every other
   * component with the previous object (what makes evaluation's comparison a reference comparison
   * per component); a changed fact is the collected object. Also when the snapshot is read back
   * because another replica wrote it.
   */
  void aReStampedFactIsHandedOnAsACopyOfThePreviousOne(DataSource ds) {
    SnapshotRepository snapshots = TestStore.on(ds).snapshots();
    snapshots.record(run("src", estate(200, T0, false), T0), "mlflow");
    List<Fact> first = snapshots.latestGood("src").orElseThrow().facts();

    Instant t1 = T0.plus(Duration.ofHours(1));
    List<Fact> collected = estate(200, t1, true);
    snapshots.record(run("src", collected, t1), "mlflow");
    List<Fact> second = snapshots.latestGood("src").orElseThrow().facts();
    assertThat(second).containsExactlyInAnyOrderElementsOf(collected);
    assertHandedOn(first, second, t1);

    Instant t2 = T0.plus(Duration.ofHours(2));
    TestStore.on(ds).snapshots().record(run("src", estate(200, t2, false), t2), "mlflow"); // another replica
    List<Fact> third = snapshots.latestGood("src").orElseThrow().facts();
    assertThat(third).containsExactlyInAnyOrderElementsOf(estate(200, t2, false));
    assertHandedOn(second, third, t2);
  }

  /** Each fact of {@code next} observed at {@code at}, a copy of its previous object when only observedAt differs. */
  private static void assertHandedOn(List<Fact> previous, List<Fact> next, Instant at) {
    Map<String, ModelVersion> before = new java.util.HashMap<>();
    previous.forEach(f -> before.put(f.subject().key(), (ModelVersion) f));
    int copies = 0;
    for (Fact f : next) {
      ModelVersion now = (ModelVersion) f;
      ModelVersion was = before.get(now.subject().key());
      assertThat(now.observedAt()).isEqualTo(at);
      if (was.owners().equals(now.owners())) {
        assertThat(now).isNotSameAs(was);
        assertThat(now.tags()).isSameAs(was.tags());
        assertThat(now.description()).isSameAs(was.description());
        assertThat(now.owners()).isSameAs(was.owners());
        copies++;
      } else {
        // a changed fact is what was collected: not a copy of the previous one (its repeated
        // strings may still be the same objects, shared when facts are built: fact.Strings)
        assertThat(now.owners()).isNotSameAs(was.owners());
        assertThat(now.tags()).isNotSameAs(was.tags());
      }
    }
    assertThat(copies).as("all but the two changed").isEqualTo(198);
  }
}
