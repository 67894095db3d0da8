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
}
