package io.aimsmonitor.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.aimsmonitor.cli.ReplayCommand;
import io.aimsmonitor.config.AimsProperties;
import io.aimsmonitor.controls.ControlCatalog;
import io.aimsmonitor.rules.RulePackLoader;
import io.aimsmonitor.schedule.HousekeepingJob;
import io.aimsmonitor.store.EvaluationRecords;
import io.aimsmonitor.store.EvaluationRecords.Verdict;
import io.aimsmonitor.store.LineageEventRepository;
import io.aimsmonitor.testing.MutableClock;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import io.aimsmonitor.testing.Workbench;
import io.aimsmonitor.web.api.ApiErrors;
import io.aimsmonitor.web.api.EvaluationsController;
import io.aimsmonitor.web.security.EndpointRoles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import picocli.CommandLine;

/**
 * Issue #15, evaluation records and replay: an evaluation replays to identical verdicts after its
 * rule pack and its facts changed, at its own clock time; evidence that changed or went missing
 * since is reported as a difference with its reason, never as identical.
 */
class ReplayTest {

  @TempDir
  Path dir;

  /** Two rules: one on owners, one that only fires after a date, so a replay at "now" would differ. */
  private static final String PACK_V1 = """
      package test.replay;
      import io.aimsmonitor.fact.ModelVersion;
      global io.aimsmonitor.rules.Violations violations;
      global java.time.Instant now;
      global java.lang.Integer minOwners;
      rule "test.production-has-owner"
        @control("A.3.2") @severity("high") @title("Production model has an owner") @remediation("Set an owner.")
      when
        $m : ModelVersion( production, owners.size() < minOwners )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " has too few owners.", "owners", $m.owners());
      end
      rule "test.review-due"
        @control("A.6.2.6") @severity("low") @title("Review due") @remediation("Review it.")
      when
        $m : ModelVersion( production, eval(now.isAfter(java.time.Instant.parse("2026-11-15T00:00:00Z"))) )
      then
        violations.report(kcontext, $m, "Model " + $m.modelName() + " is due for review.", "stage", $m.stage());
      end
      """;

  private static final String PACK_YAML = """
      name: replayed
      description: replay test pack
      parameters:
        minOwners: {type: int, default: 1, description: owners a production model needs}
      """;

  private record Setup(Workbench bench, DataSource data, JdbcClient jdbc, Replayer replayer) {}

  private Setup setup() throws Exception {
    return setup(TestDatabases.h2File(dir.resolve("db")), dir.resolve("bench"));
  }

  private Setup setup(DataSource data, Path root) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    Workbench bench = new Workbench(root, TestStore.on(data), clock);
    Path pack = Files.createDirectories(bench.rules.resolve("replayed"));
    Files.writeString(pack.resolve("pack.yaml"), PACK_YAML);
    Files.writeString(pack.resolve("rules.drl"), PACK_V1);
    bench.writeInventory("models.yaml", Workbench.model("fraud", "7", "[]") + Workbench.model("churn", "3", "[ana]"));
    assertThat(bench.ruleBook.reload().rejected()).isEmpty();
    Replayer replayer = new Replayer(bench.store.evaluations().records(), bench.store.snapshots(),
        new RulePackLoader(ControlCatalog.bundled()), UnaryOperator.identity(), Set::of);
    return new Setup(bench, data, JdbcClient.create(data), replayer);
  }

  private static long collectAndEvaluate(Workbench bench) {
    assertThat(bench.monitor.collect("inventory", () -> false).succeeded()).isTrue();
    return bench.monitor.evaluate().evaluationId();
  }

  @Test
  void aPastEvaluationReplaysIdenticallyAfterItsPackAndItsFactsChanged() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    EvaluationRecords.EvaluationRecord record = s.bench().store.evaluations().records().find(first).orElseThrow();
    assertThat(record.verdicts()).containsExactly(new Verdict("replayed", "test.production-has-owner", "inventory:fraud/7"));
    assertThat(record.packs()).singleElement().satisfies(p -> {
      assertThat(p.parameters()).containsEntry("minOwners", 1);
      assertThat(p.contentHash()).isEqualTo(s.bench().ruleBook.packs().get(0).contentHash());
    });
    assertThat(record.snapshots()).singleElement().satisfies(r -> assertThat(r.sha256()).hasSize(64));
    assertThat(record.engine()).contains("drools 10.");

    // a month later: the pack is edited on disk (a rule dropped, the other stricter), the facts changed
    s.bench().clock.advance(Duration.ofDays(30));
    Files.writeString(s.bench().rules.resolve("replayed/rules.drl"),
        PACK_V1.substring(0, PACK_V1.indexOf("rule \"test.review-due\"")).replace("owners.size() < minOwners",
            "owners.size() < minOwners + 1"));
    assertThat(s.bench().ruleBook.reload().rejected()).isEmpty();
    s.bench().writeInventory("models.yaml", Workbench.model("fraud", "7", "[bo]") + Workbench.model("churn", "3", "[]")
        + Workbench.model("scoring", "1", "[]"));
    long second = collectAndEvaluate(s.bench());
    List<Verdict> now = s.bench().store.evaluations().records().find(second).orElseThrow().verdicts();
    assertThat(now).as("the change matters").hasSize(3).isNotEqualTo(record.verdicts());

    Replayer.Result replay = s.replayer().replay(first);
    assertThat(replay.reasons()).isEmpty();
    assertThat(replay.identical()).isTrue();
    assertThat(replay.evaluatedAt()).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(replay.recordedVerdicts()).isEqualTo(1);
    assertThat(replay.replayedVerdicts()).isEqualTo(1);
    assertThat(replay.added()).isEmpty();
    assertThat(replay.removed()).isEmpty();
    assertThat(s.replayer().replay(second).identical()).as("the later one replays too").isTrue();

    // both pack versions are stored by content, and the one on disk now is not the first
    assertThat(s.jdbc().sql("SELECT COUNT(*) FROM rule_pack_version").query(Long.class).single()).isEqualTo(2);

    // the command line says the same, and exits 0
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath().resolve("aims") + ";DB_CLOSE_DELAY=0";
    Files.createDirectories(dir.resolve("empty-rules"));
    Files.createDirectories(dir.resolve("empty-connectors"));
    int exit = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(String.valueOf(first), "--spring.datasource.url=" + url, "--aims.data-dir=" + dir.resolve("data"),
            "--aims.rules-dir=" + dir.resolve("empty-rules"), "--aims.connectors-dir=" + dir.resolve("empty-connectors"));
    assertThat(exit).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("1 verdicts recorded, 1 on replay").contains("identical");

    int missing = new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("999999", "--spring.datasource.url=" + url, "--aims.data-dir=" + dir.resolve("data"),
            "--aims.rules-dir=" + dir.resolve("empty-rules"), "--aims.connectors-dir=" + dir.resolve("empty-connectors"));
    assertThat(missing).isEqualTo(2);
    assertThat(err.toString()).contains("no record of evaluation 999999");
  }

  /**
   * Issue #14: an incremental evaluation records its verdict set as the change from the last one
   * (format 2); it reads back whole, verified, and replays identically, as does the one before.
   */
  @Test
  void anEvaluationRecordedAsAChangeOfTheLastVerdictSetReplaysIdentically() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    s.bench().clock.advance(Duration.ofMinutes(5)); // the same time step: an incremental cycle
    s.bench().writeInventory("models.yaml", Workbench.model("fraud", "7", "[bo]") + Workbench.model("churn", "3", "[]")
        + Workbench.model("scoring", "1", "[]"));
    long second = collectAndEvaluate(s.bench());
    String firstSet = verdictSet(s, first);
    String secondSet = verdictSet(s, second);
    assertThat(s.jdbc().sql("SELECT base_sha256 FROM verdict_set WHERE sha256 = ?").param(secondSet)
        .query(String.class).single()).as("stored as a change of the first set").isEqualTo(firstSet);
    EvaluationRecords.EvaluationRecord record = s.bench().store.evaluations().records().find(second).orElseThrow();
    assertThat(record.verdictsProblem()).isNull();
    assertThat(record.verdicts()).containsExactly(
        new Verdict("replayed", "test.production-has-owner", "inventory:churn/3"),
        new Verdict("replayed", "test.production-has-owner", "inventory:scoring/1"));
    assertThat(s.replayer().replay(second).identical()).isTrue();
    assertThat(s.replayer().replay(first).identical()).isTrue();
  }

  private static String verdictSet(Setup s, long evaluationId) {
    return s.jdbc().sql("SELECT verdicts_sha256 FROM evaluation_record WHERE evaluation_id = ?").param(evaluationId)
        .query(String.class).single();
  }

  @Test
  void aTamperedSnapshotIsADifferenceWithItsReason() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    long run = s.bench().store.evaluations().records().find(first).orElseThrow().snapshots().get(0).runId();
    // someone gives fraud an owner in the stored snapshot after the fact
    int changed = s.jdbc().sql("UPDATE snapshot_fact SET body = REPLACE(body, '\"owners\":[]', '\"owners\":[\"mallory\"]')"
        + " WHERE from_run <= ? AND (until_run IS NULL OR until_run > ?) AND body LIKE '%\"owners\":[]%'")
        .params(run, run).update();
    assertThat(changed).isEqualTo(1);

    Replayer.Result replay = s.replayer().replay(first);
    assertThat(replay.identical()).isFalse();
    assertThat(replay.removed()).containsExactly(new Verdict("replayed", "test.production-has-owner", "inventory:fraud/7"));
    assertThat(replay.reasons()).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo("snapshot_changed");
      assertThat(r.subject()).isEqualTo("connector inventory run " + run);
      assertThat(r.detail()).contains("SHA-256 now");
    });
  }

  @Test
  void aTamperedSnapshotThatChangesNoVerdictIsStillNotIdentical() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    s.jdbc().sql("UPDATE snapshot_fact SET body = REPLACE(body, '\"ana\"', '\"anna\"')").update();

    Replayer.Result replay = s.replayer().replay(first);
    assertThat(replay.added()).isEmpty();
    assertThat(replay.removed()).isEmpty();
    assertThat(replay.identical()).as("the same verdicts from other evidence are not a reproduction").isFalse();
    assertThat(replay.reasons()).extracting(Replayer.Reason::kind).containsExactly("snapshot_changed");
  }

  @Test
  void aMissingSnapshotAndAMissingOrBrokenPackAreDifferencesWithTheirReasons() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    EvaluationRecords.EvaluationRecord record = s.bench().store.evaluations().records().find(first).orElseThrow();
    long run = record.snapshots().get(0).runId();
    s.jdbc().sql("DELETE FROM connector_run WHERE id = ?").param(run).update();

    Replayer.Result replay = s.replayer().replay(first);
    assertThat(replay.identical()).isFalse();
    assertThat(replay.removed()).hasSize(1);
    assertThat(replay.reasons()).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo("snapshot_missing");
      assertThat(r.subject()).isEqualTo("connector inventory run " + run);
    });

    // a stored pack version that no longer compiles (here: its stored text damaged)
    s.jdbc().sql("UPDATE rule_pack_version SET files = REPLACE(files, 'then', 'thus')").update();
    assertThat(s.replayer().replay(first).reasons()).extracting(Replayer.Reason::kind)
        .contains("snapshot_missing", "pack_not_compiled");

    s.jdbc().sql("DELETE FROM rule_pack_version").update();
    Replayer.Result noPack = s.replayer().replay(first);
    assertThat(noPack.identical()).isFalse();
    assertThat(noPack.reasons()).filteredOn(r -> r.kind().equals("pack_missing")).singleElement()
        .satisfies(r -> assertThat(r.detail()).contains(record.packs().get(0).contentHash()));

    // the recorded verdicts themselves edited: the record no longer vouches for them
    s.jdbc().sql("UPDATE verdict_set SET verdicts = '[]'").update();
    assertThat(s.replayer().replay(first).reasons()).filteredOn(r -> r.kind().equals("record_incomplete"))
        .singleElement().satisfies(r -> assertThat(r.detail()).contains("verdict set changed"));

    assertThatThrownBy(() -> s.replayer().replay(first + 1000)).isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("no record of evaluation");
  }

  @Test
  void retentionKeepsWhatAKeptEvaluationReadAndNoLonger() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    long firstRun = s.bench().store.evaluations().records().find(first).orElseThrow().snapshots().get(0).runId();
    String firstPack = s.bench().ruleBook.packs().get(0).contentHash();
    // later runs and a new pack version, past the snapshot retention of 30 days but within the evaluations'
    s.bench().clock.advance(Duration.ofDays(40));
    Files.writeString(s.bench().rules.resolve("replayed/rules.drl"), PACK_V1.replace("too few owners", "not enough owners"));
    assertThat(s.bench().ruleBook.reload().rejected()).isEmpty();
    for (int i = 0; i < 3; i++) {
      s.bench().writeInventory("models.yaml", Workbench.model("fraud", "7", "[]") + Workbench.model("m" + i, "1", "[x]"));
      collectAndEvaluate(s.bench());
    }
    long sets = s.jdbc().sql("SELECT COUNT(*) FROM verdict_set").query(Long.class).single();
    collectAndEvaluate(s.bench());
    assertThat(s.jdbc().sql("SELECT COUNT(*) FROM verdict_set").query(Long.class).single())
        .as("an evaluation deciding as the one before adds no verdict set").isEqualTo(sets);
    Instant now = s.bench().clock.instant();
    EvaluationRecords records = s.bench().store.evaluations().records();

    assertThat(records.prune(Duration.ofDays(400), now)).isZero();
    s.bench().store.snapshots().prune(Duration.ofDays(30), 1, now);
    assertThat(s.bench().store.snapshots().storedFacts(firstRun)).as("read by a kept evaluation").isPresent();
    assertThat(records.pack(firstPack)).isPresent();
    assertThat(s.replayer().replay(first).identical()).isTrue();

    // with evaluations kept 35 days, the first record goes, and then its snapshot and pack version
    assertThat(records.prune(Duration.ofDays(35), now)).isEqualTo(1);
    s.bench().store.snapshots().prune(Duration.ofDays(30), 1, now);
    assertThat(s.bench().store.snapshots().storedFacts(firstRun)).isEmpty();
    assertThat(records.pack(firstPack)).isEmpty();
    assertThat(s.jdbc().sql("SELECT COUNT(*) FROM verdict_set").query(Long.class).single())
        .as("the first evaluation's verdict set went with it").isEqualTo(sets - 1);
    assertThat(records.list(10)).hasSize(4);
  }

  /** The scheduled housekeeping applies both retentions, records first. */
  @Test
  void housekeepingKeepsASnapshotWhileTheEvaluationThatReadItIsKept() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    long firstRun = s.bench().store.evaluations().records().find(first).orElseThrow().snapshots().get(0).runId();
    s.bench().clock.advance(Duration.ofDays(40));
    s.bench().writeInventory("models.yaml", Workbench.model("fraud", "7", "[]"));
    collectAndEvaluate(s.bench());

    housekeeping(s, Duration.ofDays(400)).execute(null);
    assertThat(s.bench().store.snapshots().storedFacts(firstRun)).isPresent();
    assertThat(s.replayer().replay(first).identical()).isTrue();

    housekeeping(s, Duration.ofDays(35)).execute(null);
    assertThat(s.bench().store.snapshots().storedFacts(firstRun)).isEmpty();
    assertThat(s.bench().store.evaluations().records().find(first)).isEmpty();
  }

  private static HousekeepingJob housekeeping(Setup s, Duration evaluations) {
    AimsProperties props = new AimsProperties(null, null, Path.of("data"),
        new AimsProperties.Scheduler(false, false, Duration.ofSeconds(5), "0 0 * * * ?", 4, 2, Duration.ofSeconds(30)),
        new AimsProperties.Rules(Duration.ofSeconds(10), null,
            new AimsProperties.Limits(Duration.ofSeconds(60), 2_000_000, 100_000), true, Duration.ofHours(1), ""),
        new AimsProperties.Retention(Duration.ofDays(30), 1, "0 30 3 * * ?", evaluations));
    return new HousekeepingJob(s.bench().store.snapshots(), new LineageEventRepository(s.jdbc()),
        s.bench().store.evaluations(), props, s.bench().clock);
  }

  /** The same on PostgreSQL: recording, replay, a tampered snapshot, and retention's sub-queries. */
  @Test
  void onPostgresqlARecordReplaysAndRetentionKeepsWhatItRead() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      Setup s = setup(pg.dataSource(), dir.resolve("pg"));
      long first = collectAndEvaluate(s.bench());
      s.bench().clock.advance(Duration.ofDays(40));
      s.bench().writeInventory("models.yaml", Workbench.model("fraud", "7", "[]"));
      long second = collectAndEvaluate(s.bench());
      assertThat(s.replayer().replay(first).identical()).isTrue();
      assertThat(s.replayer().replay(second).identical()).isTrue();
      assertThat(s.bench().store.evaluations().records().list(10)).extracting(EvaluationRecords.Summary::evaluationId)
          .containsExactly(second, first);

      long firstRun = s.bench().store.evaluations().records().find(first).orElseThrow().snapshots().get(0).runId();
      Instant now = s.bench().clock.instant();
      s.bench().store.snapshots().prune(Duration.ofDays(30), 1, now);
      assertThat(s.bench().store.snapshots().storedFacts(firstRun)).isPresent();

      s.jdbc().sql("UPDATE snapshot_fact SET body = REPLACE(body, '\"ana\"', '\"anna\"')"
          + " WHERE from_run <= ? AND (until_run IS NULL OR until_run > ?)").params(firstRun, firstRun).update();
      assertThat(s.replayer().replay(first).reasons()).extracting(Replayer.Reason::kind)
          .containsExactly("snapshot_changed");

      assertThat(s.bench().store.evaluations().records().prune(Duration.ofDays(35), now)).isEqualTo(1);
      s.bench().store.snapshots().prune(Duration.ofDays(30), 1, now);
      assertThat(s.bench().store.snapshots().storedFacts(firstRun)).isEmpty();
    }
  }

  /** The API over the same store: the listing, a replay, an unknown evaluation, and the declared role. */
  @Test
  void theApiListsRecordsAndReplaysOne() throws Exception {
    Setup s = setup();
    long first = collectAndEvaluate(s.bench());
    MockMvc mvc = MockMvcBuilders.standaloneSetup(new EvaluationsController(s.bench().store.evaluations(), s.replayer()))
        .setControllerAdvice(new ApiErrors()).build();
    mvc.perform(get("/api/evaluations"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$[0].evaluationId").value(first))
        .andExpect(jsonPath("$[0].snapshots").value(1))
        .andExpect(jsonPath("$[0].packs").value(1));
    mvc.perform(get("/api/evaluations").param("limit", "0")).andExpect(status().isBadRequest());
    mvc.perform(post("/api/evaluations/" + first + "/replay"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.identical").value(true))
        .andExpect(jsonPath("$.recordedVerdicts").value(1))
        .andExpect(jsonPath("$.evaluatedAt").value("2026-11-01T10:00:00Z"));
    mvc.perform(post("/api/evaluations/" + (first + 1000) + "/replay"))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("no record of evaluation")));
    assertThat(EndpointRoles.ruleFor(HttpMethod.POST, "/api/evaluations/" + first + "/replay").orElseThrow().access())
        .isEqualTo(EndpointRoles.Access.REVIEWER);
  }
}
