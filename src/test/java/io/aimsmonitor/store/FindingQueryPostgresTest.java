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
}
