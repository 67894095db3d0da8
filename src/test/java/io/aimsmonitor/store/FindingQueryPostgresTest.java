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
}
