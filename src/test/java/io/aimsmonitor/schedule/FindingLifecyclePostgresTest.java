package io.aimsmonitor.schedule;

import io.aimsmonitor.testing.TestDatabases;
import io.aimsmonitor.testing.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same lifecycle on the real PostgreSQL server ({@code AIMS_TEST_POSTGRES_URL}; required under CI=true). */
class FindingLifecyclePostgresTest extends FindingLifecycleScenario {

  @TempDir
  Path dir;

  @Test
  void openResolveReopenStaleAndRestartOnPostgres() throws Exception {
    try (TestDatabases.PostgresSchema schema = TestDatabases.postgres()) {
      runScenario(dir, TestStore.on(schema.dataSource()), () -> TestStore.on(schema.dataSource()));
    }
  }
}
