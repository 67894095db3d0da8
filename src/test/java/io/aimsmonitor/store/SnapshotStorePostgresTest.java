package io.aimsmonitor.store;

import io.aimsmonitor.testing.RequiresPostgres;
import io.aimsmonitor.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** {@link SnapshotStoreScenario} on the real PostgreSQL server, each test in a schema of its own. */
@RequiresPostgres
class SnapshotStorePostgresTest extends SnapshotStoreScenario {

  @Test
  void aCollectionWritesOnlyTheFactsThatChanged() throws Exception {
    try (var db = TestDatabases.postgres()) {
      aCollectionWritesOnlyTheFactsThatChanged(db.dataSource());
    }
  }

  @Test
  void everyReadGivesBackWhatWasCollected() throws Exception {
    try (var db = TestDatabases.postgres()) {
      everyReadGivesBackWhatWasCollected(db.dataSource());
    }
  }

  @Test
  void heldRunsBacktestsAndRetentionReadTheRightSnapshot() throws Exception {
    try (var db = TestDatabases.postgres()) {
      heldRunsBacktestsAndRetentionReadTheRightSnapshot(db.dataSource());
    }
  }

  @Test
  void aWriteThatFailsHalfWayKeepsNothing() throws Exception {
    try (var db = TestDatabases.postgres()) {
      aWriteThatFailsHalfWayKeepsNothing(db.dataSource());
    }
  }

  @Test
  void connectorsKeepTheirOwnRows() throws Exception {
    try (var db = TestDatabases.postgres()) {
      connectorsKeepTheirOwnRows(db.dataSource());
    }
  }

  @Test
  void aReStampedFactIsHandedOnAsACopyOfThePreviousOne() throws Exception {
    try (var db = TestDatabases.postgres()) {
      aReStampedFactIsHandedOnAsACopyOfThePreviousOne(db.dataSource());
    }
  }
}
