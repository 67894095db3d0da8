package io.aimsmonitor.store;

import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FindingQueryScenario} on the embedded H2 database. */
class FindingQueryH2Test extends FindingQueryScenario {

  @TempDir
  Path dir;

  private FindingRepository repo() {
    return TestStore.on(TestDatabases.h2File(dir)).findings();
  }

  @Test
  void everyFilterSelectsWhatItSays() {
    everyFilterSelectsWhatItSays(repo());
  }

  @Test
  void everySortPagesThroughEachFindingOnceInOrder() {
    everySortPagesThroughEachFindingOnceInOrder(repo());
  }

  @Test
  void pagingIsStableWhileFindingsChange() {
    pagingIsStableWhileFindingsChange(repo());
  }

  @Test
  void totalsAreCountedOncePerChange() {
    totalsAreCountedOncePerChange(TestStore.on(TestDatabases.h2File(dir)));
  }
}
