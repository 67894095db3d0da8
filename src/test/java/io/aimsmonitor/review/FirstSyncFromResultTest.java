package io.aimsmonitor.review;

import static io.aimsmonitor.review.IncrementalSyncTest.JUSTIFICATION;
import static io.aimsmonitor.review.IncrementalSyncTest.PACK;
import static io.aimsmonitor.review.IncrementalSyncTest.START;
import static io.aimsmonitor.review.IncrementalSyncTest.UNAPPROVED;
import static io.aimsmonitor.review.IncrementalSyncTest.assertFullSyncChangesNothing;
import static io.aimsmonitor.review.IncrementalSyncTest.cycle;
import static io.aimsmonitor.review.IncrementalSyncTest.inventory;
import static io.aimsmonitor.review.IncrementalSyncTest.runFinding;
import static io.aimsmonitor.review.IncrementalSyncTest.state;
import static io.aimsmonitor.review.IncrementalSyncTest.unapproved;
import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.review.IncrementalSyncTest.CountingRepository;
import io.aimsmonitor.review.IncrementalSyncTest.Model;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * When the store held no open finding before an evaluation that syncs every open finding (a first
 * evaluation, the first after a restart), {@link ReviewService#store} takes them from the
 * reconciliation's result instead of reading them back. Two services run the same steps on two
 * databases, one of them made to read every open finding as before; their workflow rows and every
 * finding's history must be the same, reopened findings' rows (acknowledged, explicitly assigned, a
 * waiver that expired while they were resolved) included.
 */
class FirstSyncFromResultTest {

  @TempDir
  Path dir;

  /** Says some finding is open, whatever the store holds: the sync then reads every open finding. */
  static final class FullReadRepository extends CountingRepository {
    FullReadRepository(DataSource data) {
      super(data);
    }

    @Override
    public boolean anyOpenFinding() {
      return true;
    }
  }

  /** One database and the service over it; {@code restart} builds a new service, as a new process would. */
  private final class Side {
    final DataSource data;
    final TestStore store;
    final MutableClock clock = new MutableClock(START);
    final Function<DataSource, CountingRepository> repos;
    final Path root;
    CountingRepository repo;
    Workbench bench;

    Side(String name, Function<DataSource, CountingRepository> repos) {
      this.root = dir.resolve(name);
      this.data = TestDatabases.h2File(root.resolve("db"));
      this.store = TestStore.on(data);
      this.repos = repos;
      restart();
      bench.writePack("test-pack", PACK);
      assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    }

    void restart() {
      repo = repos.apply(data);
      bench = Workbench.withReview(root, store, repo, clock, ReviewProperties.defaults());
      bench.ruleBook.reload();
    }

    void models(List<Model> models) {
      bench.writeInventory("models.yaml", inventory(models));
    }

    /**
     * Every finding's history (what, when, who, why) and every open finding's waiver and assignee;
     * waiver ids, random per request, as one placeholder.
     */
    Map<String, String> everything() {
      Map<String, String> out = new TreeMap<>(state(repo));
      for (String id : JdbcClient.create(data).sql("SELECT id FROM finding").query(String.class).list()) {
        out.put("history " + id, bench.store.findings().history(id).stream()
            .map(e -> e.type() + " " + e.at() + " " + e.actor() + " " + e.detail()).toList().toString());
      }
      out.replaceAll((id, value) -> value.replaceAll("W-[0-9a-f]{12}", "W-*"));
      return out;
    }
  }

  @Test
  void aFirstEvaluationAndOneAfterARestartOnAnAllResolvedStoreEndAsReadingEveryOpenFindingWould() {
    Side fromResult = new Side("from-result", CountingRepository::new);
    Side read = new Side("read", FullReadRepository::new);
    List<Side> sides = List.of(fromResult, read);
    List<Model> models = new ArrayList<>(List.of(new Model(List.of("team-a"), false, false),
        new Model(List.of("team-b"), false, true), new Model(List.of(), false, false),
        new Model(List.of("team-c", "team-a"), true, false), new Model(List.of("team-d"), false, false)));

    // a first evaluation on an empty store
    for (Side side : sides) {
      side.models(models);
      cycle(side.bench);
    }
    assertThat(fromResult.repo.fullReads).as("every open finding taken from the result").isZero();
    assertThat(read.repo.fullReads).isEqualTo(1);
    assertThat(state(fromResult.repo)).hasSize(8).isEqualTo(state(read.repo));
    assertFullSyncChangesNothing(fromResult.bench, fromResult.repo);

    // reviewers act on findings that are then all resolved, and a waiver expires meanwhile
    for (Side side : sides) {
      ReviewService review = side.bench.review;
      review.acknowledge(unapproved(0), "alice", "seen");
      review.assign(unapproved(1), "explicit-team", "bob");
      review.requestWaiver(WaiverRequest.forRule(UNAPPROVED, "inventory:model-2*", JUSTIFICATION,
          START.plus(Duration.ofDays(10))), "carol");
      review.requestWaiver(WaiverRequest.forFinding(runFinding(3), JUSTIFICATION, START.plus(Duration.ofHours(1))),
          "carol");
      side.clock.advance(Duration.ofMinutes(10));
      side.models(models.stream().map(m -> new Model(m.owners(), true, true)).toList());
      cycle(side.bench);
      assertThat(JdbcClient.create(side.data).sql("SELECT COUNT(*) FROM finding WHERE status = 'OPEN'")
          .query(Long.class).single()).as("all resolved").isZero();
      side.clock.advance(Duration.ofHours(2));
    }

    // after a restart (no last sync), the same findings are violated again, and new ones
    models.add(new Model(List.of("team-e"), false, false));
    models.set(1, new Model(List.of("team-f"), false, true)); // the explicit assignee stays
    for (Side side : sides) {
      side.restart();
      side.models(models);
      cycle(side.bench);
    }
    assertThat(fromResult.repo.fullReads).as("taken from the result again: none was open before").isZero();
    assertThat(read.repo.fullReads).isEqualTo(1);
    assertThat(fromResult.everything()).isEqualTo(read.everything());
    assertThat(state(fromResult.repo)).hasSize(10);
    assertThat(fromResult.bench.review.workflow(IncrementalSyncTest.finding(fromResult.bench, unapproved(1))).assignee())
        .isEqualTo("explicit-team");
    assertThat(fromResult.bench.store.findings().history(runFinding(3))).extracting(FindingEvent::type)
        .containsSubsequence(FindingEvent.Type.WAIVED, FindingEvent.Type.RESOLVED, FindingEvent.Type.REOPENED,
            FindingEvent.Type.UNWAIVED);
    assertFullSyncChangesNothing(fromResult.bench, fromResult.repo);

    // a restart with findings open: every open finding is read (they need not all be in the result)
    fromResult.clock.advance(Duration.ofMinutes(10));
    fromResult.restart();
    cycle(fromResult.bench);
    assertThat(fromResult.repo.fullReads).isEqualTo(1);
    assertFullSyncChangesNothing(fromResult.bench, fromResult.repo);
  }
}
