package io.aimsmonitor.schedule;

import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle on the embedded default: an H2 file database, re-opened to simulate a restart. */
class FindingLifecycleH2Test extends FindingLifecycleScenario {

  @TempDir
  Path dir;

  @Test
  void openResolveReopenStaleAndRestartOnH2File() {
    Path db = dir.resolve("db");
    runScenario(dir, TestStore.on(TestDatabases.h2File(db)), () -> TestStore.on(TestDatabases.h2File(db)));
  }
}
