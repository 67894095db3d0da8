package io.aimsmonitor.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.aimsmonitor.fact.ModelVersion;
import io.aimsmonitor.fact.Subject;
import io.aimsmonitor.finding.Finding;
import io.aimsmonitor.finding.FindingEvent;
import io.aimsmonitor.finding.Reconciler;
import io.aimsmonitor.integrity.HashChains;
import io.aimsmonitor.rules.RuleDefinition;
import io.aimsmonitor.rules.Severity;
import io.aimsmonitor.rules.Violation;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How a reconciliation is written (issue #14): thousands of new findings cost a few statements per
 * table, not one or more per row; and a large reconciliation with its follow-ups (seen again,
 * changed, resolved, reopened, seen again without following the runs, not seen because a pack
 * failed) stores the same rows on PostgreSQL as on H2, with the finding events' chain intact.
 */
class ReconciliationWriteTest {

  private static final int N = 3_000;

  /**
   * Half a microsecond past the second: both databases round it up when storing, and the events'
   * chain, computed before the insert on PostgreSQL, must cover the value as stored.
   */
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00.123456500Z");

  private static final List<RuleDefinition> RULES = List.of(
      rule("lifecycle.owner", List.of("A.3.2")),
      rule("lifecycle.documented", List.of("A.6.2.4", "A.6.2.7")),
      rule("lifecycle.approved", List.of("A.6.2.5", "A.3.2", "A.9.2")));

  @TempDir
  Path dir;

  @Test
  void thousandsOfNewFindingsAreWrittenInBatchesOnH2() {
    writesInBatches(TestDatabases.h2File(dir.resolve("h2")));
  }

  @Test
  void thousandsOfNewFindingsAreWrittenInBatchesOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      writesInBatches(pg.dataSource());
    }
  }

  @Test
  void aLargeReconciliationAndItsFollowUpsStoreTheSameOnPostgresAsOnH2() throws Exception {
    DataSource h2 = TestDatabases.h2File(dir.resolve("h2-lifecycle"));
    List<String> onH2 = lifecycle(h2);
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      List<String> onPostgres = lifecycle(pg.dataSource());
      assertThat(onPostgres).containsExactlyElementsOf(onH2);
      // an event's time is its finding's, rounded alike whether the database or the chain rounded it
      assertThat(JdbcClient.create(pg.dataSource()).sql("SELECT COUNT(*) FROM finding_event e JOIN finding f"
          + " ON f.id = e.finding_id WHERE e.type = 'OPENED' AND e.at <> f.first_seen").query(Long.class).single())
          .isZero();
    }
  }

  /** A store that fails at its last table (the events) keeps nothing: the rows copied before it are rolled back. */
  @Test
  void aFailedStoreKeepsNothingOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      FindingRepository findings = TestStore.on(pg.dataSource()).findings();
      Reconciler.Result opened = reconcile(findings, violations(N, ""), byId(RULES), T0, true);
      List<FindingEvent> events = new ArrayList<>(opened.events());
      FindingEvent last = events.remove(events.size() - 1);
      events.add(new FindingEvent(last.findingId(), last.at(), last.type(), "x".repeat(300), last.detail())); // actor: 200 at most
      Reconciler.Result failing = new Reconciler.Result(opened.changed(), List.of(), opened.at(), events,
          Map.of(), opened.live(), Map.of(), Map.of(), opened.before());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> findings.apply(failing))
          .isInstanceOf(org.springframework.dao.DataAccessException.class);
      JdbcClient jdbc = JdbcClient.create(pg.dataSource());
      for (String table : List.of("finding", "finding_control", "finding_owner", "finding_event")) {
        assertThat(count(jdbc, "SELECT COUNT(*) FROM " + table)).as(table).isZero();
      }
      assertThat(new HashChains(new JdbcTemplate(pg.dataSource())).verify().intact()).isTrue();
      findings.apply(opened); // and the same reconciliation stores whole afterwards
      assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_event")).isEqualTo(N);
    }
  }

  /**
   * Findings seen again by a reconciliation that does not know which rows follow the runs (each one's
   * last seen is set) keep their rows on their pages on PostgreSQL: a HOT update, which writes no
   * index entry (V163's fillfactor; issue #14: on the full pages COPY left, every such row moved to
   * a new page with a new entry in each of the table's six indexes).
   */
  @Test
  void findingsSeenAgainAreUpdatedInPlaceOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      FindingRepository findings = TestStore.on(pg.dataSource()).findings();
      List<Violation> all = violations(N, "");
      store(findings, all, byId(RULES), T0, true);
      JdbcClient jdbc = JdbcClient.create(pg.dataSource());
      String pages = "SELECT id || ':' || (ctid::text::point)[0] FROM finding ORDER BY id";
      List<String> before = jdbc.sql(pages).query(String.class).list();

      Reconciler.Result seenAgain = store(findings, all, byId(RULES), T0.plus(Duration.ofHours(1)), false);

      assertThat(seenAgain.seenUnchanged()).hasSize(N);
      assertThat(count(jdbc, "SELECT COUNT(*) FROM finding WHERE last_seen = CAST('"
          + T0.plus(Duration.ofHours(1)).plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS)
          + "' AS TIMESTAMP WITH TIME ZONE)")).isEqualTo(N);
      assertThat(jdbc.sql(pages).query(String.class).list()).as("each finding's page").isEqualTo(before);
    }
  }

  /** The log line's counts per severity agree with the metrics' per rule: open, and no waiver in force. */
  @Test
  void openFindingsPerSeverityLeaveOutWaivedAndResolvedOnes() {
    DataSource data = TestDatabases.h2File(dir.resolve("h2-severity"));
    FindingRepository findings = TestStore.on(data).findings();
    List<RuleDefinition> rules = List.of(RULES.get(0), new RuleDefinition("lifecycle.critical", "lifecycle", "Critical",
        Severity.CRITICAL, List.of("A.3.2"), "full", "", "Fix it.", List.of(), List.of(), Set.of(ModelVersion.class)));
    List<Violation> all = IntStream.range(0, 40).mapToObj(i -> new Violation(rules.get(i % 2).id(),
        new Subject("ModelVersion", "mlflow:m-" + i, "m-" + i, null), "broken " + i, Map.of("source", "mlflow"),
        List.of())).toList();
    Reconciler reconciler = new Reconciler();
    findings.apply(reconciler.reconcile(new Reconciler.Input(Map.of(), all, byId(rules), byId(rules).keySet(),
        io.aimsmonitor.finding.Staleness.NONE, Map.of(), T0)));
    // ten resolved (the first ten subjects fixed), three of the critical ones waived
    List<Violation> still = all.subList(10, all.size());
    findings.apply(reconciler.reconcile(new Reconciler.Input(findings.forReconcile(List.of()), still, byId(rules),
        byId(rules).keySet(), io.aimsmonitor.finding.Staleness.NONE, Map.of(), T0.plusSeconds(60))));
    JdbcClient jdbc = JdbcClient.create(data);
    for (int i : new int[] {11, 13, 15}) {
      jdbc.sql("INSERT INTO finding_workflow (finding_id, waiver_id) VALUES (?, 'W-1')")
          .param(Finding.idOf(all.get(i).ruleId(), all.get(i).subject().key())).update();
    }
    FindingRepository.OpenBySeverity open = findings.openBySeverity();
    assertThat(nonZero(open.notWaived())).isEqualTo(Map.of(Severity.HIGH, 15L, Severity.CRITICAL, 12L));
    assertThat(nonZero(open.open())).isEqualTo(Map.of(Severity.HIGH, 15L, Severity.CRITICAL, 15L));
    assertThat(nonZero(open.waived())).isEqualTo(Map.of(Severity.CRITICAL, 3L));
    Map<Severity, Long> byRule = new java.util.EnumMap<>(Severity.class);
    findings.openByRule().forEach(r -> byRule.merge(Severity.valueOf((String) r.get("severity")),
        ((Number) r.get("n")).longValue(), Long::sum));
    assertThat(nonZero(open.notWaived())).isEqualTo(byRule);
  }

  /**
   * The review sync's read of every open finding goes over the finding table once on H2 rather than
   * through the status index (which fetched the rows once per severity), and reads what the index
   * read: the open findings, each with its workflow row, and no resolved one.
   */
  @Test
  void everyOpenFindingIsReadByOnePassOverTheTableOnH2() {
    DataSource data = TestDatabases.h2File(dir.resolve("h2-open"));
    FindingRepository findings = TestStore.on(data).findings();
    List<Violation> all = violations(N, "");
    store(findings, all, byId(RULES), T0, true);
    store(findings, all.subList(N / 3, N), byId(RULES), T0.plusSeconds(60), true); // a third resolved
    JdbcClient jdbc = JdbcClient.create(data);
    String assigned = Finding.idOf(all.get(N / 2).ruleId(), all.get(N / 2).subject().key());
    jdbc.sql("INSERT INTO finding_workflow (finding_id, assignee, assignee_source) VALUES (?, 'ann', 'explicit')")
        .param(assigned).update();
    ReviewRepository review = new ReviewRepository(jdbc, new JdbcTemplate(data),
        new org.springframework.transaction.support.TransactionTemplate(
            new org.springframework.jdbc.datasource.DataSourceTransactionManager(data)));

    List<ReviewRepository.OpenFinding> open = review.openFindings();

    assertThat(jdbc.sql("EXPLAIN " + ReviewRepository.OPEN_FINDINGS_H2).query(String.class).single())
        .contains("tableScan").doesNotContain("FINDING_PAGE_BY_STATUS_SEVERITY");
    assertThat(open).hasSize(N - N / 3)
        .allSatisfy(f -> assertThat(f.id()).isEqualTo(Finding.idOf(f.ruleId(), f.subjectKey())));
    assertThat(open.stream().map(ReviewRepository.OpenFinding::id).toList()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(jdbc.sql("SELECT id FROM finding WHERE status = 'OPEN'")
            .query(String.class).list());
    assertThat(open).filteredOn(f -> f.id().equals(assigned)).singleElement()
        .satisfies(f -> assertThat(f.workflow().assignee()).isEqualTo("ann"));
  }

  private static Map<Severity, Long> nonZero(Map<Severity, Long> bySeverity) {
    Map<Severity, Long> out = new java.util.EnumMap<>(Severity.class);
    bySeverity.forEach((s, n) -> {
      if (n != 0) {
        out.put(s, n);
      }
    });
    return out;
  }

  /** Rows copied into PostgreSQL (COPY's text format) keep tabs, line breaks, backslashes and the like as given. */
  @Test
  void textIsStoredAsGivenOnPostgres() throws Exception {
    String odd = "tab\there\nline\r\nback\\slash \\N \\. ünïcødé \u2603 \"quoted\", done";
    try (TestDatabases.PostgresSchema pg = TestDatabases.postgres()) {
      FindingRepository findings = TestStore.on(pg.dataSource()).findings();
      RuleDefinition rule = RULES.get(0);
      Violation v = new Violation(rule.id(), new Subject("ModelVersion", "mlflow:odd\tkey", odd, "https://x/" + odd),
          odd, Map.of("source", "mlflow", "note", odd), List.of(odd, "owner\\1"));
      findings.apply(new Reconciler().reconcile(new Reconciler.Input(Map.of(), List.of(v), byId(RULES),
          byId(RULES).keySet(), io.aimsmonitor.finding.Staleness.NONE, Map.of("mlflow", 1L), T0)));
      Finding stored = findings.get(Finding.idOf(rule.id(), "mlflow:odd\tkey")).orElseThrow();
      assertThat(stored.message()).isEqualTo(odd);
      assertThat(stored.subject().displayName()).isEqualTo(odd);
      assertThat(stored.evidence()).containsEntry("note", odd);
      assertThat(stored.owners()).containsExactlyInAnyOrder(odd, "owner\\1");
      assertThat(stored.firstSeen()).isEqualTo(T0.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      assertThat(findings.history(stored.id())).singleElement().satisfies(e -> assertThat(e.detail()).isEqualTo(odd));
      HashChains.Report chains = new HashChains(new JdbcTemplate(pg.dataSource())).verify();
      assertThat(chains.intact()).as(chains.toString()).isTrue();
    }
  }

  /**
   * Owners moved and nothing else: the store writes the owner rows that went and came, and no
   * finding row, control or event (issue #14: it rewrote every such finding's row, controls and owners).
   */
  @Test
  void aChangeOfOwnersOnlyWritesTheOwnerRowsThatMoved() {
    DataSource data = TestDatabases.h2File(dir.resolve("h2-owners"));
    List<String> sql = java.util.Collections.synchronizedList(new ArrayList<>());
    FindingRepository findings = TestStore.on(counting(data, new AtomicInteger(), sql)).findings();
    List<Violation> base = violations(N, "");
    findings.apply(reconcile(findings, base, byId(RULES), T0, true));
    JdbcClient jdbc = JdbcClient.create(data);
    String rowsBefore = String.join("\n", jdbc.sql("SELECT id, message, evidence, last_seen FROM finding ORDER BY id")
        .query((rs, n) -> rs.getString(1) + rs.getString(2) + rs.getString(3) + rs.getString(4)).list());
    List<Violation> moved = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      Violation v = base.get(i);
      moved.add(i % 7 == 0 ? new Violation(v.ruleId(), v.subject(), v.message(), v.evidence(), List.of("new-owner")) : v);
    }
    Reconciler.Result result = reconcile(findings, moved, byId(RULES), T0.plus(Duration.ofHours(1)), true);
    assertThat(result.changed()).hasSize((N + 6) / 7);
    assertThat(result.events()).isEmpty();

    sql.clear();
    findings.apply(result);
    assertThat(sql).noneMatch(s -> s.startsWith("UPDATE finding") || s.startsWith("INSERT INTO finding ")
        || s.contains("finding_control") || s.contains("finding_event"));
    assertThat(sql).anyMatch(s -> s.startsWith("DELETE FROM finding_owner"))
        .anyMatch(s -> s.startsWith("INSERT INTO finding_owner"));
    assertThat(jdbc.sql("SELECT id, message, evidence, last_seen FROM finding ORDER BY id")
        .query((rs, n) -> rs.getString(1) + rs.getString(2) + rs.getString(3) + rs.getString(4)).list())
        .as("no finding row written").isEqualTo(List.of(rowsBefore.split("\n")));
    long expectedOwners = moved.stream().mapToLong(v -> v.owners().size()).sum();
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_owner")).isEqualTo(expectedOwners);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_owner WHERE owner = 'new-owner'")).isEqualTo((N + 6) / 7);
    assertThat(findings.get(Finding.idOf(moved.get(0).ruleId(), moved.get(0).subject().key())).orElseThrow().owners())
        .containsExactly("new-owner");
  }

  /** N new findings: the statements sent are a few per table and chunk, and every row is there. */
  private void writesInBatches(DataSource data) {
    AtomicInteger statements = new AtomicInteger();
    List<String> sql = java.util.Collections.synchronizedList(new ArrayList<>());
    FindingRepository findings = TestStore.on(counting(data, statements, sql)).findings();
    Reconciler.Result opened = reconcile(findings, violations(N, ""), byId(RULES), T0, true);
    assertThat(opened.changed()).hasSize(N);

    statements.set(0);
    findings.apply(opened);
    // a batch per table and chunk, a few for the chain's head; row by row it was several per
    // finding (an UPDATE, then the event's chain link)
    assertThat(statements.get()).as("statements executed for %d new findings", N).isLessThan(N / 50);
    // the events are inserted with their chain links: none is read back and updated to seal it
    assertThat(sql).noneMatch(s -> s.startsWith("UPDATE finding_event"));

    JdbcClient jdbc = JdbcClient.create(data);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding WHERE status = 'OPEN' AND seen_live")).isEqualTo(N);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_control")).isEqualTo(N * 2L); // 1, 2 and 3 controls
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_owner"))
        .isEqualTo(violations(N, "").stream().mapToLong(v -> v.owners().size()).sum());
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_event WHERE type = 'OPENED'")).isEqualTo(N);
    assertThat(new HashChains(new JdbcTemplate(data)).verify().intact()).isTrue();
  }

  /**
   * Five reconciliations through the repository as an evaluation runs them; returns every stored
   * row of the findings, their controls, owners and events, as text, in a fixed order.
   */
  private static List<String> lifecycle(DataSource data) {
    FindingRepository findings = TestStore.on(data).findings();
    Map<String, RuleDefinition> all = byId(RULES);
    List<Reconciler.Result> results = new ArrayList<>();
    // 1. all new
    results.add(store(findings, violations(N, ""), all, T0, true));
    // 2. a fifth not violated any more (resolved), a fifth with a new message, some owners moved;
    //    the rest seen again unchanged, which writes nothing
    List<Violation> second = new ArrayList<>();
    List<Violation> base = violations(N, "");
    for (int i = 0; i < N; i++) {
      Violation v = base.get(i);
      if (i % 5 == 0) {
        continue;
      }
      String message = i % 5 == 1 ? v.message() + " Still." : v.message();
      List<String> owners = i % 7 == 0 ? List.of("new-owner") : v.owners();
      second.add(new Violation(v.ruleId(), v.subject(), message, v.evidence(), owners));
    }
    results.add(store(findings, second, all, T0.plus(Duration.ofHours(1)), true));
    // 3. violated as at first: the resolved reopen, the messages change back, the owners move back
    results.add(store(findings, base, all, T0.plus(Duration.ofHours(2)), true));
    // 4. seen again by a reconciliation that does not know which rows follow the runs: each is marked seen
    Reconciler.Result seenAgain = store(findings, base, all, T0.plus(Duration.ofHours(3)), false);
    assertThat(seenAgain.seenUnchanged()).hasSize(N);
    results.add(seenAgain);
    // 5. the pack of the last rule failed: its findings are not seen, their last seen is fixed
    Map<String, RuleDefinition> twoRules = byId(RULES.subList(0, 2));
    Reconciler.Result packFailed = store(findings, base.stream().filter(v -> twoRules.containsKey(v.ruleId())).toList(),
        twoRules, T0.plus(Duration.ofHours(4)), true);
    assertThat(packFailed.unseen()).hasSize(N / 3);
    results.add(packFailed);

    JdbcClient jdbc = JdbcClient.create(data);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding")).isEqualTo(N);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_event"))
        .isEqualTo(results.stream().mapToLong(r -> r.events().size()).sum());
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_event WHERE type = 'REOPENED'")).isEqualTo(N / 5);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding_event WHERE type = 'SEEN_AGAIN'")).isEqualTo(2L * N / 5);
    assertThat(count(jdbc, "SELECT COUNT(*) FROM finding WHERE seen_live")).isEqualTo(N - N / 3);
    HashChains.Report chains = new HashChains(new JdbcTemplate(data)).verify();
    assertThat(chains.intact()).as(chains.toString()).isTrue();

    List<String> rows = new ArrayList<>();
    rows.addAll(jdbc.sql("SELECT id, rule_id, status, stale, message, controls, evidence, seen_live, first_seen, last_seen,"
            + " resolved_at, severity_rank, source FROM finding ORDER BY id")
        .query((rs, n) -> String.join("|", rs.getString("id"), rs.getString("rule_id"), rs.getString("status"),
            String.valueOf(rs.getBoolean("stale")), rs.getString("message"), rs.getString("controls"),
            rs.getString("evidence"), String.valueOf(rs.getBoolean("seen_live")), time(rs, "first_seen"),
            time(rs, "last_seen"), time(rs, "resolved_at"), rs.getString("severity_rank"), rs.getString("source")))
        .list());
    rows.addAll(jdbc.sql("SELECT finding_id, control_id FROM finding_control ORDER BY finding_id, control_id")
        .query((rs, n) -> "control|" + rs.getString(1) + "|" + rs.getString(2)).list());
    rows.addAll(jdbc.sql("SELECT finding_id, owner FROM finding_owner ORDER BY finding_id, owner")
        .query((rs, n) -> "owner|" + rs.getString(1) + "|" + rs.getString(2)).list());
    // the events of one finding in their order; between findings, the order within one reconciliation follows a
    // hash map's and may differ (the chain, verified above, is in the order they were written)
    rows.addAll(jdbc.sql("SELECT finding_id, at, type, actor, detail FROM finding_event ORDER BY finding_id, chain_seq")
        .query((rs, n) -> String.join("|", "event", rs.getString("finding_id"), time(rs, "at"), rs.getString("type"),
            rs.getString("actor"), rs.getString("detail")))
        .list());
    return rows;
  }

  private static String time(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? "null" : t.toInstant().toString();
  }

  private static Reconciler.Result store(FindingRepository findings, List<Violation> violations,
      Map<String, RuleDefinition> evaluated, Instant at, boolean followRuns) {
    Reconciler.Result result = reconcile(findings, violations, evaluated, at, followRuns);
    findings.apply(result);
    return result;
  }

  /** As an evaluation reconciles: every open finding and the violated ones, and which rows follow the runs. */
  private static Reconciler.Result reconcile(FindingRepository findings, List<Violation> violations,
      Map<String, RuleDefinition> evaluated, Instant at, boolean followRuns) {
    FindingRepository.Reconcilable existing = findings.reconcilable(violations.stream()
        .map(v -> Finding.idOf(v.ruleId(), v.subject().key())).toList());
    return new Reconciler().reconcile(new Reconciler.Input(existing.findings(), violations, evaluated,
        byId(RULES).keySet(), io.aimsmonitor.finding.Staleness.NONE,
        Map.of("mlflow", 1L), at, followRuns ? existing.live() : Set.of()));
  }

  /** {@code n} violations over the three rules, a third of the subjects without owners, some with two. */
  private static List<Violation> violations(int n, String suffix) {
    return IntStream.range(0, n).mapToObj(i -> {
      RuleDefinition rule = RULES.get(i % RULES.size());
      String key = "mlflow:model-" + (i / RULES.size()) + "/1";
      List<String> owners = i % 3 == 0 ? List.of() : i % 3 == 1 ? List.of("owner-" + (i % 13))
          : List.of("owner-" + (i % 13), "risk-team");
      return new Violation(rule.id(), new Subject("ModelVersion", key, "model-" + (i / RULES.size()) + " v1",
          "https://mlflow.example/" + i), "Model model-" + i + " breaks " + rule.id() + "." + suffix,
          Map.of("source", "mlflow", "stage", "Production", "owners", owners), owners);
    }).toList();
  }

  private static RuleDefinition rule(String id, List<String> controls) {
    return new RuleDefinition(id, "lifecycle", "Title of " + id, Severity.HIGH, controls, "full", "", "Fix it.",
        List.of(), List.of(), Set.of(ModelVersion.class));
  }

  private static Map<String, RuleDefinition> byId(List<RuleDefinition> rules) {
    Map<String, RuleDefinition> out = new LinkedHashMap<>();
    rules.forEach(r -> out.put(r.id(), r));
    return out;
  }

  private static long count(JdbcClient jdbc, String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }

  /** The data source, counting every statement execution (a batch counts once) on its connections. */
  private static DataSource counting(DataSource target, AtomicInteger executions, List<String> prepared) {
    return (DataSource) Proxy.newProxyInstance(ReconciliationWriteTest.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = invoke(target, method, args);
          return result instanceof Connection c ? countingConnection(c, executions, prepared) : result;
        });
  }

  /** Counts executions; records the text of every prepared statement in {@code prepared}. */
  private static Connection countingConnection(Connection target, AtomicInteger executions, List<String> prepared) {
    return (Connection) Proxy.newProxyInstance(ReconciliationWriteTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String text) {
            prepared.add(text);
          }
          Object result = invoke(target, method, args);
          if (result instanceof Statement s) {
            return countingStatement(s, executions);
          }
          return result;
        });
  }

  private static Statement countingStatement(Statement target, AtomicInteger executions) {
    Class<?>[] interfaces = target instanceof java.sql.CallableStatement ? new Class<?>[] {java.sql.CallableStatement.class}
        : target instanceof java.sql.PreparedStatement ? new Class<?>[] {java.sql.PreparedStatement.class}
        : new Class<?>[] {Statement.class};
    return (Statement) Proxy.newProxyInstance(ReconciliationWriteTest.class.getClassLoader(), interfaces,
        (proxy, method, args) -> {
          if (method.getName().startsWith("execute")) {
            executions.incrementAndGet();
          }
          return invoke(target, method, args);
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
