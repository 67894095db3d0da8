package io.aimsmonitor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.config.PausePoints;
import io.aimsmonitor.testing.FireRecorder;
import io.aimsmonitor.testing.FireRecorder.Fire;
import io.aimsmonitor.testing.ForkedService;
import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.SchemaSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * Two replicas of the service, each a JVM of its own, on one PostgreSQL schema: Quartz's clustered
 * job store must fire every trigger on exactly one of them, run evaluation (and with it
 * reconciliation) once at a time across both, and, when one is killed with SIGKILL in the middle
 * of a collection, hand its jobs to the other within a bounded time (cluster check-in, then
 * recovery of the job it was running).
 *
 * <p>Four file connectors fire every second and evaluation every three seconds, so that well
 * over 50 fires are checked. A test-only job listener ({@link FireRecorder}) writes each fire with
 * its trigger and scheduled time; the store's runs and evaluations are counted against them.
 */
@RequiresPostgres
class ClusterTest {

  private static final List<String> CONNECTORS = List.of("c1", "c2", "c3", "c4");
  private static final int MIN_FIRES = 50;
  /**
   * Quartz declares a replica dead when it missed its check-in by {@code clusterCheckinInterval}
   * (10 s, {@code config.DatabaseDefaults}) plus 7.5 s, and the survivor notices at its own next
   * check-in; 30 s leaves room for a loaded machine.
   */
  private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(30);

  /** Under target/, not a temporary folder: the services' logs stay there to read when this fails. */
  private final Path work = Path.of("target", "cluster-test").toAbsolutePath();

  private final String schema = "aims_cluster_test_" + ProcessHandle.current().pid();
  private final SchemaSql db = new SchemaSql(schema);
  private final List<ForkedService> services = new ArrayList<>();

  @BeforeEach
  void schema() throws Exception {
    db.dropIfExists();
    FileSystemUtils.deleteRecursively(work);
    Files.createDirectories(work);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (ForkedService s : services) {
      s.close();
    }
    db.dropIfExists();
  }

  @Test
  void everyTriggerFiresOnExactlyOneReplicaAndASurvivorTakesOverTheJobsOfAKilledOne() throws Exception {
    Path connectors = Files.createDirectories(work.resolve("connectors"));
    for (String id : CONNECTORS) {
      Files.writeString(connectors.resolve(id + ".yaml"), """
          id: %s
          type: file
          schedule: "* * * * * ?"
          options:
            paths: [classpath:demo/acme/models.csv]
          """.formatted(id));
    }
    // One small pack: the cluster's behaviour does not depend on what the rules say, and each
    // replica compiles every pack at start.
    FileSystemUtils.copyRecursively(Path.of("rules/aims-documentation"), work.resolve("rules/aims-documentation"));
    Path pause = Files.createDirectories(work.resolve("pause"));

    long t0 = System.currentTimeMillis();
    ForkedService a = start("replica-a", pause);
    ForkedService b = start("replica-b", pause);
    // Both started at once on an empty schema, as a rollout does: migrations and job registration race.
    SchemaSql.await("both replicas checked in to the cluster", Duration.ofSeconds(150),
        () -> db.hasTable("qrtz_scheduler_state") && db.count("SELECT COUNT(*) FROM qrtz_scheduler_state") == 2, a, b);
    long joined = System.currentTimeMillis();
    System.out.printf("cluster: both replicas joined after %.1f s%n", (joined - t0) / 1000.0);
    SchemaSql.await(MIN_FIRES + " collections after both joined", Duration.ofSeconds(60),
        () -> fires(f -> !f.begin() && f.job().startsWith("collect.") && f.firedAt() >= joined).size() >= MIN_FIRES, a, b);

    // Kill the replica that is in the middle of the next collection.
    Files.createFile(pause.resolve(PausePoints.COLLECT + ".armed"));
    SchemaSql.await("a collection paused at the test pause point", Duration.ofSeconds(20),
        () -> Files.exists(pause.resolve(PausePoints.COLLECT + ".reached")), a, b);
    long victimPid = Long.parseLong(Files.readString(pause.resolve(PausePoints.COLLECT + ".reached")).trim());
    ForkedService victim = a.pid() == victimPid ? a : b;
    ForkedService survivor = victim == a ? b : a;
    Set<String> victimEnded = fires(f -> !f.begin() && f.pid() == victimPid).stream().map(Fire::fireId).collect(Collectors.toSet());
    List<Fire> inFlight = fires(f -> f.begin() && f.pid() == victimPid && f.job().startsWith("collect.")
        && !victimEnded.contains(f.fireId()));
    assertThat(inFlight).as("the victim's collection held at the pause point").isNotEmpty();
    victim.kill();
    long killedAt = System.currentTimeMillis();
    Files.createFile(pause.resolve(PausePoints.COLLECT + ".released"));

    // The survivor recovers the interrupted collection (its job requests recovery) and takes over
    // every schedule, including the held one, whose trigger the dead replica left blocked.
    Set<String> held = inFlight.stream().map(Fire::job).collect(Collectors.toSet());
    SchemaSql.await("the survivor recovered the killed replica's collection and runs every schedule", Duration.ofSeconds(60), () -> {
      List<Fire> after = fires(f -> f.pid() == survivor.pid() && f.firedAt() > killedAt && !f.begin());
      Set<String> recovered = after.stream().filter(Fire::recovering).map(Fire::job).collect(Collectors.toSet());
      Set<String> ran = after.stream().filter(f -> !f.recovering()).map(Fire::job).collect(Collectors.toSet());
      return recovered.containsAll(held) && ran.containsAll(CONNECTORS.stream().map(id -> "collect." + id).toList())
          && ran.contains("aims.evaluate");
    }, survivor);
    long takeover = fires(f -> f.pid() == survivor.pid() && f.begin() && f.firedAt() > killedAt
        && held.contains(f.job())).stream().mapToLong(Fire::firedAt).min().orElseThrow() - killedAt;
    assertThat(Duration.ofMillis(takeover)).as("time until the survivor ran the killed replica's job").isLessThan(TAKEOVER_BOUND);
    // SIGKILL again: a graceful stop would fail the evaluation it interrupts, which is not what is counted here
    survivor.kill();

    List<Fire> all = fires(f -> true);
    List<Fire> begun = all.stream().filter(Fire::begin).toList();
    // 1. Every scheduled fire ran on exactly one replica.
    Map<String, List<Fire>> byScheduledFire = begun.stream().filter(f -> !f.recovering())
        .collect(Collectors.groupingBy(Fire::scheduledFire));
    assertThat(byScheduledFire.values().stream().filter(f -> f.size() > 1).toList())
        .as("scheduled fires that ran more than once (replica-a pid %d, replica-b pid %d)", a.pid(), b.pid()).isEmpty();
    List<Fire> collects = begun.stream().filter(f -> f.job().startsWith("collect.")).toList();
    assertThat(collects).hasSizeGreaterThanOrEqualTo(MIN_FIRES);
    assertThat(collects.stream().map(Fire::pid).distinct().count()).as("replicas that ran collections").isEqualTo(2);

    // 2. The store holds one run per collection: at least every fire that ended, at most every fire that began.
    Map<String, Long> runs = new HashMap<>();
    db.query("SELECT connector_id, COUNT(*) FROM connector_run GROUP BY connector_id", rs -> runs.put(rs.getString(1), rs.getLong(2)));
    for (String id : CONNECTORS) {
      long ended = all.stream().filter(f -> !f.begin() && f.job().equals("collect." + id)).count();
      long started = all.stream().filter(f -> f.begin() && f.job().equals("collect." + id)).count();
      assertThat(runs.getOrDefault(id, 0L)).as("runs of %s stored (fires: %d ended, %d began)", id, ended, started)
          .isBetween(ended, started);
    }

    // 3. Evaluation (and the reconciliation inside it) ran once per fire and never on two replicas at once.
    long evaluationsEnded = all.stream().filter(f -> !f.begin() && f.job().equals("aims.evaluate")).count();
    long evaluationsBegun = all.stream().filter(f -> f.begin() && f.job().equals("aims.evaluate")).count();
    List<Instant[]> evaluations = new ArrayList<>();
    db.query("SELECT started_at, finished_at FROM evaluation_run ORDER BY started_at",
        rs -> evaluations.add(new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()}));
    // a fire before the first collections have stored their runs waits for them and stores nothing
    // (EvaluateJob); how often that happens depends on how long those first runs take to store
    long waited = services.stream().mapToLong(s -> s.log().lines()
        .filter(l -> l.contains("evaluation waits for the first collection")).count()).sum();
    assertThat((long) evaluations.size()).as("evaluations stored (fires: %d ended, %d of them waited; %d began)",
        evaluationsEnded, waited, evaluationsBegun).isBetween(evaluationsEnded - waited, evaluationsBegun);
    for (int i = 1; i < evaluations.size(); i++) {
      assertThat(evaluations.get(i)[0]).as("evaluation %d started after evaluation %d finished", i, i - 1)
          .isAfterOrEqualTo(evaluations.get(i - 1)[1]);
    }
    assertThat(db.count("SELECT COUNT(*) FROM finding")).as("findings").isPositive();
    assertThat(db.count("SELECT COUNT(*) FROM (SELECT finding_id FROM finding_event WHERE type = 'OPENED'"
        + " GROUP BY finding_id HAVING COUNT(*) > 1) d")).as("findings opened more than once").isZero();
    assertThat(db.count("SELECT COUNT(*) FROM finding f WHERE NOT EXISTS (SELECT 1 FROM finding_event e"
        + " WHERE e.finding_id = f.id AND e.type = 'OPENED')")).as("findings without their OPENED event").isZero();

    // 4. Nothing went wrong that only the log shows.
    for (ForkedService s : services) {
      assertThat(s.log().lines().filter(l -> l.contains(" ERROR ")).toList()).as(s.name() + " errors").isEmpty();
    }
    System.out.printf("cluster: %d scheduled fires checked (%d collections, %d evaluations) on 2 replicas, each ran"
        + " once; %d runs and %d evaluations stored; replica killed in a collection, its job taken over after %.1f s%n",
        byScheduledFire.size(), collects.size(), evaluationsBegun, runs.values().stream().mapToLong(Long::longValue).sum(),
        evaluations.size(), takeover / 1000.0);
  }

  private ForkedService start(String name, Path pause) throws Exception {
    List<String> args = new ArrayList<>(ForkedService.onPostgres(schema));
    args.addAll(List.of("--aims.connectors-dir=" + work.resolve("connectors"), "--aims.rules-dir=" + work.resolve("rules"),
        "--aims.data-dir=" + work.resolve(name), "--spring.main.web-application-type=none",
        "--spring.main.sources=" + FireRecorder.class.getName(),
        "--aims.scheduler.evaluation-schedule=*/3 * * * * ?",
        // every instance may collect at once, so that each fire is a run (no slot retries to account for)
        "--aims.scheduler.max-collections-per-source=4"));
    ForkedService s = ForkedService.start(name, work, Map.of(FireRecorder.FILE_PROPERTY, work.resolve(name + ".fires").toString(),
        PausePoints.DIR_PROPERTY, pause.toString()), args);
    services.add(s);
    return s;
  }

  private List<Fire> fires(Predicate<Fire> filter) throws Exception {
    List<Path> files = services.stream().map(s -> work.resolve(s.name() + ".fires")).toList();
    return FireRecorder.read(files.toArray(Path[]::new)).stream().filter(filter).toList();
  }
}
