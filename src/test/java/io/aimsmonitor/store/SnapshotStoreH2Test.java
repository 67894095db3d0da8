package io.aimsmonitor.store;

import io.aimsmonitor.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SnapshotStoreScenario} on the H2 file database. */
class SnapshotStoreH2Test extends SnapshotStoreScenario {

  @TempDir
  Path dir;

  @Test
  void aCollectionWritesOnlyTheFactsThatChanged() {
    aCollectionWritesOnlyTheFactsThatChanged(TestDatabases.h2File(dir));
  }

  @Test
  void everyReadGivesBackWhatWasCollected() {
    everyReadGivesBackWhatWasCollected(TestDatabases.h2File(dir));
  }

  @Test
  void heldRunsBacktestsAndRetentionReadTheRightSnapshot() {
    heldRunsBacktestsAndRetentionReadTheRightSnapshot(TestDatabases.h2File(dir));
  }

  @Test
  void aWriteThatFailsHalfWayKeepsNothing() {
    aWriteThatFailsHalfWayKeepsNothing(TestDatabases.h2File(dir));
  }

  @Test
  void connectorsKeepTheirOwnRows() {
    connectorsKeepTheirOwnRows(TestDatabases.h2File(dir));
  }

  @Test
  void aReStampedFactIsHandedOnAsACopyOfThePreviousOne() {
    aReStampedFactIsHandedOnAsACopyOfThePreviousOne(TestDatabases.h2File(dir));
  }
}
