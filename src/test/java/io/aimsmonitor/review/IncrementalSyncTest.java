package io.aimsmonitor.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.connector.CollectionResult;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.FindingWorkflow;
import io.aimsmonitor.finding.Waiver;
import io.aimsmonitor.store.ReviewRepository;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An evaluation syncs waivers and default assignees only for the findings that can have changed
 * ({@link ReviewService#store}); this checks that it leaves exactly the state a sync of every open
 * finding gives: after each cycle, a full sync must find nothing to change and write no event.
 */
class IncrementalSyncTest {

  static final String UNAPPROVED = "test.unapproved";
  static final String NO_METRICS = "test.run-without-metrics";
  static final String PACK = """
      package test.sync;
      import io.aimsmonitor.fact.ModelVersion;
      import io.aimsmonitor.fact.TrainingRun;
      global io.aimsmonitor.rules.Violations violations;
      rule "test.unapproved"
        @control("A.6.2.5") @severity("medium") @title("Model is approved") @remediation("Approve it.")
      when
        $m : ModelVersion( approvalStatus == null )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " is not approved.", "approvalStatus", "none");
      end
      rule "test.run-without-metrics"
        @control("A.3.2") @severity("low") @title("Run logs metrics") @remediation("Log metrics.")
      when
        $r : TrainingRun( metrics.isEmpty() )
      then
        violations.report(kcontext, $r, "Run " + $r.runId() + " logs no metrics.", "metrics", "none");
      end
      """;
  static final Instant START = Instant.parse("2026-11-01T10:00:00Z");
  static final String JUSTIFICATION = "Accepted by the risk committee for this quarter.";

  @TempDir
  Path dir;

  /** Counts the reads of every open finding, which a cycle on from the last should not need. */
  static class CountingRepository extends ReviewRepository {
    final JdbcClient jdbc;
    int fullReads;
    int partialReads;

    CountingRepository(DataSource data) {
      super(JdbcClient.create(data), new JdbcTemplate(data), new TransactionTemplate(new DataSourceTransactionManager(data)));
      this.jdbc = JdbcClient.create(data);
    }

    long events() {
      return jdbc.sql("SELECT COUNT(*) FROM finding_event").query(Long.class).single();
    }

    @Override
    public List<OpenFinding> openFindings() {
      fullReads++;
      return super.openFindings();
    }

    @Override
    public List<OpenFinding> openFindings(Collection<String> ids) {
      partialReads++;
      return super.openFindings(ids);
    }
  }

  /** One model version (owner, approval) and the training run that produced it (metrics or none). */
  record Model(List<String> owners, boolean approved, boolean metrics) {}

  static String inventory(List<Model> models) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < models.size(); i++) {
      Model m = models.get(i);
      out.append("""
          - kind: ModelVersion
            registry: mlflow
            modelName: model-%d
            version: "1"
            stage: Production
            owners: %s
            sourceRunId: run-%d
          """.formatted(i, m.owners(), i));
      if (m.approved()) {
        out.append("  approvalStatus: APPROVED\n");
      }
      out.append("- {kind: TrainingRun, runId: run-%d%s}\n".formatted(i, m.metrics() ? ", metrics: {auc: 0.9}" : ""));
    }
    return out.toString();
  }

  static String unapproved(int model) {
    return Finding.idOf(UNAPPROVED, "inventory:model-" + model + "/1");
  }

  static String runFinding(int model) {
    return Finding.idOf(NO_METRICS, "inventory:run/run-" + model);
  }

  /** A service on an H2 file with the test pack loaded, its review repository counting reads. */
  private record Setup(CountingRepository repo, MutableClock clock, Workbench bench) {}

  private Setup setUp() {
    DataSource data = TestDatabases.h2File(dir.resolve("db"));
    CountingRepository repo = new CountingRepository(data);
    MutableClock clock = new MutableClock(START);
    Workbench bench = Workbench.withReview(dir, TestStore.on(data), repo, clock, ReviewProperties.defaults());
    bench.writePack("test-pack", PACK);
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    return new Setup(repo, clock, bench);
  }

  @Test
  void anOwnerChangeReachesTheRunsFindingAndAnExpiryWithNoFactChangeUnwaives() {
    Setup setup = setUp();
    CountingRepository repo = setup.repo();
    MutableClock clock = setup.clock();
    Workbench bench = setup.bench();
    List<Model> models = new ArrayList<>(List.of(new Model(List.of("team-a"), false, false),
        new Model(List.of("team-c"), false, true)));
    bench.writeInventory("models.yaml", inventory(models));
    cycle(bench);
    assertThat(repo.fullReads).as("the first evaluation syncs every open finding, taken from its result").isZero();
    assertThat(assignee(bench, runFinding(0))).as("a run takes its model version's owner").isEqualTo("team-a");
    bench.review.requestWaiver(WaiverRequest.forRule(UNAPPROVED, "inventory:model-1/*", JUSTIFICATION,
        START.plus(Duration.ofHours(2))), "alice");
    cycle(bench); // the waivers changed since the last evaluation: every open finding again
    assertThat(bench.review.workflow(finding(bench, unapproved(1))).state()).isEqualTo(FindingWorkflow.WAIVED);
    assertFullSyncChangesNothing(bench, repo);

    // Only the model version's owner changes; its run's fact is the same, yet its default assignee follows.
    repo.fullReads = 0;
    models.set(0, new Model(List.of("team-b"), false, false));
    bench.writeInventory("models.yaml", inventory(models));
    clock.advance(Duration.ofMinutes(10));
    cycle(bench);
    assertThat(repo.fullReads).as("only the findings whose subject's owner changed are read").isZero();
    assertThat(assignee(bench, unapproved(0))).isEqualTo("team-b");
    assertThat(assignee(bench, runFinding(0))).isEqualTo("team-b");
    assertFullSyncChangesNothing(bench, repo);

    // No fact changes, the time passes the waiver's expiry: its finding is open again at this evaluation.
    clock.advance(Duration.ofHours(3));
    cycle(bench);
    assertThat(bench.review.workflow(finding(bench, unapproved(1))).state()).isEqualTo(FindingWorkflow.OPEN);
    assertThat(bench.store.findings().history(unapproved(1))).extracting(FindingEvent::type)
        .contains(FindingEvent.Type.UNWAIVED);
    assertFullSyncChangesNothing(bench, repo);

    // And nothing changed at all: nothing read, nothing written.
    repo.fullReads = 0;
    repo.partialReads = 0;
    cycle(bench);
    assertThat(repo.fullReads + repo.partialReads).isZero();
  }

  @Test
  void aRandomSequenceOfFactChangesWaiversExpiriesAndAssignmentsEndsAsAFullSyncWould() {
    Setup setup = setUp();
    CountingRepository repo = setup.repo();
    MutableClock clock = setup.clock();
    Workbench bench = setup.bench();
    Random random = new Random(14);
    List<List<String>> owners = List.of(List.of(), List.of("team-a"), List.of("team-b"), List.of("team-c", "team-a"));
    List<Model> models = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      models.add(new Model(owners.get(random.nextInt(owners.size())), random.nextBoolean(), random.nextBoolean()));
    }
    bench.writeInventory("models.yaml", inventory(models));
    cycle(bench);
    int partialCycles = 0;
    for (int round = 0; round < 40; round++) {
      if (random.nextInt(3) > 0) { // some rounds change no fact
        for (int k = random.nextInt(3); k >= 0; k--) {
          int i = random.nextInt(models.size());
          Model m = models.get(i);
          models.set(i, switch (random.nextInt(3)) {
            case 0 -> new Model(owners.get(random.nextInt(owners.size())), m.approved(), m.metrics());
            case 1 -> new Model(m.owners(), !m.approved(), m.metrics());
            default -> new Model(m.owners(), m.approved(), !m.metrics());
          });
        }
        bench.writeInventory("models.yaml", inventory(models));
      }
      Instant now = clock.instant();
      switch (random.nextInt(8)) {
        case 0 -> bench.review.requestWaiver(WaiverRequest.forRule(random.nextBoolean() ? UNAPPROVED : NO_METRICS,
            "inventory:*" + random.nextInt(10) + "*", JUSTIFICATION, now.plus(Duration.ofMinutes(30 + random.nextInt(300)))),
            "alice");
        case 1 -> {
          String id = random.nextBoolean() ? unapproved(random.nextInt(10)) : runFinding(random.nextInt(10));
          if (bench.store.findings().get(id).map(Finding::isOpen).orElse(false)) {
            bench.review.requestWaiver(WaiverRequest.forFinding(id, JUSTIFICATION,
                now.plus(Duration.ofMinutes(30 + random.nextInt(300)))), "bob");
          }
        }
        case 2 -> bench.review.waivers().stream().filter(w -> w.inForce(now) && !w.id().startsWith("file:")).findFirst()
            .ifPresent(w -> bench.review.revoke(w.id(), "No longer accepted.", "carol"));
        case 3 -> {
          String id = unapproved(random.nextInt(10));
          if (bench.store.findings().get(id).isPresent()) {
            bench.review.assign(id, random.nextBoolean() ? "explicit-team" : null, "dave");
          }
        }
        default -> { }
      }
      clock.advance(Duration.ofMinutes(random.nextInt(4) * 40L)); // sometimes none: a cycle with nothing changed
      int fullBefore = repo.fullReads;
      cycle(bench);
      partialCycles += repo.fullReads == fullBefore ? 1 : 0;
      assertFullSyncChangesNothing(bench, repo);
    }
    assertThat(partialCycles).as("cycles that did not read every open finding").isGreaterThan(10);
    assertThat(bench.review.waivers()).extracting(w -> w.state(clock.instant())).contains(Waiver.State.EXPIRED);
  }

  static void cycle(Workbench bench) {
    CollectionResult result = bench.monitor.collect("inventory", () -> false);
    assertThat(result.succeeded()).as("collection: %s", result.error()).isTrue();
    bench.monitor.evaluate();
  }

  static Finding finding(Workbench bench, String id) {
    return bench.store.findings().get(id).orElseThrow();
  }

  static String assignee(Workbench bench, String id) {
    return bench.review.workflow(finding(bench, id)).assignee();
  }

  /** A sync of every open finding, as of the evaluation just stored, must change nothing the evaluation left. */
  static void assertFullSyncChangesNothing(Workbench bench, CountingRepository repo) {
    Map<String, String> before = state(repo);
    long events = repo.events();
    bench.review.sync(bench.clock.instant(), FindingEvent.SYSTEM, Set.of(), SubjectOwners.of(bench.monitor.latestFacts()));
    assertThat(state(repo)).isEqualTo(before);
    assertThat(repo.events()).as("events a full sync had to add").isEqualTo(events);
  }

  /** Per open finding: the waiver in force, the assignee and where it comes from. */
  static Map<String, String> state(ReviewRepository repo) {
    Map<String, String> out = new TreeMap<>();
    for (ReviewRepository.OpenFinding f : repo.openFindings()) {
      out.put(f.id(), f.workflow().waiverId() + " " + f.workflow().assignee() + " " + f.workflow().assigneeSource());
    }
    return out;
  }
}
