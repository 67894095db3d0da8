package io.aimsmonitor.store;

import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import org.junit.jupiter.api.Test;

/** {@link FindingQueryScenario} on the real PostgreSQL server. */
@RequiresPostgres
class FindingQueryPostgresTest extends FindingQueryScenario {

  @Test
  void everyFilterSelectsWhatItSays() throws Exception {
    try (var db = TestDatabases.postgres()) {
      everyFilterSelectsWhatItSays(TestStore.on(db.dataSource()).findings());
    }
  }

  @Test
  void everySortPagesThroughEachFindingOnceInOrder() throws Exception {
    try (var db = TestDatabases.postgres()) {
      everySortPagesThroughEachFindingOnceInOrder(TestStore.on(db.dataSource()).findings());
    }
  }

  @Test
  void pagingIsStableWhileFindingsChange() throws Exception {
    try (var db = TestDatabases.postgres()) {
      pagingIsStableWhileFindingsChange(TestStore.on(db.dataSource()).findings());
    }
  }

  @Test
  void pagesCrossSortValueBoundaries() throws Exception {
    try (var db = TestDatabases.postgres()) {
      pagesCrossSortValueBoundaries(TestStore.on(db.dataSource()).findings());
    }
  }

  @Test
  void totalsAreCountedOncePerChange() throws Exception {
    try (var db = TestDatabases.postgres()) {
      totalsAreCountedOncePerChange(TestStore.on(db.dataSource()));
    }
  }

  /**
   * A page after a cursor reads from the cursor on, not from the start: the keyset condition is an
   * index bound ("Index Cond"), not a filter over every row before it. Sequential scans are turned
   * off so that the plan shows what the index can do on a table this small.
   */
  @Test
  void aPageAfterACursorIsAnIndexRangeNotAFilter() throws Exception {
    try (var db = TestDatabases.postgres()) {
      seed(TestStore.on(db.dataSource()).findings());
      try (var connection = db.dataSource().getConnection()) {
        connection.createStatement().execute("SET enable_seqscan = off");
        var single = new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true);
        var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(single);
        for (FindingSort sort : java.util.List.of(FindingSort.DEFAULT, FindingSort.parse("firstSeen"))) {
          Object value = sort.key() == FindingSort.Key.SEVERITY ? (Object) 2
              : SnapshotRepository.utc(T0.plus(java.time.Duration.ofDays(30)));
          String plan = String.join("\n", jdbc.sql("EXPLAIN SELECT f.id FROM finding f WHERE "
                  + (sort.key() == FindingSort.Key.SEVERITY ? "f.status = 'OPEN' AND " : "") + sort.after() + sort.orderBy() + " FETCH FIRST 51 ROWS ONLY")
              .param("cursor_value", value).param("cursor_id", "8").query(String.class).list());
          org.assertj.core.api.Assertions.assertThat(plan).as(plan).containsPattern("Index Cond: .*ROW\\(")
              .doesNotContain("Filter:");
        }
      }
    }
  }

  /**
   * A page, as {@link FindingRepository#page} reads it, reads each row's owners by index probes and
   * starts at its cursor through the sort index, on tables the planner has no
   * statistics for (as after a large first evaluation, before autovacuum analyses them, and always
   * on a server with autovacuum off). WHY: the owners used to be read with an {@code IN} list of the
   * page's ids, which such a planner estimated at a quarter of the table and read with a sequential
   * scan of {@code finding_owner} on every page: 165 ms a page at 100,000 findings (issue #14). The
   * workflow rows are joined on their primary key, which the planner sizes right without
   * statistics (a hash join over a small table, index probes over a large one), so the plan is not
   * asserted for them.
   */
  @Test
  void aPageReadsOwnersByIndexWithoutStatistics() throws Exception {
    try (var db = TestDatabases.postgres()) {
      var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(db.dataSource());
      jdbc.sql("INSERT INTO finding (id, rule_id, pack, title, severity, severity_rank, controls, message, subject_type,"
          + " subject_key, status, stale, first_seen, last_seen) SELECT md5(g::text), 'rule-' || (g % 40), 'pack', 'A rule',"
          + " 'HIGH', g % 5, 'A.6.2.4', 'A message', 'ModelVersion', 'mlflow:model-' || g, 'OPEN', FALSE, now(), now()"
          + " FROM generate_series(1, 20000) g").update();
      jdbc.sql("INSERT INTO finding_owner (finding_id, owner) SELECT id, 'owner-' || (severity_rank) FROM finding").update();
      jdbc.sql("INSERT INTO finding_workflow (finding_id, assignee) SELECT id, 'team' FROM finding WHERE severity_rank = 1")
          .update();
      String lastId = jdbc.sql("SELECT md5('777')").query(String.class).single();
      for (FindingSort.Cursor after : java.util.Arrays.asList(null, new FindingSort.Cursor(FindingSort.DEFAULT, 2, lastId))) {
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        String sql = FindingRepository.pageQuery(FindingFilter.all(), FindingSort.DEFAULT, after,
            FindingRepository.Range.ALL, 51, params);
        String plan = String.join("\n", jdbc.sql("EXPLAIN " + sql).params(params).query(String.class).list());
        org.assertj.core.api.Assertions.assertThat(plan).as(plan)
            .contains("finding_owner_pkey").doesNotContain("Seq Scan on finding_owner")
            .doesNotContain("Seq Scan on finding ");
        if (after != null) {
          org.assertj.core.api.Assertions.assertThat(plan).as(plan).containsPattern("Index Cond: .*ROW\\(");
        }
      }
    }
  }

  /**
   * The page's prepared statement is planned once and then run with PostgreSQL's generic plan,
   * not planned anew for each cursor: after pgjdbc's five uses it is a server-side statement, and
   * after the plan cache's five custom plans every further execution takes the generic plan
   * ({@code pg_prepared_statements} counts both). The cursors include the last severity band, whose
   * custom plan PostgreSQL estimated at one row when the cursor's value was a plain parameter: that
   * plan looked cheaper than the generic one, so every page was planned (issue #14; see
   * {@link FindingSort#after()}). The pages read are checked too, so that the plan serves the
   * right rows.
   */
  @Test
  void aPageAfterACursorIsPlannedOnceNotPerRequest() throws Exception {
    try (var db = TestDatabases.postgres(); var connection = db.dataSource().getConnection()) {
      var single = new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true);
      var jdbc = org.springframework.jdbc.core.simple.JdbcClient.create(single);
      jdbc.sql("INSERT INTO finding (id, rule_id, pack, title, severity, severity_rank, controls, message, subject_type,"
          + " subject_key, status, stale, first_seen, last_seen) SELECT md5(g::text), 'rule-' || (g % 40), 'pack', 'A rule',"
          + " 'HIGH', 1 + g % 3, 'A.6.2.4', 'A message', 'ModelVersion', 'mlflow:model-' || g, 'OPEN', FALSE, now(), now()"
          + " FROM generate_series(1, 6000) g").update();
      jdbc.sql("ANALYZE finding").update();
      FindingRepository findings = TestStore.on(single).findings();
      java.util.List<String> lowest = jdbc.sql("SELECT id FROM finding WHERE severity_rank = 1 ORDER BY id DESC")
          .query(String.class).list();
      for (int i = 0; i < 20; i++) {
        // mostly the lowest band (the one-row estimate), and the other two now and then
        int rank = i % 4 == 3 ? 2 + i % 2 : 1;
        String id = rank == 1 ? lowest.get(i * 50) : jdbc.sql("SELECT md5(?::text)").param(rank - 1 + 3 * i).query(String.class).single();
        var page = findings.page(FindingFilter.all(), FindingSort.DEFAULT, new FindingSort.Cursor(FindingSort.DEFAULT, rank, id), 50);
        org.assertj.core.api.Assertions.assertThat(page.items()).hasSize(50);
        org.assertj.core.api.Assertions.assertThat(page.items().get(0).id()).isLessThan(id);
        if (rank == 1) {
          org.assertj.core.api.Assertions.assertThat(page.items().get(0).id()).isEqualTo(lowest.get(i * 50 + 1));
        }
      }
      var plans = jdbc.sql("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
          + " WHERE statement LIKE '%finding_owner%' AND statement LIKE '%(f.severity_rank, f.id) <%'")
          .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
      org.assertj.core.api.Assertions.assertThat(plans).as("the page's server-side statement").hasSize(1);
      // 20 executions: pgjdbc runs the first 4 unnamed, then the plan cache makes 5 custom plans
      org.assertj.core.api.Assertions.assertThat(plans.get(0)[1]).as("custom plans").isEqualTo(5);
      org.assertj.core.api.Assertions.assertThat(plans.get(0)[0]).as("generic plans").isEqualTo(11);
    }
  }
}
