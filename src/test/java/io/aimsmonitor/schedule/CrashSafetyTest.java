package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.config.PausePoints;
import io.aimsmonitor.testing.ForkedService;
import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.SchemaSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The service on PostgreSQL, killed with SIGKILL in the middle of a collection, of an evaluation
 * and of the reconciliation transaction, restarted each time and then left to finish, ends with
 * the same findings and the same finding history as an uninterrupted run of the same demo: nothing
 * lost, nothing duplicated, nothing half-written.
 *
 * <p>Each service is a JVM of its own ({@link ForkedService}); it is held at each point by the
 * test-only {@link PausePoints}, so the kill lands exactly there, not somewhere near.
 */
@RequiresPostgres
class CrashSafetyTest {

  private static final List<String> DEMO_SOURCES = List.of("demo-datahub", "demo-github", "demo-inventory", "demo-lineage",
      "demo-mlflow");
  private static final Duration START_AND_REACH = Duration.ofSeconds(150);

  /** Under target/, not a temporary folder: the services' logs stay there to read when this fails. */
  private final Path work = Path.of("target", "crash-test").toAbsolutePath();

  private final long pid = ProcessHandle.current().pid();
  private final SchemaSql uninterrupted = new SchemaSql("aims_crash_base_" + pid);
  private final SchemaSql crashed = new SchemaSql("aims_crash_test_" + pid);
  private final List<ForkedService> services = new ArrayList<>();

  @BeforeEach
  @AfterEach
  void dropSchemas() throws Exception {
    for (ForkedService s : services) {
      s.close();
    }
    uninterrupted.dropIfExists();
    crashed.dropIfExists();
  }

  @BeforeEach
  void freshFolder() throws Exception {
    FileSystemUtils.deleteRecursively(work);
    Files.createDirectories(work);
  }

  @Test
  void killedDuringCollectionEvaluationAndReconciliationItEndsAsAnUninterruptedRun() throws Exception {
    Path pause = Files.createDirectories(work.resolve("pause"));
    // The uninterrupted run goes alongside the first life of the interrupted one.
    ForkedService baseline = start("uninterrupted", uninterrupted, null);

    ForkedService life1 = killAt(PausePoints.COLLECT, 1, pause);
    assertThat(crashed.count("SELECT COUNT(*) FROM connector_run WHERE finished_at IS NULL")).isZero();

    killAt(PausePoints.EVALUATE, 2, pause);
    assertThat(crashed.count("SELECT COUNT(*) FROM evaluation_run")).as("evaluations stored").isZero();

    ForkedService life3 = startArmed(PausePoints.RECONCILE, 3, pause);
    // Held inside the transaction: its findings and events are written but, uncommitted, invisible.
    assertThat(crashed.count("SELECT COUNT(*) FROM finding")).as("findings visible before the commit").isZero();
    life3.kill();
    assertThat(crashed.count("SELECT COUNT(*) FROM finding") + crashed.count("SELECT COUNT(*) FROM finding_event"))
        .as("findings and events after a kill inside the reconciliation transaction").isZero();

    ForkedService life4 = start("life-4-finish", crashed, pause);
    awaitQuiet(crashed, life4);
    awaitQuiet(uninterrupted, baseline);
    life4.stop();
    baseline.stop();

    // The same findings, in the same state.
    String findings = "SELECT id, rule_id, subject_key, status, stale, severity, message FROM finding ORDER BY id";
    List<String> expected = uninterrupted.rows(findings);
    assertThat(expected).as("findings of the uninterrupted run").isNotEmpty();
    assertThat(crashed.rows(findings)).as("findings after three kills").isEqualTo(expected);
    // The same history: every finding opened once, and resolved and reopened as often as without
    // the kills. (When a finding went stale and fresh again depends on when evaluations ran while
    // sources were still being collected, which differs between any two runs; those events must
    // only pair up.)
    String lifecycle = "SELECT finding_id, type, COUNT(*) FROM finding_event WHERE type IN ('OPENED', 'RESOLVED', 'REOPENED')"
        + " GROUP BY finding_id, type ORDER BY finding_id, type";
    List<String> history = uninterrupted.rows(lifecycle);
    assertThat(crashed.rows(lifecycle)).as("finding history after three kills").isEqualTo(history);
    for (SchemaSql run : List.of(uninterrupted, crashed)) {
      assertThat(run.count("SELECT COUNT(*) FROM (SELECT finding_id FROM finding_event WHERE type = 'OPENED'"
          + " GROUP BY finding_id HAVING COUNT(*) <> 1) d")).as(run.schema() + ": findings not opened exactly once").isZero();
      assertThat(run.count("SELECT COUNT(*) FROM (SELECT finding_id, type, at FROM finding_event GROUP BY finding_id, type, at"
          + " HAVING COUNT(*) > 1) d")).as(run.schema() + ": events written twice").isZero();
      assertThat(run.count("SELECT COUNT(*) FROM finding f WHERE f.stale <> ((SELECT COUNT(*) FROM finding_event e WHERE"
          + " e.finding_id = f.id AND e.type = 'STALE') > (SELECT COUNT(*) FROM finding_event e WHERE e.finding_id = f.id"
          + " AND e.type = 'REFRESHED'))")).as(run.schema() + ": findings whose stale flag disagrees with their history").isZero();
      // Runs: none left unfinished or failed by a kill, every good one with its facts (rows, V105) and hash.
      assertThat(run.count("SELECT COUNT(*) FROM connector_run WHERE finished_at IS NULL OR status <> 'SUCCEEDED'"
          + " OR NOT facts_in_rows OR facts_sha256 IS NULL")).as(run.schema() + ": runs half-written or failed").isZero();
    }
    assertThat(crashed.rows(latestSnapshots())).as("latest good snapshot of each source").isEqualTo(uninterrupted.rows(latestSnapshots()));
    assertThat(crashed.count("SELECT COUNT(*) FROM finding_workflow")).as("workflow rows")
        .isEqualTo(uninterrupted.count("SELECT COUNT(*) FROM finding_workflow"));

    System.out.printf("crash safety: 3 SIGKILLs (collection, evaluation, reconciliation transaction) on PostgreSQL;"
        + " %d findings and %d lifecycle events compared with an uninterrupted run: 0 lost, 0 duplicated, 0 half-written%n",
        expected.size(), crashed.count("SELECT COUNT(*) FROM finding_event WHERE type IN ('OPENED', 'RESOLVED', 'REOPENED')"));
    assertThat(life1.isAlive()).isFalse();
  }

  private static String latestSnapshots() {
    return "SELECT r.connector_id, r.fact_count FROM connector_run r WHERE r.id = (SELECT MAX(id) FROM connector_run x"
        + " WHERE x.connector_id = r.connector_id AND x.status = 'SUCCEEDED') ORDER BY r.connector_id";
  }

  /** Starts a life of the interrupted run with {@code point} armed, waits until it is held there, kills it. */
  private ForkedService killAt(String point, int life, Path pause) throws Exception {
    ForkedService s = startArmed(point, life, pause);
    s.kill();
    return s;
  }

  private ForkedService startArmed(String point, int life, Path pause) throws Exception {
    Files.createFile(pause.resolve(point + ".armed"));
    ForkedService s = start("life-" + life + "-" + point, crashed, pause);
    SchemaSql.await("life " + life + " held at the pause point '" + point + "'", START_AND_REACH,
        () -> Files.exists(pause.resolve(point + ".reached")), s);
    assertThat(Long.parseLong(Files.readString(pause.resolve(point + ".reached")).trim())).isEqualTo(s.pid());
    return s;
  }

  private ForkedService start(String name, SchemaSql schema, Path pause) throws Exception {
    List<String> args = new ArrayList<>(ForkedService.onPostgres(schema.schema()));
    // The same data folder in every life of a run: it is the deployment's volume.
    args.addAll(List.of("--aims.data-dir=" + work.resolve(schema.schema()), "--spring.main.web-application-type=none",
        "--aims.scheduler.evaluation-debounce=2s"));
    ForkedService s = ForkedService.start(name, work,
        pause == null ? Map.of() : Map.of(PausePoints.DIR_PROPERTY, pause.toString()), args);
    services.add(s);
    return s;
  }

  /**
   * Waits until the run has finished its work: every demo source collected, nothing running or
   * queued in Quartz (a dead instance's jobs recovered), and an evaluation after the last collection.
   */
  private static void awaitQuiet(SchemaSql run, ForkedService service) throws Exception {
    String sources = String.join(",", DEMO_SOURCES.stream().map(s -> "'" + s + "'").toList());
    int[] quietPolls = {0};
    SchemaSql.await(run.schema() + " collected, evaluated and idle", Duration.ofSeconds(150), () -> {
      boolean quiet = run.hasTable("qrtz_fired_triggers")
          && run.count("SELECT COUNT(DISTINCT connector_id) FROM connector_run WHERE status = 'SUCCEEDED' AND connector_id IN ("
              + sources + ")") == DEMO_SOURCES.size()
          && run.count("SELECT COUNT(*) FROM qrtz_fired_triggers") == 0
          && run.count("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_type <> 'CRON'") == 0
          && run.count("SELECT COUNT(*) FROM evaluation_run WHERE started_at > (SELECT MAX(finished_at) FROM connector_run)") > 0;
      quietPolls[0] = quiet ? quietPolls[0] + 1 : 0;
      return quietPolls[0] >= 4; // a second of quiet, so a trigger between two polls is not missed
    }, service);
  }
}
